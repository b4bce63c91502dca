//! Errors of the engine's inputs.

use crate::error::{CoreError, Fault};
use crate::metainfo::MetainfoError;

/// Why an engine input was refused.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum EngineError {
    /// The .torrent or magnet did not parse.
    Metainfo(MetainfoError),
    /// A magnet with only a v2 hash (WebTorrent swarms are v1, PROTOCOL.md §5).
    NoV1Hash,
    /// The torrent is already added.
    DuplicateTorrent,
    /// A torrent handle we did not make or already removed.
    UnknownTorrent,
    /// A peer handle we did not make or already closed.
    UnknownPeer,
    /// Every connection slot is taken; close the new channel.
    ConnectionBudget,
    /// A resume snapshot that is not ours or is damaged.
    BadSnapshot,
    /// The torrent is paused: it takes no peers.
    Paused,
}

impl core::fmt::Display for EngineError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            EngineError::Metainfo(e) => write!(f, "bad torrent: {e}"),
            other => f.write_str(other.code()),
        }
    }
}

impl CoreError for EngineError {
    fn code(&self) -> &'static str {
        match self {
            EngineError::Metainfo(_) => "engine.bad-torrent",
            EngineError::NoV1Hash => "engine.no-v1-hash",
            EngineError::DuplicateTorrent => "engine.duplicate-torrent",
            EngineError::UnknownTorrent => "engine.unknown-torrent",
            EngineError::UnknownPeer => "engine.unknown-peer",
            EngineError::ConnectionBudget => "engine.budget",
            EngineError::BadSnapshot => "engine.bad-snapshot",
            EngineError::Paused => "engine.paused",
        }
    }
    fn fault(&self) -> Fault {
        match self {
            EngineError::Metainfo(_) | EngineError::BadSnapshot => Fault::BadInput,
            EngineError::NoV1Hash | EngineError::ConnectionBudget | EngineError::Paused => Fault::Unsupported,
            _ => Fault::ApiMisuse,
        }
    }
}
