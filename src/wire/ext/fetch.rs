//! Fetching the info dict from peers (BEP 9) for a torrent opened by magnet link: which
//! piece to ask whom, request timeouts, rejects, and what to do when the hash does not match.
//!
//! The fetcher is sans-IO and does not know connections: the caller names peers by any
//! copyable key `P` (the swarm's peer handle), asks [`MetadataFetcher::poll_requests`] what to
//! send each peer, and feeds back data, rejects, departures and the time.

use super::handshake::MAX_METADATA_SIZE;
use super::ut_metadata::{Assembled, MetadataAssembler};
use crate::metainfo::InfoHash;
use crate::time::{Instant, Millis};
use crate::wire::error::WireError;

/// A request unanswered this long goes to another peer. WebTorrent drops a peer after 30 s
/// without a block (PROTOCOL.md §3); metadata pieces are small, so we move on sooner.
pub const METADATA_REQUEST_TIMEOUT: Millis = Millis::secs(20);

/// Pieces requested from one peer at a time. WebTorrent requests every piece at once; a cap
/// spreads a large info dict over several peers and limits what one staller holds up.
pub const MAX_REQUESTS_PER_PEER: usize = 16;

/// Hash mismatches a peer may take part in before we stop asking it. One is forgiven because
/// with several contributors we cannot tell who lied (BEP 9 has no per-piece hash).
const MAX_STRIKES: u32 = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot<P> {
    Missing,
    Requested { peer: P, at: Instant },
    Have { from: P },
}

#[derive(Clone, Debug)]
struct PeerState<P> {
    peer: P,
    size: u32,
    rejects: u32,
    strikes: u32,
}

/// What [`MetadataFetcher::handle_data`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchProgress<P> {
    /// Stored; more pieces are needed.
    Progress,
    /// A piece we already have or did not want (WebTorrent ignores these too).
    Ignored,
    /// Every piece arrived and the SHA-1 matches the info hash: the info dict's bytes.
    Complete(Vec<u8>),
    /// Every piece arrived but the SHA-1 does not match. The fetch restarts; these peers
    /// supplied pieces (a single one is certainly lying and is no longer asked).
    HashMismatch {
        /// The peers whose pieces made up the bad metadata.
        contributors: Vec<P>,
    },
}

/// The metadata fetch of one torrent.
#[derive(Debug)]
pub struct MetadataFetcher<P> {
    info_hash: InfoHash,
    assembler: Option<MetadataAssembler>,
    slots: Vec<Slot<P>>,
    peers: Vec<PeerState<P>>,
    done: bool,
}

impl<P: Copy + Eq> MetadataFetcher<P> {
    /// A fetch for the torrent with this info hash, with no peers yet.
    pub fn new(info_hash: InfoHash) -> Self {
        MetadataFetcher { info_hash, assembler: None, slots: Vec::new(), peers: Vec::new(), done: false }
    }

    /// The size being fetched, once a peer has announced one.
    pub fn size(&self) -> Option<u32> {
        self.assembler.as_ref().map(MetadataAssembler::size)
    }

    /// Whether the metadata has been assembled and verified.
    pub fn is_complete(&self) -> bool {
        self.done
    }

    /// Pieces received so far, and the total (for the UI).
    pub fn progress(&self) -> (u32, u32) {
        let have = self.slots.iter().filter(|s| matches!(s, Slot::Have { .. })).count();
        (u32::try_from(have).unwrap_or(u32::MAX), u32::try_from(self.slots.len()).unwrap_or(u32::MAX))
    }

    /// A peer's extension handshake gave `metadata_size` (BEP 9): it can serve the metadata.
    /// The first size seen is fetched; peers announcing another size are kept aside in case
    /// that one proves false.
    pub fn add_peer(&mut self, peer: P, metadata_size: u32) -> Result<(), WireError> {
        if metadata_size == 0 || metadata_size > MAX_METADATA_SIZE {
            return Err(WireError::BadExtension("metadata_size out of range"));
        }
        match self.peers.iter_mut().find(|p| p.peer == peer) {
            Some(state) => state.size = metadata_size,
            None => self.peers.push(PeerState { peer, size: metadata_size, rejects: 0, strikes: 0 }),
        }
        if self.assembler.is_none() && !self.done {
            self.start(metadata_size)?;
        }
        Ok(())
    }

    /// The peer left: what it was asked for goes back to the pool.
    pub fn remove_peer(&mut self, peer: P) {
        self.peers.retain(|p| p.peer != peer);
        self.release(|p| p == peer);
        self.choose_size();
    }

    /// Pieces to request from `peer` now (at most `max`), marked as requested at `now`.
    /// Empty if the peer cannot serve our size, has rejected too much or lied before.
    pub fn poll_requests(&mut self, peer: P, now: Instant, max: usize) -> Vec<u32> {
        let Some(size) = self.size() else { return Vec::new() };
        let pieces = self.slots.len();
        let Some(state) = self.peers.iter().find(|p| p.peer == peer) else {
            return Vec::new();
        };
        // WebTorrent tolerates twice the piece count in rejects before giving up on a peer.
        let rejects_ok = (state.rejects as usize) < pieces.saturating_mul(2).max(2);
        if state.size != size || state.strikes >= MAX_STRIKES || !rejects_ok || self.done {
            return Vec::new();
        }
        let outstanding =
            self.slots.iter().filter(|s| matches!(s, Slot::Requested { peer: p, .. } if *p == peer)).count();
        let room = max.min(MAX_REQUESTS_PER_PEER).saturating_sub(outstanding);
        let mut out = Vec::new();
        for (i, slot) in self.slots.iter_mut().enumerate() {
            if out.len() >= room {
                break;
            }
            if *slot == Slot::Missing {
                *slot = Slot::Requested { peer, at: now };
                out.push(u32::try_from(i).unwrap_or(u32::MAX));
            }
        }
        out
    }

    /// A `data` message from `peer`. Wrong sizes are the peer's fault (an error to drop it
    /// for); pieces we did not need are ignored.
    pub fn handle_data(
        &mut self,
        peer: P,
        piece: u32,
        total_size: u32,
        data: &[u8],
    ) -> Result<FetchProgress<P>, WireError> {
        let Some(assembler) = self.assembler.as_mut() else {
            return Ok(FetchProgress::Ignored);
        };
        if self.done || assembler.has(piece) {
            return Ok(FetchProgress::Ignored);
        }
        let result = assembler.add(piece, total_size, data);
        match result {
            Ok(Assembled::Progress) => {
                if let Some(slot) = self.slots.get_mut(piece as usize) {
                    *slot = Slot::Have { from: peer };
                }
                Ok(FetchProgress::Progress)
            }
            Ok(Assembled::Complete(bytes)) => {
                self.done = true;
                self.assembler = None;
                self.slots.iter_mut().for_each(|s| *s = Slot::Have { from: peer });
                Ok(FetchProgress::Complete(bytes))
            }
            Err(WireError::MetadataHashMismatch) => {
                let mut contributors = vec![peer];
                for slot in &self.slots {
                    if let Slot::Have { from } = slot {
                        if !contributors.contains(from) {
                            contributors.push(*from);
                        }
                    }
                }
                let strike = if contributors.len() == 1 { MAX_STRIKES } else { 1 };
                for state in self.peers.iter_mut().filter(|p| contributors.contains(&p.peer)) {
                    state.strikes = state.strikes.saturating_add(strike);
                }
                self.slots.iter_mut().for_each(|s| *s = Slot::Missing);
                self.choose_size();
                Ok(FetchProgress::HashMismatch { contributors })
            }
            Err(e) => {
                // Our request for this piece from this peer is void; let someone else try.
                self.release(|p| p == peer);
                Err(e)
            }
        }
    }

    /// A `reject` from `peer`: the piece goes back to the pool.
    pub fn handle_reject(&mut self, peer: P, piece: u32) {
        if let Some(slot) = self.slots.get_mut(piece as usize) {
            if matches!(slot, Slot::Requested { peer: p, .. } if *p == peer) {
                *slot = Slot::Missing;
            }
        }
        if let Some(state) = self.peers.iter_mut().find(|p| p.peer == peer) {
            state.rejects = state.rejects.saturating_add(1);
        }
    }

    /// When the oldest outstanding request times out.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.slots
            .iter()
            .filter_map(|s| match s {
                Slot::Requested { at, .. } => Some(*at + METADATA_REQUEST_TIMEOUT),
                _ => None,
            })
            .min()
    }

    /// Returns requests older than the timeout to the pool; the peers that held them.
    pub fn handle_timeout(&mut self, now: Instant) -> Vec<P> {
        let mut late = Vec::new();
        for slot in &mut self.slots {
            if let Slot::Requested { peer, at } = *slot {
                if now >= at + METADATA_REQUEST_TIMEOUT {
                    *slot = Slot::Missing;
                    if !late.contains(&peer) {
                        late.push(peer);
                    }
                }
            }
        }
        late
    }

    fn start(&mut self, size: u32) -> Result<(), WireError> {
        let assembler = MetadataAssembler::new(self.info_hash, size)?;
        self.slots = vec![Slot::Missing; assembler.piece_count() as usize];
        self.assembler = Some(assembler);
        Ok(())
    }

    fn release(&mut self, whose: impl Fn(P) -> bool) {
        for slot in &mut self.slots {
            if matches!(*slot, Slot::Requested { peer, .. } if whose(peer)) {
                *slot = Slot::Missing;
            }
        }
    }

    /// After a mismatch or a departure, fetch the size most usable peers announce, so one
    /// liar about `metadata_size` cannot stall the fetch while honest peers wait.
    fn choose_size(&mut self) {
        if self.done {
            return;
        }
        let usable = |p: &&PeerState<P>| p.strikes < MAX_STRIKES;
        let mut best: Option<(u32, usize)> = None;
        for p in self.peers.iter().filter(usable) {
            let votes = self.peers.iter().filter(usable).filter(|q| q.size == p.size).count();
            if best.is_none_or(|(_, v)| votes > v) {
                best = Some((p.size, votes));
            }
        }
        match best {
            Some((size, _)) if Some(size) != self.size() => {
                // Sizes were range-checked in add_peer, so this cannot fail.
                let _ = self.start(size);
            }
            _ => {}
        }
    }
}
