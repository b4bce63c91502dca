//! Their side of the transfer: requests they queue with us (bounded by our reqq, BEP 10),
//! served from a small cache of verified pieces, and the choker (BEP 3 tit-for-tat: the
//! peers that give us most get our upload slots, plus one optimistic unchoke that rotates).

use super::peer::OUR_REQQ;
use super::{PeerKey, Swarm, SwarmOutput, CHOKE_INTERVAL, OPTIMISTIC_INTERVAL};
use crate::time::Instant;
use crate::wire::{BlockRequest, Message};

/// Bytes of pieces being read from storage for uploads at once (well under the upload
/// cache, which keeps them until they are served).
const READ_AHEAD: usize = 2 << 20;

impl Swarm {
    pub(super) fn on_request(&mut self, key: PeerKey, req: BlockRequest) {
        let valid =
            self.meta.as_ref().is_some_and(|m| m.layout.range_in_piece(req.index, req.begin, req.length).is_some());
        let Some(peer) = self.peers.get_mut(&key) else { return };
        let serve =
            valid && !peer.am_choking && self.have.has(req.index) && peer.upload_queue.len() < OUR_REQQ as usize;
        if serve {
            peer.upload_queue.push_back(req);
        } else if peer.fast {
            // BEP 6: answer what we will not serve, so WebTorrent does not time out on us.
            peer.send(&Message::Reject(req));
        }
    }

    pub(super) fn cache_piece(&mut self, piece: u32, data: Vec<u8>) {
        if self.cache.iter().any(|(p, _)| *p == piece) {
            return;
        }
        self.cache.push_back((piece, data));
        let mut held: usize = self.cache.iter().map(|(_, d)| d.len()).sum();
        while held > self.config.cache_bytes && self.cache.len() > 1 {
            held -= self.cache.pop_front().map_or(0, |(_, d)| d.len());
        }
    }

    /// Sends queued blocks while the channel has room; asks storage for missing pieces.
    pub(super) fn serve_uploads(&mut self, key: PeerKey) {
        while self.serve_one(key) == Served::Block {}
    }

    /// Serves every peer's queue one block at a time in turn, starting after the peer
    /// served last, so an upload limit's tokens go round the unchoked peers instead of all
    /// to the lowest key (which would make one leecher complete before the others start).
    pub(super) fn serve_all_uploads(&mut self) {
        let keys: Vec<PeerKey> = self.peers.keys().copied().collect();
        let start = keys.iter().position(|k| self.upload_turn.is_some_and(|t| *k > t)).unwrap_or(0);
        let order: Vec<PeerKey> = keys[start..].iter().chain(&keys[..start]).copied().collect();
        loop {
            let mut sent = false;
            for &key in &order {
                match self.serve_one(key) {
                    Served::Block => {
                        sent = true;
                        self.upload_turn = Some(key);
                    }
                    Served::Throttled => return,
                    Served::Nothing => {}
                }
            }
            if !sent {
                return;
            }
        }
    }

    /// Sends the next queued block of `key`, if its channel has room and the limits allow.
    fn serve_one(&mut self, key: PeerKey) -> Served {
        let max_unacked = self.config.max_unacked;
        let Some(peer) = self.peers.get_mut(&key) else { return Served::Nothing };
        if peer.unacked + peer.outbox.len() >= max_unacked {
            return Served::Nothing;
        }
        let Some(&req) = peer.upload_queue.front() else { return Served::Nothing };
        if !self.gate.allows(super::rate::Direction::Up, self.clock) {
            self.throttled(super::rate::Direction::Up);
            return Served::Throttled;
        }
        let Some((_, data)) = self.cache.iter().find(|(p, _)| *p == req.index) else {
            self.read_ahead(key);
            return Served::Nothing;
        };
        let Some(peer) = self.peers.get_mut(&key) else { return Served::Nothing };
        peer.upload_queue.pop_front();
        let (b, e) = (req.begin as usize, req.begin as usize + req.length as usize);
        let Some(block) = data.get(b..e) else { return Served::Block };
        let len = block.len() as u64;
        peer.outbox.extend_from_slice(&Message::piece_header(req.index, req.begin, block.len()));
        peer.outbox.extend_from_slice(block);
        peer.uploaded += len;
        peer.round_up += len;
        peer.up_meter.add(self.clock, len);
        self.stats.uploaded += len;
        self.up_meter.add(self.clock, len);
        self.gate.take(super::rate::Direction::Up, len);
        Served::Block
    }

    /// Asks storage for the piece at the front of `key`'s queue and for the next pieces it
    /// queued, up to [`READ_AHEAD`] bytes in reads at once. Reading only the piece in front
    /// left the channel idle for every read and sent each piece as a message of its own.
    fn read_ahead(&mut self, key: PeerKey) {
        let (Some(meta), Some(peer)) = (&self.meta, self.peers.get(&key)) else { return };
        let size = |p: u32| meta.layout.piece(p).map_or(0, |i| meta.layout.piece_size(i) as usize);
        let mut reading: usize = self.reads_pending.iter().map(|&p| size(p)).sum();
        let mut wanted: Vec<u32> = Vec::new();
        for (i, req) in peer.upload_queue.iter().enumerate() {
            let p = req.index;
            if wanted.contains(&p) || self.reads_pending.contains(&p) || self.cache.iter().any(|(c, _)| *c == p) {
                continue;
            }
            if i > 0 && reading >= READ_AHEAD {
                break;
            }
            reading += size(p);
            wanted.push(p);
        }
        for piece in wanted {
            self.reads_pending.insert(piece);
            self.outputs.push_back(SwarmOutput::ReadPiece { piece });
        }
    }

    /// WebTorrent unchokes a peer's first `interested` at once when a slot is free.
    pub(super) fn unchoke_if_slot(&mut self, key: PeerKey) {
        let unchoked = self.peers.values().filter(|p| !p.am_choking).count();
        let Some(peer) = self.peers.get_mut(&key) else { return };
        if peer.am_choking && unchoked < self.config.upload_slots + 1 {
            peer.am_choking = false;
            peer.send(&Message::Unchoke);
        }
    }

    /// Every [`CHOKE_INTERVAL`]: rank interested peers by what they gave us this round
    /// (or, once we seed, least served first: the slots go round, as libtorrent's
    /// round-robin seeding choker does, so every leecher gets pieces to trade), unchoke the
    /// top `upload_slots`, keep one optimistic unchoke for [`OPTIMISTIC_INTERVAL`].
    pub(super) fn run_choker(&mut self, now: Instant) {
        self.next_choke = Some(now + CHOKE_INTERVAL);
        let seeding = self.have.is_complete();
        let mut ranked: Vec<(u64, PeerKey)> = self
            .peers
            .iter()
            .filter(|(_, p)| p.peer_interested && !p.is_seed())
            .map(|(k, p)| (if seeding { u64::MAX - p.uploaded } else { p.round_down }, *k))
            .collect();
        // Highest rate first; ties in random order so equal peers share the slots.
        let mut keyed: Vec<(u64, u64, PeerKey)> = ranked.drain(..).map(|(r, k)| (r, self.rng.next_u64(), k)).collect();
        keyed.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut unchoke: Vec<PeerKey> = keyed.iter().take(self.config.upload_slots).map(|e| e.2).collect();
        let optimistic_due =
            self.optimistic.is_none_or(|(k, since)| now - since >= OPTIMISTIC_INTERVAL || !self.peers.contains_key(&k));
        if optimistic_due {
            let candidates: Vec<PeerKey> = keyed.iter().skip(self.config.upload_slots).map(|e| e.2).collect();
            self.optimistic = match candidates.len() {
                0 => None,
                n => Some((candidates[self.rng.below(n as u64) as usize], now)),
            };
        }
        if let Some((k, _)) = self.optimistic {
            unchoke.push(k);
        }
        for (key, peer) in self.peers.iter_mut() {
            let open = unchoke.contains(key);
            if open && peer.am_choking {
                peer.am_choking = false;
                peer.send(&Message::Unchoke);
            } else if !open && !peer.am_choking {
                peer.am_choking = true;
                peer.upload_queue.clear();
                peer.send(&Message::Choke);
            }
            peer.round_up = 0;
            peer.round_down = 0;
        }
    }
}

/// What [`Swarm::serve_one`] did.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Served {
    /// Sent (or dropped) one queued request.
    Block,
    /// This peer has nothing to send now (empty queue, full channel, piece being read).
    Nothing,
    /// A rate limit holds every upload back.
    Throttled,
}
