//! Why a .torrent or magnet link was rejected.

use crate::bencode::DecodeError;
use crate::error::{CoreError, Fault};
use core::fmt;

/// A torrent, magnet or layout problem, with the field it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MetainfoError {
    /// The bytes are not bencode at all (offset inside).
    Bencode(DecodeError),
    /// A required field is absent, e.g. `info.piece length`.
    Missing(&'static str),
    /// A field is present with the wrong type or an impossible value; the text says which.
    Invalid {
        /// Dotted path of the field, e.g. `info.files[3].path`.
        field: String,
        /// What is wrong with it, in words.
        problem: String,
    },
    /// The torrent is well-formed but uses something we do not handle (e.g. a v2-only torrent
    /// where a v1 swarm is needed).
    Unsupported(String),
    /// A magnet link that cannot be read; the text says why.
    Magnet(String),
    /// The caller passed something impossible (e.g. an empty file list to the creator).
    Misuse(&'static str),
}

impl MetainfoError {
    pub(crate) fn invalid(field: impl Into<String>, problem: impl Into<String>) -> Self {
        MetainfoError::Invalid { field: field.into(), problem: problem.into() }
    }
}

impl From<DecodeError> for MetainfoError {
    fn from(e: DecodeError) -> Self {
        MetainfoError::Bencode(e)
    }
}

impl fmt::Display for MetainfoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bencode(e) => write!(f, "not a torrent file: {e}"),
            Self::Missing(field) => write!(f, "the torrent has no `{field}`"),
            Self::Invalid { field, problem } => write!(f, "the torrent's `{field}` is invalid: {problem}"),
            Self::Unsupported(what) => write!(f, "unsupported torrent: {what}"),
            Self::Magnet(why) => write!(f, "bad magnet link: {why}"),
            Self::Misuse(why) => write!(f, "invalid request: {why}"),
        }
    }
}

impl CoreError for MetainfoError {
    fn code(&self) -> &'static str {
        match self {
            Self::Bencode(e) => e.code(),
            Self::Missing(_) => "metainfo.missing-field",
            Self::Invalid { .. } => "metainfo.invalid-field",
            Self::Unsupported(_) => "metainfo.unsupported",
            Self::Magnet(_) => "magnet.invalid",
            Self::Misuse(_) => "metainfo.misuse",
        }
    }
    fn fault(&self) -> Fault {
        match self {
            Self::Unsupported(_) => Fault::Unsupported,
            Self::Misuse(_) => Fault::ApiMisuse,
            _ => Fault::BadInput,
        }
    }
}
