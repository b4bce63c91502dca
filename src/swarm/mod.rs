//! One torrent's swarm as a sans-IO state machine (quinn/str0m shape): `handle_*` methods
//! take inputs with the caller's time, `poll_output` drains what to do, `poll_timeout`
//! says when to call `handle_timeout`. The engine (`crate::engine`) owns many of these.
//!
//! Invariants (who keeps them):
//! - a block is in some peer's `in_flight` iff its [`partial::PartialPiece`] says it is
//!   requested (`requests.rs` keeps both in step on send, arrival, timeout, reject, close);
//! - `have` only ever gains verified pieces (`requests.rs::finish_piece`);
//! - `progress` is the byte total of `have` and of the wanted pieces: `have` changes only
//!   through `mark_have`/`unmark_have`, priorities only through `reprioritize`, the metadata
//!   recounts (`progress.rs`);
//! - the picker's availability is the sum of the connected peers' bitfields
//!   (`messages.rs` adds, `handle_close` removes).

mod control;
mod messages;
pub mod partial;
pub mod peer;
pub mod picker;
mod progress;
pub mod rate;
mod requests;
mod upload;
mod views;
mod webfetch;
pub mod webseed;

use crate::metainfo::{InfoHash, Metainfo};
use crate::piece::Bitfield;
use crate::rng::Rng;
use crate::time::{Instant, Millis};
use crate::vecmap::{VecMap, VecSet};
use crate::wire::ext::MetadataFetcher;
use crate::wire::{BlockRequest, Message, PeerId};
use partial::PartialPiece;
pub use peer::{PeerKey, PeerSession};
pub use picker::{Picker, Priority};
pub use progress::Progress;
use rate::{Gate, Meter, SharedLimits};
use std::collections::{BTreeMap, VecDeque};
pub use views::{PeerView, WebSeedView};

/// Hash failures a peer may be the only contributor to before it is banned.
pub const MAX_STRIKES: u32 = 2;
/// How often the choker re-ranks peers (BEP 3 suggests 10 s; WebTorrent uses 10 s).
pub const CHOKE_INTERVAL: Millis = Millis(10_000);
/// How long the optimistic unchoke stays on one peer (3 choke rounds).
pub const OPTIMISTIC_INTERVAL: Millis = Millis(30_000);

/// What the swarm asks its caller to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SwarmOutput {
    /// Write these bytes to the peer's channel.
    Send {
        /// The peer.
        peer: PeerKey,
        /// Wire bytes.
        bytes: Vec<u8>,
    },
    /// Close the channel (protocol violation, ban, or no longer useful).
    Close {
        /// The peer.
        peer: PeerKey,
        /// Why, for logs (a stable dotted code).
        reason: &'static str,
    },
    /// A piece passed its SHA-1: store it.
    StorePiece {
        /// Piece index.
        piece: u32,
        /// Its bytes.
        data: Vec<u8>,
    },
    /// A peer wants blocks of this piece: read it from storage and call
    /// [`Swarm::handle_piece_read`].
    ReadPiece {
        /// Piece index.
        piece: u32,
    },
    /// The metadata arrived from peers (magnet): the info dict's bytes, hash-checked.
    MetadataReady(Vec<u8>),
    /// A piece was verified.
    PieceVerified(u32),
    /// A piece failed its hash and will be fetched again.
    HashFailed(u32),
    /// Fetch `url` with `Range: bytes=start-end_inclusive` (BEP 19 web seed) and answer
    /// with [`Swarm::handle_http_response`]. Only the `Range` header is needed (others
    /// trigger a CORS preflight, PROTOCOL.md §6).
    HttpGet {
        /// Request id, owned by the core.
        id: u64,
        /// The file's URL.
        url: String,
        /// First byte in the file.
        start: u64,
        /// Last byte in the file, inclusive.
        end_inclusive: u64,
    },
    /// Every wanted piece is verified.
    Complete,
    /// A peer was banned (it sent blocks of pieces that failed their hash).
    Banned(PeerId),
}

/// The first and last piece of a window's leading run of consecutive pieces (the range asked
/// for; the file's edge pieces may follow it).
fn leading_run(window: &[u32]) -> Option<(u32, u32)> {
    let first = *window.first()?;
    let mut last = first;
    for &p in &window[1..] {
        if p != last.wrapping_add(1) {
            break;
        }
        last = p;
    }
    Some((first, last))
}

/// A sender of a block of a failed piece, and the SHA-1 of the bytes it sent.
type Suspect = (PeerId, [u8; 20]);

/// Settings of one swarm.
#[derive(Clone, Debug)]
pub struct SwarmConfig {
    /// Our peer id (one per session, PROTOCOL.md §8.1).
    pub peer_id: PeerId,
    /// Peers unchoked by rank (the optimistic slot comes on top).
    pub upload_slots: usize,
    /// Bytes of verified pieces kept in memory for serving uploads (at least one piece is
    /// kept). Bounded in bytes, not pieces, so memory stays flat whatever the piece length.
    pub cache_bytes: usize,
    /// Bytes we let a channel buffer before waiting for `handle_drained`.
    pub max_unacked: usize,
    /// Client name in the extension handshake.
    pub client: String,
    /// Check each piece's SHA-1. Always true in use; benchmarks turn it off to measure the
    /// block handling alone (an unverifying swarm would accept corrupt data).
    pub verify: bool,
    /// Rate limits shared with every other torrent of the engine.
    pub global_limits: SharedLimits,
}

impl SwarmConfig {
    /// Defaults for a peer id.
    pub fn new(peer_id: PeerId) -> Self {
        SwarmConfig {
            peer_id,
            upload_slots: 4,
            cache_bytes: 8 << 20,
            max_unacked: 1 << 20,
            client: "peerpage 0.1".into(),
            verify: true,
            global_limits: SharedLimits::default(),
        }
    }
}

/// Counters for the UI.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SwarmStats {
    /// Verified pieces.
    pub pieces_have: u32,
    /// Pieces in the torrent (0 before the metadata).
    pub pieces_total: u32,
    /// Block payload received.
    pub downloaded: u64,
    /// Block payload sent.
    pub uploaded: u64,
    /// Bytes discarded with failed pieces.
    pub wasted: u64,
    /// Connected peers.
    pub peers: u32,
}

/// One torrent.
#[derive(Debug)]
pub struct Swarm {
    info_hash: InfoHash,
    config: SwarmConfig,
    meta: Option<Metainfo>,
    fetcher: MetadataFetcher<PeerKey>,
    have: Bitfield,
    picker: Picker,
    /// Bytes of `have` and of wanted pieces, kept as pieces and priorities change.
    progress: Progress,
    peers: VecMap<PeerKey, PeerSession>,
    partial: VecMap<u32, PartialPiece>,
    /// Pieces kept for uploads, oldest first.
    cache: VecDeque<(u32, Vec<u8>)>,
    reads_pending: VecSet<u32>,
    /// Blocks of failed pieces: (piece, block) -> (sender, SHA-1 of what it sent), judged
    /// when the piece later verifies (smart ban). A B-tree: a liar can make it large.
    suspects: BTreeMap<(u32, u32), Vec<Suspect>>,
    strikes: VecMap<PeerId, u32>,
    banned: VecSet<PeerId>,
    outputs: VecDeque<SwarmOutput>,
    rng: Rng,
    next_choke: Option<Instant>,
    optimistic: Option<(PeerKey, Instant)>,
    stats: SwarmStats,
    /// Every wanted piece was verified when last checked (`Complete` went out then).
    done: bool,
    web_seeds: Vec<webseed::WebSeed>,
    pending_gets: VecMap<u64, webseed::PendingGet>,
    /// Pieces being fetched from a web seed: their buffer and requests still missing.
    web_buffers: VecMap<u32, (Vec<u8>, usize)>,
    next_http_id: u64,
    /// When web seeds were last given work (their back-offs that end later wake us).
    web_checked: Option<Instant>,
    /// Web seeds from outside the metadata (a magnet's `ws=`), added once it arrives.
    extra_web_seeds: Vec<String>,
    /// Paused: no requests, no uploads, no web seeds (the engine closed its peers).
    paused: bool,
    /// Storage is being checked for pieces it already holds: no requests to peers or web
    /// seeds until [`Swarm::handle_checked`] says which pieces those are.
    checking: bool,
    /// The latest time an input brought (for work done in inputs that carry none); the
    /// rate gate keeps no clock of its own.
    clock: Instant,
    /// This torrent's and the global rate limits.
    gate: Gate,
    /// When a rate limit that held back requests or uploads lets them go again.
    throttle_wake: Option<Instant>,
    /// The peer served last by [`Swarm::serve_all_uploads`] (the next round starts after it).
    upload_turn: Option<PeerKey>,
    /// Block payload received and sent, per second.
    down_meter: Meter,
    up_meter: Meter,
}

impl Swarm {
    /// A swarm for a torrent whose metadata we have. `have` are pieces already verified
    /// (resume); `seed` seeds the tie-breaking generator.
    pub fn new(meta: Metainfo, have: Option<Bitfield>, config: SwarmConfig, seed: u64) -> Self {
        let mut swarm = Swarm::from_magnet(meta.swarm_hash(), config, seed);
        swarm.set_metadata(meta, have);
        swarm
    }

    /// A swarm that knows only its info hash: the metadata is fetched from peers (BEP 9).
    pub fn from_magnet(info_hash: InfoHash, config: SwarmConfig, seed: u64) -> Self {
        Swarm {
            info_hash,
            meta: None,
            fetcher: MetadataFetcher::new(info_hash),
            have: Bitfield::new(0),
            picker: Picker::new(0),
            progress: Progress::default(),
            peers: VecMap::new(),
            partial: VecMap::new(),
            cache: VecDeque::new(),
            reads_pending: VecSet::new(),
            suspects: BTreeMap::new(),
            strikes: VecMap::new(),
            banned: VecSet::new(),
            outputs: VecDeque::new(),
            rng: Rng::new(seed),
            next_choke: None,
            optimistic: None,
            stats: SwarmStats::default(),
            done: false,
            web_seeds: Vec::new(),
            pending_gets: VecMap::new(),
            web_buffers: VecMap::new(),
            next_http_id: 1,
            web_checked: None,
            extra_web_seeds: Vec::new(),
            paused: false,
            checking: false,
            clock: Instant(0),
            gate: Gate::new(config.global_limits.clone()),
            throttle_wake: None,
            upload_turn: None,
            down_meter: Meter::default(),
            up_meter: Meter::default(),
            config,
        }
    }

    fn set_metadata(&mut self, meta: Metainfo, have: Option<Bitfield>) {
        let n = meta.layout.piece_count();
        self.have = have.filter(|h| h.len() == n).unwrap_or_else(|| Bitfield::new(n));
        self.picker = Picker::new(n);
        self.stats.pieces_total = n;
        self.stats.pieces_have = self.have.count();
        self.meta = Some(meta);
        self.recount_progress();
        self.done = self.is_complete();
        self.rebuild_web_seeds();
    }

    /// Web seeds from the metadata's `url-list` and from outside it, each once; seeds we
    /// already had keep their state (back-off, piece in flight).
    fn rebuild_web_seeds(&mut self) {
        let Some(meta) = &self.meta else { return };
        let old = std::mem::take(&mut self.web_seeds);
        for url in meta.web_seeds.iter().chain(self.extra_web_seeds.iter()) {
            let http = url.starts_with("http://") || url.starts_with("https://");
            if !http || self.web_seeds.iter().any(|s| s.url == *url) {
                continue;
            }
            let seed = old.iter().find(|s| s.url == *url).cloned().unwrap_or_else(|| webseed::WebSeed::new(url));
            self.web_seeds.push(seed);
        }
    }

    /// The info hash peers handshake with.
    pub fn info_hash(&self) -> InfoHash {
        self.info_hash
    }

    /// The metadata, once known.
    pub fn metadata(&self) -> Option<&Metainfo> {
        self.meta.as_ref()
    }

    /// Our verified pieces.
    pub fn have(&self) -> &Bitfield {
        &self.have
    }

    /// Live counters.
    pub fn stats(&self) -> SwarmStats {
        SwarmStats { peers: self.peers.len() as u32, ..self.stats }
    }

    /// Whether a connected peer has this peer id.
    pub fn has_peer_id(&self, id: &PeerId) -> bool {
        self.peers.values().any(|p| p.peer_id.as_ref() == Some(id))
    }

    /// Whether this peer id was banned.
    pub fn is_banned(&self, id: &PeerId) -> bool {
        self.banned.contains(id)
    }

    /// Sets one file's priority (`Skip` to leave it out). Pieces shared with a wanted
    /// neighbour stay wanted.
    pub fn set_file_priority(&mut self, file: usize, priority: Priority) {
        let Some(meta) = &self.meta else { return };
        let range = meta.layout.file_pieces(file);
        let shared: Vec<u32> = (0..meta.layout.file_count())
            .filter(|&f| f != file && meta.files.get(f).is_some_and(|e| e.length > 0))
            .flat_map(|f| meta.layout.file_pieces(f))
            .filter(|p| range.contains(p))
            .collect();
        self.reprioritize(range.clone(), |picker| picker.set_priority(range, priority, &shared));
        self.after_reprioritize();
    }

    /// Streaming: fetch the bytes `offset..offset+len` first, in order, plus the first and
    /// last pieces of the torrent (players read container headers and indexes there).
    pub fn set_stream_window(&mut self, offset: u64, len: u64) {
        let Some(meta) = &self.meta else { return };
        let layout = &meta.layout;
        let mut window = Vec::new();
        if let (Some(first), Some(last)) = (
            layout.piece_at(offset),
            layout.piece_at(offset.saturating_add(len.max(1)) - 1).or_else(|| layout.piece(layout.piece_count() - 1)),
        ) {
            window.extend(first.get()..=last.get());
        }
        for edge in [0, layout.piece_count() - 1] {
            if !window.contains(&edge) {
                window.push(edge);
            }
        }
        // A seek (the new window starts outside the old one's range) cancels requests queued
        // elsewhere; the window sliding forward as a file plays does not, or every read of a
        // playing file would cancel and re-ask the rest of the download.
        let seek = match (leading_run(self.picker.window()), window.first()) {
            (Some((from, to)), Some(first)) => !(from..=to).contains(first),
            (None, Some(_)) => true,
            (_, None) => false,
        };
        // Pieces leaving or joining the window change priority (a skipped edge piece is wanted
        // while in it).
        let mut affected: Vec<u32> = self.picker.window().iter().chain(&window).copied().collect();
        affected.sort_unstable();
        affected.dedup();
        self.reprioritize(affected.into_iter(), |picker| picker.set_window(window));
        if seek {
            self.cancel_outside_window();
        }
        self.after_reprioritize();
    }

    /// Queues an output.
    fn emit(&mut self, out: SwarmOutput) {
        self.outputs.push_back(out);
    }

    /// The next thing to do, if any. Pending peer bytes are flushed as one `Send` each.
    pub fn poll_output(&mut self) -> Option<SwarmOutput> {
        if let Some(out) = self.outputs.pop_front() {
            return Some(out);
        }
        for (&key, peer) in self.peers.iter_mut() {
            if !peer.outbox.is_empty() {
                peer.unacked += peer.outbox.len();
                return Some(SwarmOutput::Send { peer: key, bytes: std::mem::take(&mut peer.outbox) });
            }
        }
        None
    }

    /// When to call [`Swarm::handle_timeout`] next.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.paused {
            return None;
        }
        let requests = self.peers.values().filter_map(|p| p.next_timeout()).min();
        let metadata = if self.meta.is_none() { self.fetcher.poll_timeout() } else { None };
        let web = if self.have.is_complete() { None } else { self.web_timeout() };
        [requests, metadata, self.next_choke, web, self.throttle_wake].into_iter().flatten().min()
    }

    /// Time passed: expire requests, run the choker.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.paused {
            return;
        }
        self.tick(now);
        // A rate limit let go: whatever it held back is retried below (and may be held again).
        let woke = self.throttle_wake.is_some_and(|t| now >= t);
        if woke {
            self.throttle_wake = None;
        }
        let keys: Vec<PeerKey> = self.peers.keys().copied().collect();
        for &key in &keys {
            let Some(peer) = self.peers.get_mut(&key) else { continue };
            let late = peer.expire(now);
            // Cancelled, so a peer that is only slow does not send them after they were
            // asked elsewhere (BEP 3 `cancel`; WebTorrent ignores it, peerpage honours it).
            for r in &late {
                if let Some(part) = self.partial.get(&r.piece) {
                    let (begin, length) = part.block_span(r.block);
                    peer.send(&Message::Cancel(BlockRequest { index: r.piece, begin, length }));
                }
            }
            for r in late {
                self.release_block(r.piece, r.block);
            }
        }
        if self.meta.is_none() {
            for peer in self.fetcher.handle_timeout(now) {
                self.request_metadata(peer, now);
            }
        }
        if self.next_choke.is_none_or(|t| now >= t) {
            self.run_choker(now);
        }
        self.expire_gets(now);
        self.fill_web_seeds(now);
        self.fill_all_requests(now);
        if woke {
            self.serve_all_uploads();
        }
    }

    /// An input brought the time: remember it and refill the rate limits.
    fn tick(&mut self, now: Instant) {
        self.clock = self.clock.max(now);
        self.gate.refill(self.clock);
    }

    /// A rate limit held something back: wake when it lets go.
    pub(super) fn throttled(&mut self, dir: rate::Direction) {
        if let Some(at) = self.gate.ready_at(dir, self.clock) {
            self.throttle_wake = Some(self.throttle_wake.map_or(at, |t| t.min(at)));
        }
    }

    /// A channel to a peer opened. We speak first (both sides do on WebRTC, PROTOCOL.md §3).
    pub fn handle_connect(&mut self, key: PeerKey, now: Instant) {
        self.tick(now);
        let mut peer = PeerSession::new(now);
        self.send_handshake(&mut peer);
        self.peers.insert(key, peer);
        if self.next_choke.is_none() {
            self.next_choke = Some(now + CHOKE_INTERVAL);
        }
    }

    /// The channel closed: its requests go back to the pool, its pieces leave the counts.
    pub fn handle_close(&mut self, key: PeerKey) {
        let Some(peer) = self.peers.remove(&key) else { return };
        for r in &peer.in_flight {
            self.release_block(r.piece, r.block);
        }
        if let Some(have) = &peer.have {
            self.picker.remove_bitfield(have);
        }
        self.fetcher.remove_peer(key);
        if self.optimistic.is_some_and(|(k, _)| k == key) {
            self.optimistic = None;
        }
    }

    /// The channel's buffer drained (back-pressure lifted): more uploads may go out.
    pub fn handle_drained(&mut self, key: PeerKey) {
        if let Some(peer) = self.peers.get_mut(&key) {
            peer.unacked = 0;
        }
        self.serve_uploads(key);
    }

    /// Bytes arrived from a peer.
    pub fn handle_data(&mut self, key: PeerKey, bytes: &[u8], now: Instant) {
        self.tick(now);
        let Some(peer) = self.peers.get_mut(&key) else { return };
        peer.framer.push(bytes);
        self.drain_frames(key, now);
    }

    /// Storage answered a [`SwarmOutput::ReadPiece`].
    pub fn handle_piece_read(&mut self, piece: u32, data: Vec<u8>) {
        self.reads_pending.remove(&piece);
        let expected = self.meta.as_ref().and_then(|m| m.layout.piece(piece).map(|p| m.layout.piece_size(p)));
        if expected != Some(data.len() as u32) || !self.have.has(piece) {
            return;
        }
        self.cache_piece(piece, data);
        self.serve_all_uploads();
    }

    fn close(&mut self, key: PeerKey, reason: &'static str) {
        self.handle_close(key);
        self.emit(SwarmOutput::Close { peer: key, reason });
    }
}

/// Fuzz entry point: a peer that handshakes correctly and then sends any bytes, to a swarm
/// that has the metadata (first byte even) or only a magnet (odd); the rest is the stream,
/// in 97-byte chunks with timers firing and
/// storage answering. Outputs may be anything; nothing may panic.
#[doc(hidden)]
pub fn fuzz_session(data: &[u8]) {
    let mut info = b"d6:lengthi40000e4:name1:a12:piece lengthi16384e6:pieces60:".to_vec();
    info.extend_from_slice(&[7u8; 60]);
    info.push(b'e');
    let Ok(meta) = crate::metainfo::parse_info(&info) else { return };
    let hash = meta.swarm_hash();
    let config = SwarmConfig::new(PeerId([1; 20]));
    let magnet = data.first().is_some_and(|b| b & 1 == 1);
    let mut swarm = if magnet {
        Swarm::from_magnet(hash, config, 1)
    } else {
        let mut have = Bitfield::new(3);
        have.set(0);
        Swarm::new(meta, Some(have), config, 1)
    };
    let key = PeerKey(1);
    swarm.handle_connect(key, Instant(0));
    swarm.handle_data(key, &crate::wire::Handshake::ours(hash, PeerId([2; 20])).encode(), Instant(0));
    for (i, chunk) in data.get(1..).unwrap_or_default().chunks(97).enumerate() {
        let now = Instant(i as u64 * 7_000);
        swarm.handle_data(key, chunk, now);
        swarm.handle_timeout(now);
        while let Some(out) = swarm.poll_output() {
            if let SwarmOutput::ReadPiece { piece } = out {
                let size = if piece == 2 { 40_000 - 2 * 16_384 } else { 16_384 };
                swarm.handle_piece_read(piece, vec![0; size]);
            }
        }
        swarm.handle_drained(key);
    }
}
