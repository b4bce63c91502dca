//! What the user and storage change from outside: pause, rate limits, extra web seeds, a
//! piece storage lost.

use super::{PeerKey, Swarm};
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
        self.complete_sent = false;
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
}
