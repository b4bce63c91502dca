//! The only holder of secrets: BIP-39 phrases, BIP-32 keys, accounts. Nothing here hands a
//! private key to a caller except through an explicit export (`to_base58` of an xprv);
//! secrets are zeroized on drop and Debug never prints them.

pub mod account;
pub mod bip322;
pub mod chain;
mod error;
pub mod hd;
pub mod keystore;
pub mod message;
pub mod mnemonic;
pub mod path;
pub mod psbt;
pub mod sign;
pub mod vault;
pub mod wif;

pub use account::{Account, ScriptType};
pub use bip322::{Bip322Format, Bip322Verdict, Coin};
pub use chain::{Chain, ChainScan, DEFAULT_GAP_LIMIT};
pub use error::WalletError;
pub use hd::{ExtendedPrivKey, ExtendedPubKey, KeyVersion, VERSIONS};
pub use keystore::Keystore;
pub use mnemonic::{Language, Mnemonic};
pub use path::{DerivationPath, HARDENED};
pub use psbt::{psbt_review, psbt_sign, SignOptions, SignReport};
pub use sign::NonceMode;
pub use vault::VaultParams;
pub use wif::WifKey;
