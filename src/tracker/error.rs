//! Why a tracker message was refused.

use crate::error::{CoreError, Fault};
use core::fmt;

/// A tracker text that we cannot use. The socket stays up: WebTorrent treats unknown messages
/// as errors and reconnects, but we only log them (PROTOCOL.md §1.4).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TrackerError {
    /// Not a JSON object.
    NotJson,
    /// A required field is absent or has the wrong type; names it.
    Field(&'static str),
    /// An id that is not a 20-character binary string.
    BadId(&'static str),
    /// An `action` we do not know.
    UnknownAction(String),
}

impl fmt::Display for TrackerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotJson => write!(f, "tracker sent something that is not a JSON object"),
            Self::Field(name) => write!(f, "tracker message has no valid `{name}`"),
            Self::BadId(name) => write!(f, "tracker message's `{name}` is not a 20-byte binary string"),
            Self::UnknownAction(a) => write!(f, "tracker sent unknown action {a:?}"),
        }
    }
}

impl CoreError for TrackerError {
    fn code(&self) -> &'static str {
        match self {
            Self::NotJson => "tracker.not-json",
            Self::Field(_) => "tracker.bad-field",
            Self::BadId(_) => "tracker.bad-id",
            Self::UnknownAction(_) => "tracker.unknown-action",
        }
    }
    fn fault(&self) -> Fault {
        Fault::BadInput
    }
}
