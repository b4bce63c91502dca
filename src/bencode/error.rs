//! Why a bencode input was rejected, and where.

use crate::error::{CoreError, Fault};
use core::fmt;

/// A decode failure: what went wrong and the byte offset in the input where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// What was wrong.
    pub kind: DecodeErrorKind,
    /// Offset of the offending byte (or of the end of input, for truncation).
    pub offset: usize,
}

/// The kinds of bad bencode. Every one of them is the input's fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The input ended inside a value.
    UnexpectedEof,
    /// A byte that cannot start or continue a value here (e.g. `x`, or a non-string dict key).
    UnexpectedByte(u8),
    /// An integer with no digits (`ie`, `i-e`).
    EmptyInteger,
    /// Strict mode: an integer or string length with a leading zero (`i03e`, `03:abc`).
    LeadingZero,
    /// Strict mode: `i-0e`.
    NegativeZero,
    /// An integer outside the signed 64-bit range.
    IntegerOverflow,
    /// A byte string longer than the limit, or longer than the rest of the input.
    StringTooLong,
    /// Lists and dicts nested deeper than the limit.
    TooDeep,
    /// More values in total than the limit.
    TooManyValues,
    /// Strict mode: dict keys not in ascending byte order (BEP 3).
    UnsortedKeys,
    /// The same key twice in one dict: ambiguous, so refused in every mode.
    DuplicateKey,
    /// Bytes after the one top-level value.
    TrailingData,
}

impl DecodeErrorKind {
    fn describe(self) -> &'static str {
        match self {
            Self::UnexpectedEof => "the data ends in the middle of a value",
            Self::UnexpectedByte(_) => "unexpected byte",
            Self::EmptyInteger => "an integer has no digits",
            Self::LeadingZero => "a number has a leading zero",
            Self::NegativeZero => "negative zero is not allowed",
            Self::IntegerOverflow => "an integer does not fit in 64 bits",
            Self::StringTooLong => "a byte string is longer than allowed or than the data",
            Self::TooDeep => "lists and dictionaries are nested too deeply",
            Self::TooManyValues => "too many values",
            Self::UnsortedKeys => "dictionary keys are not sorted",
            Self::DuplicateKey => "a dictionary key appears twice",
            Self::TrailingData => "extra bytes after the end of the data",
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            DecodeErrorKind::UnexpectedByte(b) => {
                write!(f, "bad bencode at byte {}: unexpected byte 0x{b:02x} ({:?})", self.offset, char::from(b))
            }
            kind => write!(f, "bad bencode at byte {}: {}", self.offset, kind.describe()),
        }
    }
}

impl CoreError for DecodeError {
    fn code(&self) -> &'static str {
        match self.kind {
            DecodeErrorKind::UnexpectedEof => "bencode.unexpected-eof",
            DecodeErrorKind::UnexpectedByte(_) => "bencode.unexpected-byte",
            DecodeErrorKind::EmptyInteger => "bencode.empty-integer",
            DecodeErrorKind::LeadingZero => "bencode.leading-zero",
            DecodeErrorKind::NegativeZero => "bencode.negative-zero",
            DecodeErrorKind::IntegerOverflow => "bencode.integer-overflow",
            DecodeErrorKind::StringTooLong => "bencode.string-too-long",
            DecodeErrorKind::TooDeep => "bencode.too-deep",
            DecodeErrorKind::TooManyValues => "bencode.too-many-values",
            DecodeErrorKind::UnsortedKeys => "bencode.unsorted-keys",
            DecodeErrorKind::DuplicateKey => "bencode.duplicate-key",
            DecodeErrorKind::TrailingData => "bencode.trailing-data",
        }
    }
    fn fault(&self) -> Fault {
        Fault::BadInput
    }
}
