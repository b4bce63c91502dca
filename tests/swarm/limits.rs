//! Global rate limits with two torrents in one engine: one leecher engine downloads torrent
//! A from one seeder and torrent B from another, under one global download limit.

use super::sim::make_torrent;
use peerpage::engine::{Engine, EngineConfig, Output, PeerKey, TorrentId};
use peerpage::metainfo::parse_torrent;
use peerpage::piece::Bitfield;
use peerpage::time::Instant;
use peerpage::wire::PeerId;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

const PIECE: u32 = 32 * 1024;
const LATENCY: u64 = 20;
/// Bytes per millisecond per link direction: far above the limits under test.
const BANDWIDTH: u64 = 1000;

/// A far end of a link: node, its handle, and when the sending direction is free.
struct Link {
    to: usize,
    to_peer: PeerKey,
    free_at: u64,
}

/// A packet in flight: (arrival, seq, node, handle, bytes).
type Packet = Reverse<(u64, u64, usize, PeerKey, Vec<u8>)>;

struct Net {
    engines: Vec<Engine>,
    /// (node, torrent) -> the torrent's bytes, for nodes that seed it.
    data: BTreeMap<(usize, TorrentId), (Vec<u8>, u32)>,
    links: BTreeMap<(usize, PeerKey), Link>,
    queue: BinaryHeap<Packet>,
    seq: u64,
    now: u64,
    /// Inputs for these handles carry a clock this many ms behind (a shell that stamps
    /// messages when it queued them): the engine must cope with torrents' clocks disagreeing.
    lag: BTreeMap<(usize, PeerKey), u64>,
}

impl Net {
    fn engine(i: usize) -> Engine {
        Engine::new(EngineConfig::new(PeerId([i as u8 + 1; 20]), 500 + i as u64))
    }

    fn connect(&mut self, a: usize, ta: TorrentId, b: usize, tb: TorrentId) -> (PeerKey, PeerKey) {
        let now = Instant(self.now);
        let ka = self.engines[a].peer_connected(ta, now).unwrap();
        let kb = self.engines[b].peer_connected(tb, now).unwrap();
        self.links.insert((a, ka), Link { to: b, to_peer: kb, free_at: 0 });
        self.links.insert((b, kb), Link { to: a, to_peer: ka, free_at: 0 });
        (ka, kb)
    }

    fn pump(&mut self, i: usize) {
        while let Some(out) = self.engines[i].poll_output() {
            match out {
                Output::Send { peer, bytes } => {
                    let Some(link) = self.links.get_mut(&(i, peer)) else { continue };
                    link.free_at = link.free_at.max(self.now) + (bytes.len() as u64).div_ceil(BANDWIDTH);
                    self.seq += 1;
                    self.queue.push(Reverse((link.free_at + LATENCY, self.seq, link.to, link.to_peer, bytes)));
                }
                Output::ReadPiece { torrent, piece } => {
                    let (data, piece_len) = &self.data[&(i, torrent)];
                    let start = piece as usize * *piece_len as usize;
                    let bytes = data[start..(start + *piece_len as usize).min(data.len())].to_vec();
                    self.engines[i].piece_read(torrent, piece, bytes).unwrap();
                }
                Output::ClosePeer { peer, .. } => {
                    self.links.remove(&(i, peer));
                }
                _ => {}
            }
        }
    }

    fn run(&mut self, until: u64) {
        for i in 0..self.engines.len() {
            self.pump(i);
        }
        loop {
            let packet = self.queue.peek().map(|p| p.0 .0);
            let timer = self.engines.iter().filter_map(|e| e.poll_timeout()).map(|t| t.0).min();
            let Some(next) = [packet, timer].into_iter().flatten().min() else { return };
            if next > until {
                return;
            }
            self.now = self.now.max(next);
            while self.queue.peek().is_some_and(|p| p.0 .0 <= self.now) {
                let Reverse((_, _, to, peer, bytes)) = self.queue.pop().unwrap();
                let lag = self.lag.get(&(to, peer)).copied().unwrap_or(0);
                if self.engines[to].peer_data(peer, &bytes, Instant(self.now.saturating_sub(lag))).is_ok() {
                    if let Some(link) = self.links.get(&(to, peer)) {
                        let (n, k) = (link.to, link.to_peer);
                        let _ = self.engines[n].channel_drained(k);
                        self.pump(n);
                    }
                }
                self.pump(to);
            }
            for i in 0..self.engines.len() {
                if self.engines[i].poll_timeout().is_some_and(|t| t.0 <= self.now) {
                    self.engines[i].handle_timeout(Instant(self.now));
                    self.pump(i);
                }
            }
        }
    }
}

/// Leecher (node 0) with torrents A and B; node 1 seeds A, node 2 seeds B. Returns the net
/// and the leecher's two torrents. Torrent B's inputs run `lag_b` ms behind.
fn two_torrents(limit: u64, lag_b: u64) -> (Net, TorrentId, TorrentId) {
    let (ta, da) = make_torrent(&[("a.bin", 3_000_000)], PIECE, None);
    let (tb, db) = make_torrent(&[("b.bin", 3_000_000)], PIECE, None);
    let n = parse_torrent(&ta).unwrap().layout.piece_count();
    let mut net = Net {
        engines: (0..3).map(Net::engine).collect(),
        data: BTreeMap::new(),
        links: BTreeMap::new(),
        queue: BinaryHeap::new(),
        seq: 0,
        now: 0,
        lag: BTreeMap::new(),
    };
    let la = net.engines[0].add_torrent(&ta, None).unwrap();
    let lb = net.engines[0].add_torrent(&tb, None).unwrap();
    let sa = net.engines[1].add_torrent(&ta, Some(Bitfield::full(n))).unwrap();
    let sb = net.engines[2].add_torrent(&tb, Some(Bitfield::full(n))).unwrap();
    net.data.insert((1, sa), (da, PIECE));
    net.data.insert((2, sb), (db, PIECE));
    net.engines[0].set_rate_limits(limit, 0);
    net.connect(0, la, 1, sa);
    let (kb, _) = net.connect(0, lb, 2, sb);
    net.lag.insert((0, kb), lag_b);
    (net, la, lb)
}

fn downloaded(net: &Net, t: TorrentId) -> u64 {
    net.engines[0].stats(t).unwrap().downloaded
}

#[test]
fn two_torrents_stay_under_one_global_limit() {
    let limit = 50_000;
    let secs = 20;
    let (mut net, a, b) = two_torrents(limit, 50);
    net.run(secs * 1000);
    let total = downloaded(&net, a) + downloaded(&net, b);
    // The bucket's burst (16 KiB) and one request of debt (16 KiB) on top of the rate.
    let allowed = limit * secs + 2 * 16 * 1024;
    assert!(total <= allowed, "took {total} bytes in {secs} s under a {limit} B/s limit (at most {allowed})");
    assert!(total > limit * secs * 8 / 10, "took only {total} bytes");
}

#[test]
fn two_torrents_share_one_global_limit() {
    let limit = 50_000;
    let (mut net, a, b) = two_torrents(limit, 0);
    for window in 1..=4 {
        let (a0, b0) = (downloaded(&net, a), downloaded(&net, b));
        net.run(window * 5_000);
        let (da, db) = (downloaded(&net, a) - a0, downloaded(&net, b) - b0);
        assert!(da > 0 && db > 0, "window {window}: A got {da} bytes, B {db}");
        assert!(da <= 2 * db && db <= 2 * da, "window {window}: A got {da} bytes, B {db}");
    }
}
