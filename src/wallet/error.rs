//! Why a wallet operation was refused. Messages never contain secret material.

use crate::error::{CoreError, Fault};
use core::fmt;

/// A wallet problem.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WalletError {
    /// The mnemonic has an unknown word, a bad checksum or a wrong word count.
    BadMnemonic(String),
    /// Entropy must be 16, 20, 24, 28 or 32 bytes (BIP-39).
    BadEntropy,
    /// An extended key string that is not valid (the text says why, per BIP-32's invalid cases).
    BadExtendedKey(&'static str),
    /// A derivation path that cannot be read, e.g. `m/84'/x`.
    BadPath(String),
    /// A private derivation asked of a public key, or a hardened step from an xpub.
    NeedsPrivateKey,
    /// BIP-32's once-in-2^127 invalid child; the caller moves to the next index.
    InvalidChild,
    /// A nonce or tweak came out invalid (probability ~2^-128), or the counter ran out.
    SigningFailed,
    /// A WIF string that is not base58check, has the wrong length, flag or version.
    BadWif(&'static str),
    /// A signed message that does not parse (not base64, wrong length, bad header byte).
    BadSignature(&'static str),
    /// A vault blob that is not ours: too short, unknown magic or version, bad parameters.
    BadVault(&'static str),
    /// The vault did not open: wrong passphrase, or the blob was altered.
    Refused,
    /// The address cannot sign this kind of message (e.g. P2SH that is not P2SH-P2WPKH).
    UnsupportedAddress,
    /// The PSBT to sign does not parse or its transaction cannot be built.
    Psbt(crate::btc::psbt::PsbtError),
    /// A key, address or vault of another network than the one chosen.
    WrongNetwork,
    /// A PSBT input of ours asks for a sighash type other than SIGHASH_ALL (or taproot's
    /// SIGHASH_DEFAULT), which would let others change the transaction after we sign; the
    /// signer makes such signatures only when told to (`SignOptions`). Nothing was signed.
    NonDefaultSighash {
        /// The input.
        input: usize,
        /// The sighash type it asks for.
        sighash_type: u32,
    },
    /// A coin named for a proof of funds that cannot be read (outpoint `txid:vout`, amount,
    /// address), or is repeated.
    BadCoin(&'static str),
    /// Coin `n` (from 0) of a proof of funds is not locked to a key of this wallet.
    CoinNotOurs(usize),
}

impl fmt::Display for WalletError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadMnemonic(why) => write!(f, "invalid recovery phrase: {why}"),
            Self::BadEntropy => write!(f, "entropy must be 16, 20, 24, 28 or 32 bytes"),
            Self::BadExtendedKey(why) => write!(f, "invalid extended key: {why}"),
            Self::BadPath(p) => write!(f, "invalid derivation path {p:?}"),
            Self::NeedsPrivateKey => write!(f, "hardened derivation needs the private key"),
            Self::InvalidChild => write!(f, "this child key is invalid; use the next index"),
            Self::SigningFailed => write!(f, "signing failed (invalid nonce or tweak)"),
            Self::BadWif(why) => write!(f, "invalid WIF private key: {why}"),
            Self::BadSignature(why) => write!(f, "invalid signature: {why}"),
            Self::BadVault(why) => write!(f, "not a peerpage vault: {why}"),
            Self::Refused => write!(f, "wrong passphrase (or the vault was altered)"),
            Self::UnsupportedAddress => write!(f, "this address type cannot sign this message format"),
            Self::Psbt(e) => write!(f, "{e}"),
            Self::WrongNetwork => write!(f, "this key belongs to another network (mainnet and test networks do not mix)"),
            Self::NonDefaultSighash { input, sighash_type } => write!(
                f,
                "input {input} asks for sighash type 0x{sighash_type:02x}, which lets others change the transaction; nothing was signed (allow non-default sighash types to sign it)"
            ),
            Self::BadCoin(why) => write!(f, "invalid coin: {why}"),
            Self::CoinNotOurs(n) => write!(f, "coin {} is not locked to an address of this wallet (searched: the account's first 1000 receive and change addresses)", n + 1),
        }
    }
}

impl CoreError for WalletError {
    fn code(&self) -> &'static str {
        match self {
            Self::BadMnemonic(_) => "wallet.bad-mnemonic",
            Self::BadEntropy => "wallet.bad-entropy",
            Self::BadExtendedKey(_) => "wallet.bad-extended-key",
            Self::BadPath(_) => "wallet.bad-path",
            Self::NeedsPrivateKey => "wallet.needs-private-key",
            Self::InvalidChild => "wallet.invalid-child",
            Self::SigningFailed => "wallet.signing-failed",
            Self::BadWif(_) => "wallet.bad-wif",
            Self::BadSignature(_) => "wallet.bad-signature",
            Self::BadVault(_) => "wallet.bad-vault",
            Self::Refused => "wallet.refused",
            Self::UnsupportedAddress => "wallet.unsupported-address",
            Self::Psbt(e) => e.code(),
            Self::WrongNetwork => "wallet.wrong-network",
            Self::NonDefaultSighash { .. } => "wallet.non-default-sighash",
            Self::BadCoin(_) => "wallet.bad-coin",
            Self::CoinNotOurs(_) => "wallet.coin-not-ours",
        }
    }
    fn fault(&self) -> Fault {
        match self {
            Self::BadEntropy | Self::NeedsPrivateKey => Fault::ApiMisuse,
            Self::Refused | Self::NonDefaultSighash { .. } => Fault::Refused,
            Self::Psbt(e) => e.fault(),
            Self::UnsupportedAddress | Self::SigningFailed => Fault::Unsupported,
            _ => Fault::BadInput,
        }
    }
}

impl From<crate::btc::psbt::PsbtError> for WalletError {
    fn from(e: crate::btc::psbt::PsbtError) -> Self {
        WalletError::Psbt(e)
    }
}
