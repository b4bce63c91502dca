//! A network for whole clients: a WebSocket tracker that relays offers and answers the way
//! bittorrent-tracker does (each offer to a different other peer of the swarm), WebRTC
//! connections whose SDP is a token naming the endpoint, and data channels with latency and
//! bandwidth, all on a virtual clock.

use peerpage::client::{Client, ClientOutput, ConnId};
use peerpage::engine::{Event, Output, PeerKey, TorrentId};
use peerpage::time::Instant;
use peerpage::tracker::{from_binary_string, to_binary_string};
use peerpage::wire::PeerId;
use serde_json::{json, Value};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

pub const TRACKER: &str = "ws://tracker.test/announce";

/// One simulated page.
pub struct Node {
    pub client: Client,
    /// Verified pieces stored, per torrent.
    pub storage: BTreeMap<(TorrentId, u32), Vec<u8>>,
    pub completed: BTreeSet<TorrentId>,
    pub banned: u32,
    /// Tracker sockets up.
    pub sockets: BTreeSet<String>,
    /// Pending connections: conn -> the far end once known (node, conn).
    pub conns: BTreeMap<ConnId, Option<(usize, ConnId)>>,
    /// Open channels: our peer handle -> (far node, its peer handle).
    pub links: BTreeMap<PeerKey, (usize, PeerKey)>,
    /// Offers seen from the tracker (for tests that check relaying).
    pub offers_accepted: u32,
}

enum Ev {
    /// Text from the tracker to a node.
    ToNode(usize, String),
    /// Text from a node to the tracker.
    ToTracker(usize, String),
    /// A tracker socket finished opening.
    SocketOpen(usize),
    /// Both ends of a WebRTC connection open their channel.
    ChannelOpen { a: usize, ca: ConnId, b: usize, cb: ConnId },
    /// Bytes on a data channel.
    Bytes { to: usize, peer: PeerKey, from: usize, from_peer: PeerKey, bytes: Vec<u8> },
}

struct Queued {
    at: u64,
    seq: u64,
    ev: Ev,
}
impl PartialEq for Queued {
    fn eq(&self, o: &Self) -> bool {
        (self.at, self.seq) == (o.at, o.seq)
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Queued {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(o.at, o.seq))
    }
}

/// The tracker's view of one swarm: peer id -> node.
#[derive(Default)]
struct TrackerSwarm {
    peers: BTreeMap<[u8; 20], (usize, bool)>,
}

pub struct Net {
    pub nodes: Vec<Node>,
    pub now: u64,
    pub latency_ms: u64,
    /// Bytes per millisecond per channel direction.
    pub bytes_per_ms: u64,
    queue: BinaryHeap<Reverse<Queued>>,
    seq: u64,
    swarms: BTreeMap<[u8; 20], TrackerSwarm>,
    /// When each channel direction is free again.
    busy: BTreeMap<(usize, PeerKey), u64>,
    /// The tracker's round-robin position for relaying offers.
    relay_turn: usize,
    /// Tracker texts relayed: offers and answers.
    pub relayed_offers: u32,
    pub relayed_answers: u32,
    /// Every announce the tracker got (answers to offers aside).
    pub announces: Vec<Announced>,
}

/// One announce as the tracker saw it.
#[derive(Clone, Debug)]
pub struct Announced {
    pub at: u64,
    pub node: usize,
    pub event: Option<String>,
    pub left: Option<u64>,
    pub offers: usize,
}

impl Net {
    pub fn new() -> Self {
        Net {
            nodes: Vec::new(),
            now: 0,
            latency_ms: 20,
            bytes_per_ms: 1000,
            queue: BinaryHeap::new(),
            seq: 0,
            swarms: BTreeMap::new(),
            busy: BTreeMap::new(),
            relay_turn: 0,
            relayed_offers: 0,
            relayed_answers: 0,
            announces: Vec::new(),
        }
    }

    /// A page whose client announces to [`TRACKER`] by default.
    pub fn add_node(&mut self) -> usize {
        let i = self.nodes.len();
        let mut id = *b"-PP0001-000000000000";
        id[8..].copy_from_slice(format!("{:012}", i).as_bytes());
        let peer_id = PeerId(id);
        let mut client = Client::new(peer_id, 77 + i as u64, false);
        client.set_default_trackers(vec![TRACKER.to_string()]);
        self.nodes.push(Node {
            client,
            storage: BTreeMap::new(),
            completed: BTreeSet::new(),
            banned: 0,
            sockets: BTreeSet::new(),
            conns: BTreeMap::new(),
            links: BTreeMap::new(),
            offers_accepted: 0,
        });
        i
    }

    pub fn at(&self) -> Instant {
        Instant(self.now)
    }

    fn push(&mut self, at: u64, ev: Ev) {
        self.seq += 1;
        self.queue.push(Reverse(Queued { at, seq: self.seq, ev }));
    }

    /// Puts every piece of a seeded torrent in a node's storage.
    pub fn fill_storage(&mut self, node: usize, torrent: TorrentId, data: &[u8], piece_len: usize) {
        for (p, chunk) in data.chunks(piece_len).enumerate() {
            self.nodes[node].storage.insert((torrent, p as u32), chunk.to_vec());
        }
    }

    /// The bytes a node stored for a torrent, in piece order.
    pub fn stored(&self, node: usize, torrent: TorrentId) -> Vec<u8> {
        self.nodes[node]
            .storage
            .range((torrent, 0)..=(torrent, u32::MAX))
            .flat_map(|(_, v)| v.iter().copied())
            .collect()
    }

    /// Drains one node's outputs into the network.
    pub fn pump(&mut self, i: usize) {
        while let Some(out) = self.nodes[i].client.poll_output() {
            let now = self.now;
            match out {
                ClientOutput::Engine(Output::Send { peer, bytes }) => self.transmit(i, peer, bytes),
                ClientOutput::Engine(Output::ClosePeer { peer, .. }) => self.close_link(i, peer),
                ClientOutput::TrackerConnect { url } => {
                    assert_eq!(url, TRACKER.trim_end_matches('/'));
                    self.push(now + self.latency_ms, Ev::SocketOpen(i));
                }
                ClientOutput::TrackerClose { .. } => {
                    self.nodes[i].sockets.clear();
                }
                ClientOutput::TrackerSend { text, .. } => self.push(now + self.latency_ms, Ev::ToTracker(i, text)),
                ClientOutput::CreateOffer { conn, .. } => {
                    // ICE gathering done at once: the SDP names this endpoint.
                    self.nodes[i].conns.insert(conn, None);
                    self.nodes[i].client.conn_sdp(conn, format!("offer {i} {}", conn.0), Instant(now)).unwrap();
                }
                ClientOutput::AcceptOffer { conn, sdp, .. } => {
                    let far = parse_sdp(&sdp, "offer");
                    self.nodes[i].offers_accepted += 1;
                    self.nodes[i].conns.insert(conn, Some(far));
                    self.nodes[i].client.conn_sdp(conn, format!("answer {i} {}", conn.0), Instant(now)).unwrap();
                }
                ClientOutput::ApplyAnswer { conn, sdp } => {
                    let (b, cb) = parse_sdp(&sdp, "answer");
                    if let Some(slot) = self.nodes[i].conns.get_mut(&conn) {
                        *slot = Some((b, cb));
                        // ICE and DTLS take a round trip, then both channels open.
                        self.push(now + 2 * self.latency_ms, Ev::ChannelOpen { a: i, ca: conn, b, cb });
                    }
                }
                ClientOutput::DropConn { conn } => {
                    self.nodes[i].conns.remove(&conn);
                }
                ClientOutput::Engine(Output::StorePiece { torrent, piece, data }) => {
                    self.nodes[i].storage.insert((torrent, piece), data);
                }
                ClientOutput::Engine(Output::ReadPiece { torrent, piece }) => {
                    match self.nodes[i].storage.get(&(torrent, piece)).cloned() {
                        Some(data) => self.nodes[i].client.piece_read(torrent, piece, data, Instant(now)).unwrap(),
                        None => self.nodes[i].client.piece_missing(torrent, piece, Instant(now)).unwrap(),
                    }
                }
                ClientOutput::Engine(Output::HttpGet { torrent, id, .. }) => {
                    self.nodes[i].client.http_response(torrent, id, 0, &[], Instant(now)).unwrap();
                }
                ClientOutput::Engine(Output::Event(Event::Complete(torrent))) => {
                    self.nodes[i].completed.insert(torrent);
                }
                ClientOutput::Engine(Output::Event(Event::Banned(..))) => self.nodes[i].banned += 1,
                ClientOutput::Engine(Output::Event(_)) | ClientOutput::PeerCount { .. } => {}
            }
        }
    }

    fn transmit(&mut self, from: usize, peer: PeerKey, bytes: Vec<u8>) {
        let Some(&(to, to_peer)) = self.nodes[from].links.get(&peer) else { return };
        let free = self.busy.entry((from, peer)).or_insert(0);
        let start = (*free).max(self.now);
        *free = start + (bytes.len() as u64).div_ceil(self.bytes_per_ms);
        let at = *free + self.latency_ms;
        self.push(at, Ev::Bytes { to, peer: to_peer, from, from_peer: peer, bytes });
    }

    fn close_link(&mut self, i: usize, peer: PeerKey) {
        if let Some((far, far_peer)) = self.nodes[i].links.remove(&peer) {
            if self.nodes[far].links.remove(&far_peer).is_some() {
                let _ = self.nodes[far].client.peer_closed(far_peer, Instant(self.now));
                self.pump(far);
            }
        }
    }

    /// The tracker: answers announces, relays offers to other peers of the swarm, relays
    /// answers to the offerer (bittorrent-tracker's behaviour).
    fn tracker(&mut self, from: usize, text: &str) {
        let m: Value = serde_json::from_str(text).expect("clients send JSON");
        assert_eq!(m["action"], "announce", "{text}");
        let hash: [u8; 20] = from_binary_string(m["info_hash"].as_str().unwrap()).unwrap();
        let peer: [u8; 20] = from_binary_string(m["peer_id"].as_str().unwrap()).unwrap();
        let now = self.now;
        if let Some(answer) = m.get("answer") {
            let to: [u8; 20] = from_binary_string(m["to_peer_id"].as_str().unwrap()).unwrap();
            let Some(&(to_node, _)) = self.swarms.get(&hash).and_then(|s| s.peers.get(&to)) else { return };
            self.relayed_answers += 1;
            let relay = json!({"action": "announce", "answer": answer, "offer_id": m["offer_id"], "peer_id": m["peer_id"], "info_hash": m["info_hash"]});
            self.push(now + self.latency_ms, Ev::ToNode(to_node, relay.to_string()));
            return;
        }
        self.announces.push(Announced {
            at: now,
            node: from,
            event: m.get("event").and_then(Value::as_str).map(str::to_string),
            left: m.get("left").and_then(Value::as_u64),
            offers: m.get("offers").and_then(Value::as_array).map_or(0, Vec::len),
        });
        let swarm = self.swarms.entry(hash).or_default();
        if m.get("event").and_then(Value::as_str) == Some("stopped") {
            swarm.peers.remove(&peer);
        } else {
            let seeding = m.get("left").and_then(Value::as_u64) == Some(0);
            swarm.peers.insert(peer, (from, seeding));
        }
        let complete = swarm.peers.values().filter(|p| p.1).count();
        let incomplete = swarm.peers.len() - complete;
        let others: Vec<usize> = swarm.peers.iter().filter(|(id, _)| **id != peer).map(|(_, p)| p.0).collect();
        let reply = json!({"action": "announce", "interval": 120, "info_hash": m["info_hash"], "complete": complete, "incomplete": incomplete});
        self.push(now + self.latency_ms, Ev::ToNode(from, reply.to_string()));
        let offers = m.get("offers").and_then(Value::as_array).cloned().unwrap_or_default();
        // Each offer to a different other peer, starting one further round each announce.
        self.relay_turn += 1;
        for (n, offer) in offers.iter().enumerate() {
            if n >= others.len() {
                break;
            }
            let to = others[(self.relay_turn + n) % others.len()];
            self.relayed_offers += 1;
            let relay = json!({"action": "announce", "offer": offer["offer"], "offer_id": offer["offer_id"], "peer_id": m["peer_id"], "info_hash": m["info_hash"]});
            self.push(now + self.latency_ms, Ev::ToNode(to, relay.to_string()));
        }
    }

    /// Runs until `done` or virtual time passes `limit_ms`; returns whether `done`.
    pub fn run_until(&mut self, limit_ms: u64, mut done: impl FnMut(&Net) -> bool) -> bool {
        for i in 0..self.nodes.len() {
            self.pump(i);
        }
        loop {
            if done(self) {
                return true;
            }
            let next_ev = self.queue.peek().map(|q| q.0.at);
            let next_timer = self.nodes.iter().filter_map(|n| n.client.poll_timeout()).map(|t| t.0).min();
            let Some(next) = [next_ev, next_timer].into_iter().flatten().min() else { return done(self) };
            if next > limit_ms {
                return false;
            }
            self.now = self.now.max(next);
            let now = Instant(self.now);
            while self.queue.peek().is_some_and(|q| q.0.at <= self.now) {
                let Reverse(q) = self.queue.pop().unwrap();
                self.deliver(q.ev, now);
            }
            for i in 0..self.nodes.len() {
                if self.nodes[i].client.poll_timeout().is_some_and(|t| t.0 <= self.now) {
                    self.nodes[i].client.handle_timeout(now);
                    self.pump(i);
                }
            }
        }
    }

    fn deliver(&mut self, ev: Ev, now: Instant) {
        match ev {
            Ev::SocketOpen(i) => {
                self.nodes[i].sockets.insert(TRACKER.into());
                self.nodes[i].client.tracker_opened(TRACKER, now);
                self.pump(i);
            }
            Ev::ToTracker(i, text) => self.tracker(i, &text),
            Ev::ToNode(i, text) => {
                self.nodes[i].client.tracker_message(TRACKER, &text, now).expect("the tracker speaks the protocol");
                self.pump(i);
            }
            Ev::ChannelOpen { a, ca, b, cb } => {
                // Both ends must still want the connection.
                if self.nodes[a].conns.remove(&ca).is_none() || self.nodes[b].conns.remove(&cb).is_none() {
                    let _ = self.nodes[a].client.conn_failed(ca, now);
                    let _ = self.nodes[b].client.conn_failed(cb, now);
                    self.pump(a);
                    self.pump(b);
                    return;
                }
                let pa = self.nodes[a].client.conn_open(ca, now);
                let pb = self.nodes[b].client.conn_open(cb, now);
                match (pa, pb) {
                    (Ok(pa), Ok(pb)) => {
                        self.nodes[a].links.insert(pa, (b, pb));
                        self.nodes[b].links.insert(pb, (a, pa));
                    }
                    (Ok(p), Err(_)) => {
                        let _ = self.nodes[a].client.peer_closed(p, now);
                    }
                    (Err(_), Ok(p)) => {
                        let _ = self.nodes[b].client.peer_closed(p, now);
                    }
                    (Err(_), Err(_)) => {}
                }
                self.pump(a);
                self.pump(b);
            }
            Ev::Bytes { to, peer, from, from_peer, bytes } => {
                if self.nodes[to].links.get(&peer) != Some(&(from, from_peer)) {
                    return; // the channel closed meanwhile
                }
                self.nodes[to].client.peer_data(peer, &bytes, now).unwrap();
                self.pump(to);
                // Delivered: the sender's buffer drained.
                if self.nodes[from].links.contains_key(&from_peer) {
                    self.nodes[from].client.peer_drained(from_peer, now).unwrap();
                    self.pump(from);
                }
            }
        }
    }
}

fn parse_sdp(sdp: &str, kind: &str) -> (usize, ConnId) {
    let parts: Vec<&str> = sdp.split(' ').collect();
    assert_eq!(parts[0], kind);
    (parts[1].parse().unwrap(), ConnId(parts[2].parse().unwrap()))
}

/// The binary-string form of an id, for hand-written tracker texts.
pub fn bin(id: &[u8; 20]) -> String {
    to_binary_string(id)
}
