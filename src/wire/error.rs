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
        /// The message id, if it had arrived when the length was judged.
        id: Option<u8>,
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
    /// The handshake names a torrent other than the one this connection is for (BEP 3; a peer
    /// that dialled the wrong swarm, or a tracker relaying across swarms).
    ForeignInfoHash,
    /// The handshake carries our own peer id: we connected to ourselves (two offers of ours
    /// relayed back to us by the tracker).
    OwnPeerId,
    /// A BEP 6 Fast message arrived but the Fast bit is not set on both handshakes.
    FastNotNegotiated {
        /// The message id.
        id: u8,
    },
    /// A caller's send buffer is smaller than the message ([`crate::wire::Message::encode_to_slice`]).
    BufferTooSmall {
        /// Bytes the message needs.
        need: usize,
        /// Bytes the buffer has.
        have: usize,
    },
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadProtocol => write!(f, "the peer's handshake is not BitTorrent's"),
            Self::MessageTooLong { id: Some(id), len, max } => {
                write!(f, "a {len}-byte message (id {id}) exceeds our {max}-byte cap")
            }
            Self::MessageTooLong { id: None, len, max } => write!(f, "a {len}-byte message exceeds our {max}-byte cap"),
            Self::BadLength { id, len } => write!(f, "message {id} has a {len}-byte payload, which is wrong for it"),
            Self::BadExtension(why) => write!(f, "bad extension message: {why}"),
            Self::MetadataHashMismatch => write!(f, "the metadata from peers does not match the info hash"),
            Self::ForeignInfoHash => write!(f, "the peer's handshake is for another torrent"),
            Self::OwnPeerId => write!(f, "the peer's handshake carries our own peer id"),
            Self::FastNotNegotiated { id } => {
                write!(f, "message {id} needs the Fast extension, which was not negotiated")
            }
            Self::BufferTooSmall { need, have } => write!(f, "a {need}-byte message does not fit a {have}-byte buffer"),
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
            Self::ForeignInfoHash => "wire.foreign-info-hash",
            Self::OwnPeerId => "wire.own-peer-id",
            Self::FastNotNegotiated { .. } => "wire.fast-not-negotiated",
            Self::BufferTooSmall { .. } => "wire.buffer-too-small",
        }
    }
    fn fault(&self) -> Fault {
        match self {
            Self::MetadataHashMismatch | Self::ForeignInfoHash | Self::OwnPeerId | Self::FastNotNegotiated { .. } => {
                Fault::PeerMisbehaved
            }
            Self::BufferTooSmall { .. } => Fault::ApiMisuse,
            _ => Fault::BadInput,
        }
    }
}
