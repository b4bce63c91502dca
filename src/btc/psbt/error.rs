//! Why bytes are not a PSBT we accept, or why a PSBT role cannot proceed.

use crate::btc::encoding::DecodeError;
use crate::error::{CoreError, Fault};
use core::fmt;

/// Which map of a PSBT a problem is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Where {
    /// The global map.
    Global,
    /// The input map of this index.
    Input(usize),
    /// The output map of this index.
    Output(usize),
}

impl fmt::Display for Where {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Where::Global => f.write_str("global map"),
            Where::Input(i) => write!(f, "input {i}"),
            Where::Output(i) => write!(f, "output {i}"),
        }
    }
}

/// A PSBT problem. Parsing never panics: every malformed input lands in one of these.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PsbtError {
    /// The bytes do not start with `psbt\xff` (maybe a raw transaction).
    BadMagic,
    /// Text that is neither base64 nor hex of a PSBT.
    BadText,
    /// The bytes end early, a length is too large, or a structure is malformed.
    Encoding(DecodeError),
    /// Bytes after the last map.
    TrailingData,
    /// The same key twice in one map (BIP-174: "keys within each scope should never be
    /// duplicated").
    DuplicateKey {
        /// The map.
        at: Where,
        /// The key type.
        key_type: u64,
    },
    /// A key whose key data has the wrong length or is not a valid public key.
    InvalidKey {
        /// The map.
        at: Where,
        /// The key type.
        key_type: u64,
    },
    /// A value that does not parse as its field's type, or has bytes left over.
    InvalidValue {
        /// The map.
        at: Where,
        /// The key type.
        key_type: u64,
    },
    /// A field that exists only in the other PSBT version (BIP-370 "Version 0 fields
    /// excluded from version 2" and the reverse).
    WrongVersionField {
        /// The map.
        at: Where,
        /// The key type.
        key_type: u64,
        /// The PSBT's version.
        version: u32,
    },
    /// A field the version requires is absent (v0: the unsigned tx; v2: counts, tx
    /// version, outpoints, amounts and scripts).
    MissingField {
        /// The map.
        at: Where,
        /// The key type.
        key_type: u64,
    },
    /// PSBT_GLOBAL_VERSION other than 0 or 2.
    UnsupportedVersion(u32),
    /// The unsigned transaction carries a scriptSig or witness (BIP-174: they must be empty).
    UnsignedTxNotEmpty,
    /// BIP-370: inputs require both a height and a time lock time and cannot agree.
    LockTimeConflict,
    /// Combine: the two PSBTs are not for the same transaction.
    DifferentTransactions,
    /// Extract: this input has no final scriptSig or witness.
    NotFinalized(usize),
    /// Finalize: a signature of this input does not verify against its key and the
    /// input's sighash (a cosigner's mistake or a tampered PSBT); nothing was finalized.
    InvalidSignature(usize),
}

impl fmt::Display for PsbtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadMagic => write!(f, "not a PSBT (it does not start with psbt\\xff)"),
            Self::BadText => write!(f, "not a PSBT in base64 or hex"),
            Self::Encoding(e) => write!(f, "malformed PSBT: {e}"),
            Self::TrailingData => write!(f, "unexpected bytes after the PSBT"),
            Self::DuplicateKey { at, key_type } => write!(f, "duplicate key of type 0x{key_type:02x} in the {at}"),
            Self::InvalidKey { at, key_type } => write!(f, "invalid key of type 0x{key_type:02x} in the {at}"),
            Self::InvalidValue { at, key_type } => write!(f, "invalid value for type 0x{key_type:02x} in the {at}"),
            Self::WrongVersionField { at, key_type, version } => {
                write!(f, "field type 0x{key_type:02x} in the {at} is not allowed in a version {version} PSBT")
            }
            Self::MissingField { at, key_type } => {
                write!(f, "required field type 0x{key_type:02x} missing in the {at}")
            }
            Self::UnsupportedVersion(v) => write!(f, "PSBT version {v} is not supported (only 0 and 2)"),
            Self::UnsignedTxNotEmpty => write!(f, "the unsigned transaction has scriptSigs or witnesses"),
            Self::LockTimeConflict => write!(f, "inputs need both a height and a time lock time"),
            Self::DifferentTransactions => write!(f, "the PSBTs are for different transactions"),
            Self::NotFinalized(i) => write!(f, "input {i} is not finalized"),
            Self::InvalidSignature(i) => write!(f, "a signature of input {i} does not verify; nothing was finalized"),
        }
    }
}

impl CoreError for PsbtError {
    fn code(&self) -> &'static str {
        match self {
            Self::BadMagic => "btc.psbt.bad-magic",
            Self::BadText => "btc.psbt.bad-text",
            Self::Encoding(_) => "btc.psbt.encoding",
            Self::TrailingData => "btc.psbt.trailing-data",
            Self::DuplicateKey { .. } => "btc.psbt.duplicate-key",
            Self::InvalidKey { .. } => "btc.psbt.invalid-key",
            Self::InvalidValue { .. } => "btc.psbt.invalid-value",
            Self::WrongVersionField { .. } => "btc.psbt.wrong-version-field",
            Self::MissingField { .. } => "btc.psbt.missing-field",
            Self::UnsupportedVersion(_) => "btc.psbt.unsupported-version",
            Self::UnsignedTxNotEmpty => "btc.psbt.unsigned-tx-not-empty",
            Self::LockTimeConflict => "btc.psbt.locktime-conflict",
            Self::DifferentTransactions => "btc.psbt.different-transactions",
            Self::NotFinalized(_) => "btc.psbt.not-finalized",
            Self::InvalidSignature(_) => "btc.psbt.invalid-signature",
        }
    }
    fn fault(&self) -> Fault {
        match self {
            Self::UnsupportedVersion(_) => Fault::Unsupported,
            _ => Fault::BadInput,
        }
    }
}

impl From<DecodeError> for PsbtError {
    fn from(e: DecodeError) -> Self {
        PsbtError::Encoding(e)
    }
}
