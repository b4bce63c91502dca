//! Why bytes from a peer were refused. All of them drop that peer, never the download.

use crate::error::{CoreError, Fault};
use core::fmt;

/// A peer-wire problem.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WireError {
    /// The handshake does not start with `\x13BitTorrent protocol` (BEP 3).
    BadProtocol,
    /// A length prefix larger than we accept (a hostile or broken peer).
    MessageTooLong {
        /// The announced length.
        len: u32,
        /// Our cap.
        max: u32,
    },
    /// A message whose payload has the wrong size for its id, e.g. a 3-byte `have`.
    BadLength {
        /// The message id.
        id: u8,
        /// Payload bytes received.
        len: usize,
    },
    /// A BEP 10 / BEP 9 payload that is not the bencoded dict the spec requires.
    BadExtension(&'static str),
    /// The metadata assembled from peers does not hash to the info hash (BEP 9).
    MetadataHashMismatch,
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadProtocol => write!(f, "the peer's handshake is not BitTorrent's"),
            Self::MessageTooLong { len, max } => write!(f, "a {len}-byte message exceeds our {max}-byte cap"),
            Self::BadLength { id, len } => write!(f, "message {id} has a {len}-byte payload, which is wrong for it"),
            Self::BadExtension(why) => write!(f, "bad extension message: {why}"),
            Self::MetadataHashMismatch => write!(f, "the metadata from peers does not match the info hash"),
        }
    }
}

impl CoreError for WireError {
    fn code(&self) -> &'static str {
        match self {
            Self::BadProtocol => "wire.bad-protocol",
            Self::MessageTooLong { .. } => "wire.message-too-long",
            Self::BadLength { .. } => "wire.bad-length",
            Self::BadExtension(_) => "wire.bad-extension",
            Self::MetadataHashMismatch => "wire.metadata-hash-mismatch",
        }
    }
    fn fault(&self) -> Fault {
        match self {
            Self::MetadataHashMismatch => Fault::PeerMisbehaved,
            _ => Fault::BadInput,
        }
    }
}
