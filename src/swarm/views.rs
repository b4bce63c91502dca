//! Live per-peer and per-web-seed state for the UI, and the torrent's speeds.

use super::{PeerKey, Swarm};
use crate::wire::PeerId;

/// One connected peer, as the UI shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerView {
    /// Its handle.
    pub key: PeerKey,
    /// Its peer id, once its handshake arrived.
    pub peer_id: Option<PeerId>,
    /// Its client name (BEP 10 `v`).
    pub client: Option<String>,
    /// Bytes per second from it and to it, over the last few seconds.
    pub down_speed: u64,
    /// Bytes per second to it.
    pub up_speed: u64,
    /// Block payload from it, total.
    pub downloaded: u64,
    /// Block payload to it, total.
    pub uploaded: u64,
    /// Pieces it has (0 before we know the piece count).
    pub pieces: u32,
    /// We choke it.
    pub am_choking: bool,
    /// We want its pieces.
    pub am_interested: bool,
    /// It chokes us.
    pub peer_choking: bool,
    /// It wants our pieces.
    pub peer_interested: bool,
}

/// One web seed (BEP 19), as the UI shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebSeedView {
    /// Its URL.
    pub url: String,
    /// Bytes per second from it.
    pub down_speed: u64,
    /// Bytes it delivered.
    pub downloaded: u64,
    /// Whether it is backing off after failures.
    pub failing: bool,
}

impl Swarm {
    /// Every connected peer.
    pub fn peer_views(&self) -> Vec<PeerView> {
        let now = self.clock;
        self.peers
            .iter()
            .map(|(key, p)| PeerView {
                key: *key,
                peer_id: p.peer_id,
                client: p.client.clone(),
                down_speed: p.down_meter.rate(now),
                up_speed: p.up_meter.rate(now),
                downloaded: p.downloaded,
                uploaded: p.uploaded,
                pieces: p.have.as_ref().map_or(0, |h| h.count()),
                am_choking: p.am_choking,
                am_interested: p.am_interested,
                peer_choking: p.peer_choking,
                peer_interested: p.peer_interested,
            })
            .collect()
    }

    /// Every web seed (none before the metadata).
    pub fn web_seed_views(&self) -> Vec<WebSeedView> {
        let now = self.clock;
        self.web_seeds
            .iter()
            .map(|s| WebSeedView {
                url: s.url.clone(),
                down_speed: s.meter.rate(now),
                downloaded: s.downloaded,
                failing: s.failures > 0,
            })
            .collect()
    }

    /// Web seed URLs, known before the metadata too.
    pub fn web_seed_urls(&self) -> Vec<String> {
        let mut urls: Vec<String> = self.web_seeds.iter().map(|s| s.url.clone()).collect();
        for u in &self.extra_web_seeds {
            if !urls.contains(u) {
                urls.push(u.clone());
            }
        }
        urls
    }

    /// Bytes per second received and sent over the last few seconds.
    pub fn speeds(&self) -> (u64, u64) {
        (self.down_meter.rate(self.clock), self.up_meter.rate(self.clock))
    }

    /// Connected peers that have every piece.
    pub fn seed_count(&self) -> u32 {
        self.peers.values().filter(|p| p.is_seed()).count() as u32
    }
}
