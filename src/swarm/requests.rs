//! Our side of the transfer: which blocks to ask whom for, what arrives, verification,
//! and smart ban (a peer whose block differs from the verified piece is banned at once;
//! a peer that was the only source of failed pieces [`MAX_STRIKES`] times is banned too).

use super::partial::PartialPiece;
use super::peer::InFlight;
use super::{PeerKey, PeerSession, Swarm, SwarmOutput, MAX_STRIKES};
use crate::time::Instant;
use crate::wire::{BlockRequest, Message, PeerId, BLOCK_LEN};

/// Requests each peer keeps when the streaming window moves: its oldest are likely being
/// served already, and cancelling them would only waste them.
const KEEP_ON_SEEK: usize = 2;

impl Swarm {
    /// The streaming window moved (a seek): requests for pieces outside it of which no
    /// block arrived yet are cancelled (BEP 3 `cancel`), but for each peer's oldest few, so
    /// the new window is asked for next instead of waiting behind them at a slow peer.
    pub(super) fn cancel_outside_window(&mut self) {
        let window = self.picker.window();
        let mut released = Vec::new();
        for peer in self.peers.values_mut() {
            let mut oldest_first = peer.in_flight.clone();
            oldest_first.sort_by_key(|r| r.sent);
            for r in oldest_first.into_iter().skip(KEEP_ON_SEEK) {
                let Some(part) = self.partial.get(&r.piece) else { continue };
                if window.contains(&r.piece) || part.has_received() {
                    continue;
                }
                let (begin, length) = part.block_span(r.block);
                peer.take_in_flight(r.piece, r.block);
                peer.send(&Message::Cancel(BlockRequest { index: r.piece, begin, length }));
                released.push((r.piece, r.block));
            }
        }
        for (piece, block) in released {
            self.release_block(piece, block);
        }
    }

    /// Fills every peer's pipeline.
    pub(super) fn fill_all_requests(&mut self, now: Instant) {
        let keys: Vec<PeerKey> = self.peers.keys().copied().collect();
        for key in keys {
            self.fill_requests(key, now);
        }
    }

    /// After a priority change: refill using the time the last request was sent.
    pub(super) fn fill_all_requests_now(&mut self) {
        let now = self.peers.values().flat_map(|p| p.in_flight.iter().map(|r| r.sent)).max().unwrap_or_default();
        self.fill_all_requests(now);
    }

    /// Sends requests to `key` until its pipeline is full: blocks of pieces in progress
    /// first (finish what is started), then a new piece from the picker, then endgame.
    pub(super) fn fill_requests(&mut self, key: PeerKey, now: Instant) {
        if self.paused || self.checking {
            return;
        }
        let Some(meta) = &self.meta else { return };
        if !self.peers.get(&key).is_some_and(PeerSession::wants_refill) {
            return;
        }
        let layout = meta.layout.clone();
        let piece_blocks = layout.piece_len().div_ceil(BLOCK_LEN);
        loop {
            let Some(peer) = self.peers.get(&key) else { return };
            if peer.free_slots() == 0 || peer.have.is_none() {
                return;
            }
            if !self.gate.allows(super::rate::Direction::Down, self.clock) {
                self.throttled(super::rate::Direction::Down);
                return;
            }
            // A piece in progress the peer has (finish what is started), unless the
            // streaming window holds a piece nobody has started. Slow and fast peers keep to
            // pieces of their own speed, but for the streaming window's.
            let slow = peer.is_slow(piece_blocks);
            let started = self
                .partial
                .iter()
                .filter(|(p, part)| {
                    peer.has(**p)
                        && part.has_missing()
                        && (part.is_slow() == slow || self.picker.priority(**p) == super::Priority::Critical)
                })
                .map(|(p, _)| *p)
                .min_by_key(|p| (self.picker.priority(*p) != super::Priority::Critical, *p));
            let target = match started {
                Some(s) if self.picker.priority(s) == super::Priority::Critical => Some(s),
                Some(s) => {
                    let urgent = self
                        .picker
                        .window()
                        .iter()
                        .any(|&p| !self.have.has(p) && peer.has(p) && !self.partial.contains_key(&p));
                    (!urgent).then_some(s)
                }
                None => None,
            };
            let piece = match target {
                Some(p) => p,
                None => {
                    let partial = &self.partial;
                    match self.picker.pick(&self.have, &|p| peer.has(p), &|p| partial.contains_key(&p), &mut self.rng) {
                        Some(p) => {
                            let Some(idx) = layout.piece(p) else { return };
                            let mut part = PartialPiece::new(layout.piece_size(idx), BLOCK_LEN);
                            part.set_slow(slow);
                            self.partial.insert(p, part);
                            p
                        }
                        None => {
                            // Nothing new to start: blocks nobody was asked for in the other
                            // speed's pieces, then endgame.
                            let other = self
                                .partial
                                .iter()
                                .find(|(p, part)| peer.has(**p) && part.has_missing())
                                .map(|(p, _)| *p);
                            match other {
                                Some(p) => p,
                                None => {
                                    if !self.request_endgame(key, now) {
                                        return;
                                    }
                                    continue;
                                }
                            }
                        }
                    }
                }
            };
            let Some(part) = self.partial.get_mut(&piece) else { return };
            let Some(block) = part.take_missing() else { return };
            let (begin, length) = part.block_span(block);
            self.send_request(key, piece, block, begin, length, now);
        }
    }

    fn send_request(&mut self, key: PeerKey, piece: u32, block: u32, begin: u32, length: u32, now: Instant) {
        // Charged when asked: what arrives then follows the download limit.
        self.gate.take(super::rate::Direction::Down, u64::from(length));
        if let Some(peer) = self.peers.get_mut(&key) {
            peer.in_flight.push(InFlight { piece, block, sent: now });
            peer.send(&Message::Request(BlockRequest { index: piece, begin, length }));
        }
    }

    /// Endgame: every block is asked for somewhere; ask this peer for one it is not
    /// already fetching. Returns whether a request was sent.
    fn request_endgame(&mut self, key: PeerKey, now: Instant) -> bool {
        let Some(peer) = self.peers.get(&key) else { return false };
        let mine: Vec<(u32, u32)> = peer.in_flight.iter().map(|r| (r.piece, r.block)).collect();
        let pieces: Vec<u32> = self.partial.keys().copied().filter(|p| peer.has(*p)).collect();
        for piece in pieces {
            let Some(part) = self.partial.get_mut(&piece) else { continue };
            if let Some(block) = part.take_for_endgame(&|b| mine.contains(&(piece, b))) {
                let (begin, length) = part.block_span(block);
                self.send_request(key, piece, block, begin, length, now);
                return true;
            }
        }
        false
    }

    /// A request ended without data: the block may be asked again.
    pub(super) fn release_block(&mut self, piece: u32, block: u32) {
        if let Some(part) = self.partial.get_mut(&piece) {
            part.release(block);
            if part.is_idle() {
                self.partial.remove(&piece);
            }
        }
    }

    pub(super) fn on_reject(&mut self, key: PeerKey, req: BlockRequest) {
        let block = req.begin / BLOCK_LEN;
        let Some(peer) = self.peers.get_mut(&key) else { return };
        if peer.take_in_flight(req.index, block).is_some() {
            self.release_block(req.index, block);
        }
    }

    /// A block arrived. Unrequested blocks are dropped (WebTorrent does the same); a block
    /// of a piece we no longer need is counted as waste.
    pub(super) fn on_block(
        &mut self,
        key: PeerKey,
        index: u32,
        begin: u32,
        data: &[u8],
        now: Instant,
    ) -> Result<(), &'static str> {
        let block = begin / BLOCK_LEN;
        let peer = self.peers.get_mut(&key).ok_or("swarm.gone")?;
        if begin % BLOCK_LEN != 0 || peer.take_in_flight(index, block).is_none() {
            return Ok(());
        }
        peer.down_meter.add(now, data.len() as u64);
        let rate = peer.down_meter.rate(now);
        peer.on_block(data.len(), rate);
        self.down_meter.add(now, data.len() as u64);
        let from = peer.peer_id.ok_or("swarm.no-handshake")?;
        self.stats.downloaded += data.len() as u64;
        let Some(part) = self.partial.get_mut(&index) else {
            self.stats.wasted += data.len() as u64;
            return Ok(());
        };
        if !part.receive(block, data, from) {
            self.stats.wasted += data.len() as u64;
            return Ok(());
        }
        // Endgame duplicates still in flight elsewhere are cancelled (BEP 3 `cancel`).
        let (b, len) = part.block_span(block);
        let complete = part.is_complete();
        for (other, peer) in self.peers.iter_mut() {
            if *other != key && peer.take_in_flight(index, block).is_some() {
                peer.send(&Message::Cancel(BlockRequest { index, begin: b, length: len }));
            }
        }
        if complete {
            if let Some(part) = self.partial.remove(&index) {
                self.finish_piece(index, part);
            }
        }
        Ok(())
    }

    /// All blocks are here: check the SHA-1 (BEP 3 `pieces`), then store and announce, or
    /// discard, blame and fetch again.
    pub(super) fn finish_piece(&mut self, index: u32, part: PartialPiece) {
        let Some(meta) = &self.meta else { return };
        let ok = !self.config.verify || meta.piece_hash(index).is_some_and(|h| crate::piece::verify(part.data(), h));
        if !ok {
            self.stats.wasted += part.data().len() as u64;
            self.blame(index, &part);
            self.emit(SwarmOutput::HashFailed(index));
            return;
        }
        self.judge_suspects(index, &part);
        self.mark_have(index);
        let data = part.into_data();
        // Kept for uploads only if a peer lacks it: a leecher of seeds would copy every piece
        // into a cache it never serves from (a later request reads it back from storage).
        if self.peers.values().any(|p| !p.has(index)) {
            self.cache_piece(index, data.clone());
        }
        self.emit(SwarmOutput::StorePiece { piece: index, data });
        self.emit(SwarmOutput::PieceVerified(index));
        // Serve it at once: tell everyone who lacks it (BEP 3 `have`; a seed would only get
        // one more channel message per piece), then re-check interest.
        let keys: Vec<PeerKey> = self.peers.keys().copied().collect();
        for key in &keys {
            if let Some(peer) = self.peers.get_mut(key).filter(|p| !p.has(index)) {
                peer.send(&Message::Have(index));
            }
            self.update_interest(*key);
        }
        self.check_done();
    }

    /// Says `Complete` when every wanted piece has become verified (again: un-skipping a
    /// file or losing a piece makes the torrent undone) and closes links to seeds then:
    /// neither side wants anything of the other.
    pub(super) fn check_done(&mut self) {
        let done = self.is_complete();
        if done == self.done {
            return;
        }
        self.done = done;
        if done {
            self.emit(SwarmOutput::Complete);
            let keys: Vec<PeerKey> = self.peers.keys().copied().collect();
            for key in keys {
                self.close_if_both_done(key);
            }
        }
    }

    /// Closes the link to a seed while we want nothing more (libtorrent drops such
    /// redundant links too; a seed met after we are done is closed when its pieces arrive).
    pub(super) fn close_if_both_done(&mut self, key: PeerKey) {
        if self.done && self.peers.get(&key).is_some_and(|p| p.is_seed()) {
            self.close(key, "swarm.both-seeding");
        }
    }

    /// File priorities or the streaming window changed: interest follows what each peer has
    /// that we now want (a peer keeps choking us until we say interested), the torrent may
    /// be done or undone, and pipelines refill.
    pub(super) fn after_reprioritize(&mut self) {
        let keys: Vec<PeerKey> = self.peers.keys().copied().collect();
        for key in keys {
            self.update_interest(key);
        }
        self.check_done();
        self.fill_all_requests_now();
    }

    /// Remembers what each contributor sent; a lone contributor gets a strike.
    fn blame(&mut self, index: u32, part: &PartialPiece) {
        let contributors = part.contributors();
        for &(block, from) in &contributors {
            let (begin, len) = part.block_span(block);
            let bytes = part.data().get(begin as usize..(begin + len) as usize).unwrap_or_default();
            self.suspects.entry((index, block)).or_default().push((from, crate::piece::sha1(bytes)));
        }
        let mut ids: Vec<PeerId> = contributors.iter().map(|c| c.1).collect();
        ids.sort();
        ids.dedup();
        if let [only] = ids.as_slice() {
            let strikes = self.strikes.entry_or_default(*only);
            *strikes += 1;
            if *strikes >= MAX_STRIKES {
                self.ban(*only);
            }
        }
    }

    /// The piece verified: anyone who earlier sent different bytes for one of its blocks
    /// lied (smart ban; an honest peer's block always matches).
    fn judge_suspects(&mut self, index: u32, part: &PartialPiece) {
        let mut liars = Vec::new();
        for block in 0..part.block_count() {
            let Some(entries) = self.suspects.remove(&(index, block)) else { continue };
            let (begin, len) = part.block_span(block);
            let good = crate::piece::sha1(part.data().get(begin as usize..(begin + len) as usize).unwrap_or_default());
            liars.extend(entries.into_iter().filter(|(_, h)| *h != good).map(|(p, _)| p));
        }
        for liar in liars {
            self.ban(liar);
        }
    }

    fn ban(&mut self, id: PeerId) {
        if !self.banned.insert(id) {
            return;
        }
        self.emit(SwarmOutput::Banned(id));
        let keys: Vec<PeerKey> = self.peers.iter().filter(|(_, p)| p.peer_id == Some(id)).map(|(k, _)| *k).collect();
        for key in keys {
            self.close(key, "swarm.banned");
        }
    }
}
