//! The only holder of secrets: BIP-39 phrases, BIP-32 keys, accounts. Nothing here hands a
//! private key to a caller except through an explicit export (`to_base58` of an xprv);
//! secrets are zeroized on drop and Debug never prints them.

pub mod account;
mod error;
pub mod hd;
pub mod mnemonic;
pub mod path;

pub use account::{Account, ScriptType};
pub use error::WalletError;
pub use hd::{ExtendedPrivKey, ExtendedPubKey, KeyVersion, VERSIONS};
pub use mnemonic::{Language, Mnemonic};
pub use path::{DerivationPath, HARDENED};
