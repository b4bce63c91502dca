//! Checking data already in storage: a torrent added again over pieces kept on disk (removed
//! without its data, or the data survived otherwise) starts from the pieces whose hashes
//! match instead of fetching everything again. JS hashes (storage holds the bytes); the core
//! only holds its requests meanwhile and takes the result.

use super::{Client, ClientError};
use crate::engine::TorrentId;
use crate::piece::Bitfield;
use crate::time::Instant;

impl Client {
    /// Storage is about to be checked: the torrent requests nothing (from peers or web seeds)
    /// until [`Client::pieces_checked`]. Call it right after adding, before its metadata may
    /// arrive, so not even the first piece is asked twice; trackers and peers carry on.
    pub fn start_check(&mut self, id: TorrentId) -> Result<(), ClientError> {
        self.entry(id)?;
        self.engine.swarm_mut(id).ok_or(ClientError::UNKNOWN_TORRENT)?.start_check();
        Ok(())
    }

    /// The check is done: `found` (a BEP 3 bitfield) are the pieces storage holds whose
    /// hashes matched. They count as verified (not stored again, announced to peers) and the
    /// rest is fetched. Needs the metadata (a magnet's check starts once it is here).
    pub fn pieces_checked(&mut self, id: TorrentId, found: &[u8], now: Instant) -> Result<(), ClientError> {
        self.entry(id)?;
        let swarm = self.engine.swarm_mut(id).ok_or(ClientError::UNKNOWN_TORRENT)?;
        let count = swarm.metadata().ok_or(ClientError::NoMetadata)?.layout.piece_count();
        let found = Bitfield::from_wire(found, count).map_err(|_| ClientError::BadBitfield)?;
        swarm.handle_checked(&found);
        self.drain_engine(Some(now));
        Ok(())
    }
}
