//! The simulator: nodes (an engine and its storage) joined by links that deliver bytes
//! after a latency and at a bandwidth, driven on a virtual clock (quinn's `Pair`, str0m's
//! netem, scaled to many nodes).

use peerpage::engine::{Engine, EngineConfig, Event, Output, PeerKey, TorrentId};
use peerpage::metainfo::{CreateOptions, TorrentCreator};
use peerpage::piece::Bitfield;
use peerpage::time::Instant;
use peerpage::wire::{Handshake, Message, PeerId};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

/// How a node behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A normal peer.
    Honest,
    /// Serves every block of every piece with flipped bytes (its storage is corrupt).
    Liar,
    /// Handshakes, claims every piece, unchokes, then never answers anything.
    Staller,
}

/// One simulated peer.
pub struct Node {
    pub engine: Engine,
    pub torrent: TorrentId,
    pub storage: BTreeMap<u32, Vec<u8>>,
    pub kind: Kind,
    pub peer_id: PeerId,
    pub events: Vec<Event>,
    /// Order in which pieces were verified.
    pub verified: Vec<u32>,
    /// Channel messages it sent (one per `Send` output), those with BEP 3 `request`s, and
    /// the `have`s and `request`s in them.
    pub sends: u32,
    pub request_sends: u32,
    pub haves_sent: u32,
    pub requests_sent: u32,
    /// Pieces of which it sent blocks, to whom: (far node, piece).
    pub blocks_of: BTreeSet<(usize, u32)>,
}

impl Node {
    fn new(engine: Engine, torrent: TorrentId, storage: BTreeMap<u32, Vec<u8>>, kind: Kind, peer_id: PeerId) -> Self {
        Node {
            engine,
            torrent,
            storage,
            kind,
            peer_id,
            events: Vec::new(),
            verified: Vec::new(),
            sends: 0,
            request_sends: 0,
            haves_sent: 0,
            requests_sent: 0,
            blocks_of: BTreeSet::new(),
        }
    }
}

/// A deterministic test torrent of `len` bytes over the given files.
pub fn make_torrent(files: &[(&str, u64)], piece_len: u32, web_seed: Option<&str>) -> (Vec<u8>, Vec<u8>) {
    let total: u64 = files.iter().map(|f| f.1).sum();
    let data: Vec<u8> = (0..total).map(|i| (i.wrapping_mul(2654435761) >> 7) as u8).collect();
    let opts = CreateOptions {
        name: "sim".into(),
        piece_length: Some(piece_len),
        web_seeds: web_seed.map(|s| vec![s.to_string()]).unwrap_or_default(),
        ..Default::default()
    };
    let list = files.iter().map(|(n, l)| (vec![n.to_string()], *l)).collect();
    let mut creator = TorrentCreator::new(opts, list).unwrap();
    creator.feed(&data).unwrap();
    (creator.finish().unwrap().torrent, data)
}

struct Packet {
    at: u64,
    seq: u64,
    to_node: usize,
    to_peer: PeerKey,
    bytes: Vec<u8>,
}
impl PartialEq for Packet {
    fn eq(&self, o: &Self) -> bool {
        (self.at, self.seq) == (o.at, o.seq)
    }
}
impl Eq for Packet {}
impl PartialOrd for Packet {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Packet {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(o.at, o.seq))
    }
}

/// One direction of a link.
struct Pipe {
    to_node: usize,
    to_peer: PeerKey,
    free_at: u64,
}

/// The network.
pub struct Sim {
    pub nodes: Vec<Node>,
    pub now: u64,
    pub latency_ms: u64,
    /// Bytes per millisecond per link direction.
    pub bytes_per_ms: u64,
    pipes: BTreeMap<(usize, PeerKey), Pipe>,
    queue: BinaryHeap<Reverse<Packet>>,
    seq: u64,
    pub piece_len: u32,
    pub pieces: u32,
    torrent_bytes: Vec<u8>,
    pub data: Vec<u8>,
    /// The web server: URL -> file bytes.
    pub web: BTreeMap<String, Vec<u8>>,
    /// Answers in flight: (arrival, node, id, status, body).
    http: Vec<(u64, usize, u64, u16, Vec<u8>)>,
    /// Ranges the web server was asked for.
    pub http_requests: u32,
    /// Whether engines check SHA-1 (benchmarks turn it off).
    pub verify: bool,
    /// BEP 3 `cancel` messages sent by any node.
    pub cancels: u32,
    /// Storage answers a read after this long, as a browser's storage worker does (None:
    /// at once, inside the same drain of outputs).
    pub read_delay_ms: Option<u64>,
    /// Reads in flight: (answer time, node, piece).
    reads: Vec<(u64, usize, u32)>,
    /// The most reads in flight at once.
    pub max_reads: usize,
}

/// The piece index of every BEP 3 `piece` message in one send.
fn pieces_in(mut bytes: &[u8]) -> Vec<u32> {
    if bytes.first() == Some(&19) && bytes.get(1..20) == Some(b"BitTorrent protocol".as_slice()) {
        bytes = bytes.get(68..).unwrap_or_default();
    }
    let mut out = Vec::new();
    while let Some(len) = bytes.get(..4).map(|b| u32::from_be_bytes(b.try_into().unwrap()) as usize) {
        if bytes.get(4) == Some(&7) {
            if let Some(i) = bytes.get(5..9) {
                out.push(u32::from_be_bytes(i.try_into().unwrap()));
            }
        }
        bytes = bytes.get(4 + len..).unwrap_or_default();
    }
    out
}

/// Counts messages of one BEP 3 id in one send (the engine sends whole messages, after
/// the handshake).
fn count_messages(mut bytes: &[u8], id: u8) -> u32 {
    if bytes.first() == Some(&19) && bytes.get(1..20) == Some(b"BitTorrent protocol".as_slice()) {
        bytes = bytes.get(68..).unwrap_or_default();
    }
    let mut n = 0;
    while let Some(len) = bytes.get(..4).map(|b| u32::from_be_bytes(b.try_into().unwrap()) as usize) {
        if bytes.get(4) == Some(&id) {
            n += 1;
        }
        bytes = bytes.get(4 + len..).unwrap_or_default();
    }
    n
}

impl Sim {
    /// A network for this torrent; 20 ms latency, 1 MB/s per direction.
    pub fn new(torrent: Vec<u8>, data: Vec<u8>) -> Self {
        let meta = peerpage::metainfo::parse_torrent(&torrent).unwrap();
        Sim {
            nodes: Vec::new(),
            now: 0,
            latency_ms: 20,
            bytes_per_ms: 1000,
            pipes: BTreeMap::new(),
            queue: BinaryHeap::new(),
            seq: 0,
            piece_len: meta.piece_length,
            pieces: meta.layout.piece_count(),
            torrent_bytes: torrent,
            data,
            web: BTreeMap::new(),
            http: Vec::new(),
            http_requests: 0,
            verify: true,
            cancels: 0,
            read_delay_ms: None,
            reads: Vec::new(),
            max_reads: 0,
        }
    }

    fn engine(&self, i: usize) -> (Engine, PeerId) {
        let id = PeerId([i as u8 + 1; 20]);
        let config = EngineConfig { verify: self.verify, ..EngineConfig::new(id, 1000 + i as u64) };
        (Engine::new(config), id)
    }

    /// Adds a node holding every piece.
    pub fn add_seeder(&mut self, kind: Kind) -> usize {
        let i = self.nodes.len();
        let (mut engine, peer_id) = self.engine(i);
        let torrent = engine.add_torrent(&self.torrent_bytes, Some(Bitfield::full(self.pieces))).unwrap();
        let mut storage = BTreeMap::new();
        for p in 0..self.pieces {
            let start = p as usize * self.piece_len as usize;
            let end = (start + self.piece_len as usize).min(self.data.len());
            let mut bytes = self.data[start..end].to_vec();
            if kind == Kind::Liar {
                bytes.iter_mut().for_each(|b| *b ^= 0x5a);
            }
            storage.insert(p, bytes);
        }
        self.nodes.push(Node::new(engine, torrent, storage, kind, peer_id));
        i
    }

    /// Adds an honest node holding only `pieces`.
    pub fn add_partial(&mut self, pieces: &[u32]) -> usize {
        let i = self.add_leecher();
        let mut have = Bitfield::new(self.pieces);
        for &p in pieces {
            have.set(p);
            let start = p as usize * self.piece_len as usize;
            let end = (start + self.piece_len as usize).min(self.data.len());
            self.nodes[i].storage.insert(p, self.data[start..end].to_vec());
        }
        let (mut engine, _) = self.engine(i);
        self.nodes[i].torrent = engine.add_torrent(&self.torrent_bytes, Some(have)).unwrap();
        self.nodes[i].engine = engine;
        i
    }

    /// Puts the torrent's files on the web server under `base` (BEP 19 URLs).
    pub fn serve_web_seed(&mut self, base: &str) {
        let meta = peerpage::metainfo::parse_torrent(&self.torrent_bytes).unwrap();
        for (f, entry) in meta.files.iter().enumerate() {
            let url = peerpage::swarm::webseed::file_url(&meta, base, f).unwrap();
            let start = entry.offset as usize;
            self.web.insert(url, self.data[start..start + entry.length as usize].to_vec());
        }
    }

    /// Adds a node with the .torrent and nothing else.
    pub fn add_leecher(&mut self) -> usize {
        let i = self.nodes.len();
        let (mut engine, peer_id) = self.engine(i);
        let torrent = engine.add_torrent(&self.torrent_bytes, None).unwrap();
        self.nodes.push(Node::new(engine, torrent, BTreeMap::new(), Kind::Honest, peer_id));
        i
    }

    /// Adds a node with only a magnet link.
    pub fn add_magnet_leecher(&mut self) -> usize {
        let i = self.nodes.len();
        let (mut engine, peer_id) = self.engine(i);
        let meta = peerpage::metainfo::parse_torrent(&self.torrent_bytes).unwrap();
        let link = peerpage::metainfo::Magnet::from_metainfo(&meta).to_link();
        let torrent = engine.add_magnet(&link).unwrap();
        self.nodes.push(Node::new(engine, torrent, BTreeMap::new(), Kind::Honest, peer_id));
        i
    }

    /// Opens a channel between two nodes.
    pub fn connect(&mut self, a: usize, b: usize) -> (PeerKey, PeerKey) {
        let now = Instant(self.now);
        let (ta, tb) = (self.nodes[a].torrent, self.nodes[b].torrent);
        let ka = self.nodes[a].engine.peer_connected(ta, now).unwrap();
        let kb = self.nodes[b].engine.peer_connected(tb, now).unwrap();
        self.pipes.insert((a, ka), Pipe { to_node: b, to_peer: kb, free_at: self.now });
        self.pipes.insert((b, kb), Pipe { to_node: a, to_peer: ka, free_at: self.now });
        if self.nodes[b].kind == Kind::Staller {
            self.stall_script(b, kb);
        }
        if self.nodes[a].kind == Kind::Staller {
            self.stall_script(a, ka);
        }
        (ka, kb)
    }

    /// A staller's only words: handshake, have-all, unchoke.
    fn stall_script(&mut self, node: usize, key: PeerKey) {
        let meta = peerpage::metainfo::parse_torrent(&self.torrent_bytes).unwrap();
        let mut bytes = Handshake::ours(meta.swarm_hash(), self.nodes[node].peer_id).encode().to_vec();
        Message::HaveAll.encode_into(&mut bytes);
        Message::Unchoke.encode_into(&mut bytes);
        self.transmit(node, key, bytes);
    }

    /// Closes the channel between `a` (handle `ka`) and its far end, both sides told.
    pub fn disconnect(&mut self, a: usize, ka: PeerKey) {
        if let Some(pipe) = self.pipes.remove(&(a, ka)) {
            self.pipes.remove(&(pipe.to_node, pipe.to_peer));
            self.nodes[pipe.to_node].engine.peer_closed(pipe.to_peer);
        }
        self.nodes[a].engine.peer_closed(ka);
    }

    fn transmit(&mut self, from: usize, key: PeerKey, bytes: Vec<u8>) {
        let Some(pipe) = self.pipes.get_mut(&(from, key)) else { return };
        self.cancels += count_messages(&bytes, 8);
        let node = &mut self.nodes[from];
        node.sends += 1;
        node.haves_sent += count_messages(&bytes, 4);
        let requests = count_messages(&bytes, 6);
        node.requests_sent += requests;
        node.request_sends += u32::from(requests > 0);
        let to = pipe.to_node;
        node.blocks_of.extend(pieces_in(&bytes).into_iter().map(|p| (to, p)));
        let start = pipe.free_at.max(self.now);
        pipe.free_at = start + (bytes.len() as u64).div_ceil(self.bytes_per_ms);
        self.seq += 1;
        self.queue.push(Reverse(Packet {
            at: pipe.free_at + self.latency_ms,
            seq: self.seq,
            to_node: pipe.to_node,
            to_peer: pipe.to_peer,
            bytes,
        }));
    }

    /// Drains one node's outputs.
    fn pump(&mut self, i: usize) {
        while let Some(out) = self.nodes[i].engine.poll_output() {
            match out {
                Output::Send { peer, bytes } => {
                    if self.nodes[i].kind != Kind::Staller {
                        self.transmit(i, peer, bytes);
                    }
                }
                Output::ClosePeer { peer, .. } => {
                    if let Some(pipe) = self.pipes.remove(&(i, peer)) {
                        self.pipes.remove(&(pipe.to_node, pipe.to_peer));
                        self.nodes[pipe.to_node].engine.peer_closed(pipe.to_peer);
                    }
                }
                Output::StorePiece { piece, data, .. } => {
                    self.nodes[i].verified.push(piece);
                    self.nodes[i].storage.insert(piece, data);
                }
                Output::ReadPiece { piece, .. } if self.read_delay_ms.is_some() => {
                    self.reads.push((self.now + self.read_delay_ms.unwrap_or(0), i, piece));
                    self.max_reads = self.max_reads.max(self.reads.len());
                }
                Output::ReadPiece { torrent, piece } => {
                    let data = self.nodes[i].storage.get(&piece).cloned().unwrap();
                    self.nodes[i].engine.piece_read(torrent, piece, data).unwrap();
                }
                Output::HttpGet { id, url, start, end_inclusive, .. } => {
                    self.http_requests += 1;
                    let (status, body) = match self.web.get(&url) {
                        Some(file) => match file.get(start as usize..=end_inclusive as usize) {
                            Some(b) => (206, b.to_vec()),
                            None => (416, Vec::new()),
                        },
                        None => (404, Vec::new()),
                    };
                    let at = self.now + 2 * self.latency_ms + (body.len() as u64).div_ceil(self.bytes_per_ms);
                    self.http.push((at, i, id, status, body));
                }
                Output::Event(e) => self.nodes[i].events.push(e),
            }
        }
    }

    /// Whether node `i` has every piece.
    pub fn complete(&self, i: usize) -> bool {
        self.nodes[i].events.iter().any(|e| matches!(e, Event::Complete(_)))
    }

    /// The bytes node `i` stored, concatenated.
    pub fn stored(&self, i: usize) -> Vec<u8> {
        self.nodes[i].storage.values().flatten().copied().collect()
    }

    /// Runs until `done` holds or virtual time passes `limit_ms`. Returns whether `done`.
    pub fn run_until(&mut self, limit_ms: u64, mut done: impl FnMut(&Sim) -> bool) -> bool {
        for i in 0..self.nodes.len() {
            self.pump(i);
        }
        loop {
            if done(self) {
                return true;
            }
            let next_packet = self.queue.peek().map(|p| p.0.at);
            let next_http = self.http.iter().map(|h| h.0).min();
            let next_read = self.reads.iter().map(|r| r.0).min();
            let next_packet = [next_packet, next_http, next_read].into_iter().flatten().min();
            let next_timer = self.nodes.iter().filter_map(|n| n.engine.poll_timeout()).map(|t| t.0).min();
            let Some(next) = [next_packet, next_timer].into_iter().flatten().min() else { return done(self) };
            if next > limit_ms {
                return false;
            }
            self.now = self.now.max(next);
            let now = Instant(self.now);
            while self.queue.peek().is_some_and(|p| p.0.at <= self.now) {
                let Reverse(p) = self.queue.pop().unwrap();
                let node = &mut self.nodes[p.to_node];
                if node.kind == Kind::Staller {
                    continue;
                }
                // A packet for a closed channel is lost with it.
                if node.engine.peer_data(p.to_peer, &p.bytes, now).is_ok() {
                    // Delivered: the sender's buffer drained (back-pressure lifted).
                    if let Some(pipe) = self.pipes.get(&(p.to_node, p.to_peer)) {
                        let (n, k) = (pipe.to_node, pipe.to_peer);
                        let _ = self.nodes[n].engine.channel_drained(k);
                        self.pump(n);
                    }
                }
                self.pump(p.to_node);
            }
            while let Some(pos) = self.http.iter().position(|h| h.0 <= self.now) {
                let (_, node, id, status, body) = self.http.remove(pos);
                let torrent = self.nodes[node].torrent;
                self.nodes[node].engine.http_response(torrent, id, status, &body, now).unwrap();
                self.pump(node);
            }
            while let Some(pos) = self.reads.iter().position(|r| r.0 <= self.now) {
                let (_, node, piece) = self.reads.remove(pos);
                let data = self.nodes[node].storage.get(&piece).cloned().unwrap();
                let torrent = self.nodes[node].torrent;
                self.nodes[node].engine.piece_read(torrent, piece, data).unwrap();
                self.pump(node);
            }
            for i in 0..self.nodes.len() {
                if self.nodes[i].engine.poll_timeout().is_some_and(|t| t.0 <= self.now) {
                    self.nodes[i].engine.handle_timeout(now);
                    self.pump(i);
                }
            }
        }
    }
}
