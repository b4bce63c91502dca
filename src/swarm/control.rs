//! What the user and storage change from outside: pause, rate limits, extra web seeds, a
//! piece storage lost, pieces storage already held (a check of data on disk).

use super::{PeerKey, Swarm};
use crate::piece::Bitfield;
use crate::wire::Message;

impl Swarm {
    /// Pauses or resumes. Paused, the swarm asks nothing, serves nothing and has no timers;
    /// the engine closes its peers. Web-seed requests in flight are forgotten (their
    /// answers are ignored) and their pieces go back to the pool.
    pub fn set_paused(&mut self, paused: bool) {
        self.paused = paused;
        if paused {
            self.gate.leave();
            self.pending_gets.clear();
            for (piece, _) in std::mem::take(&mut self.web_buffers) {
                self.partial.remove(&piece);
            }
            for seed in &mut self.web_seeds {
                seed.piece = None;
            }
            self.throttle_wake = None;
        } else {
            self.web_checked = None;
        }
    }

    /// Whether it is paused.
    pub fn is_paused(&self) -> bool {
        self.paused
    }

    /// Web seeds from outside the metadata (a magnet's `ws=`); used once the metadata is
    /// known (BEP 19 needs the file list).
    pub fn add_web_seeds(&mut self, urls: &[String]) {
        for url in urls {
            if !self.extra_web_seeds.contains(url) {
                self.extra_web_seeds.push(url.clone());
            }
        }
        if self.meta.is_some() {
            self.rebuild_web_seeds();
        }
    }

    /// This torrent's limits in bytes per second (0 = unlimited).
    pub fn set_rate_limits(&mut self, down: u64, up: u64) {
        self.gate.local.down.set_rate(down);
        self.gate.local.up.set_rate(up);
    }

    /// Storage lost a verified piece: it is wanted again, and requests for it from peers
    /// are refused (BEP 6 reject where the peer speaks Fast, else dropped).
    pub fn handle_piece_missing(&mut self, piece: u32) {
        self.reads_pending.remove(&piece);
        self.cache.retain(|(p, _)| *p != piece);
        if !self.unmark_have(piece) {
            return;
        }
        self.check_done();
        let keys: Vec<PeerKey> = self.peers.keys().copied().collect();
        for key in keys {
            let Some(peer) = self.peers.get_mut(&key) else { continue };
            let (dropped, keep): (Vec<_>, Vec<_>) = peer.upload_queue.drain(..).partition(|r| r.index == piece);
            peer.upload_queue = keep.into();
            if peer.fast {
                for r in dropped {
                    peer.send(&Message::Reject(r));
                }
            }
            self.update_interest(key);
        }
        let now = self.clock;
        self.fill_all_requests(now);
    }

    /// Storage is about to be checked for pieces it already holds (a torrent added again
    /// over data kept on disk): nothing is requested until [`Swarm::handle_checked`], so no
    /// piece storage has is fetched again. Peers still connect and metadata still comes.
    pub fn start_check(&mut self) {
        self.checking = true;
    }

    /// Whether a storage check is under way.
    pub fn is_checking(&self) -> bool {
        self.checking
    }

    /// The check is done: `found` are pieces storage holds whose hashes matched (trusted like
    /// pieces verified here, so not stored again). They are announced to peers, and requests
    /// start for the rest. Out-of-range bits are ignored.
    pub fn handle_checked(&mut self, found: &Bitfield) {
        self.checking = false;
        let count = self.have.len().min(found.len());
        let mut added = false;
        for p in (0..count).filter(|&p| found.has(p)) {
            if !self.mark_have(p) {
                continue;
            }
            added = true;
            self.partial.remove(&p);
            for peer in self.peers.values_mut().filter(|peer| !peer.has(p)) {
                peer.send(&Message::Have(p));
            }
        }
        let keys: Vec<PeerKey> = self.peers.keys().copied().collect();
        for &key in &keys {
            self.update_interest(key);
        }
        if added {
            self.check_done();
        }
        let now = self.clock;
        self.fill_all_requests(now);
        self.fill_web_seeds(now);
    }
}
