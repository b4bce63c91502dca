//! Errors of the client's inputs.

use crate::engine::EngineError;
use crate::error::{CoreError, Fault};
use crate::metainfo::MetainfoError;
use crate::tracker::TrackerError;

/// Why a client input was refused.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ClientError {
    /// From the engine (unknown torrent or peer, budget, bad torrent, duplicate, ...).
    Engine(EngineError),
    /// A tracker text we cannot use (the socket stays up).
    Tracker(TrackerError),
    /// The .torrent or magnet did not parse.
    Metainfo(MetainfoError),
    /// A connection id we did not make, or one already opened, failed or dropped.
    UnknownConn,
    /// A file index the torrent does not have.
    NoSuchFile,
    /// The torrent has no metadata yet (a magnet still fetching it).
    NoMetadata,
    /// A resume snapshot that is not ours or is damaged.
    BadSnapshot,
    /// A bitfield of pieces whose length does not fit the torrent.
    BadBitfield,
}

impl ClientError {
    /// A torrent handle we did not make or already removed (the engine's error, so both
    /// layers give JS one code).
    pub(crate) const UNKNOWN_TORRENT: ClientError = ClientError::Engine(EngineError::UnknownTorrent);
}

impl From<EngineError> for ClientError {
    fn from(e: EngineError) -> Self {
        ClientError::Engine(e)
    }
}

impl core::fmt::Display for ClientError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ClientError::Engine(e) => e.fmt(f),
            ClientError::Tracker(e) => e.fmt(f),
            ClientError::Metainfo(e) => write!(f, "bad torrent: {e}"),
            other => f.write_str(other.code()),
        }
    }
}

impl CoreError for ClientError {
    fn code(&self) -> &'static str {
        match self {
            ClientError::Engine(e) => e.code(),
            ClientError::Tracker(e) => e.code(),
            ClientError::Metainfo(e) => e.code(),
            ClientError::UnknownConn => "client.unknown-conn",
            ClientError::NoSuchFile => "client.no-such-file",
            ClientError::NoMetadata => "client.no-metadata",
            ClientError::BadSnapshot => "engine.bad-snapshot",
            ClientError::BadBitfield => "client.bad-bitfield",
        }
    }
    fn fault(&self) -> Fault {
        match self {
            ClientError::Engine(e) => e.fault(),
            ClientError::Tracker(e) => e.fault(),
            ClientError::Metainfo(e) => e.fault(),
            ClientError::BadSnapshot | ClientError::BadBitfield => Fault::BadInput,
            _ => Fault::ApiMisuse,
        }
    }
}
