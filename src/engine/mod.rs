//! All torrents behind one Input/Output vocabulary: the only thing the JS pump talks to.
//!
//! # The run loop (str0m/quinn shape)
//! 1. Give the engine one input, with the current time where it matters:
//!    [`Engine::add_torrent`] / [`Engine::add_magnet`], [`Engine::peer_connected`] (a data
//!    channel opened; the engine returns the peer handle it owns), [`Engine::peer_data`]
//!    (bytes from the channel, any split), [`Engine::peer_closed`],
//!    [`Engine::channel_drained`] (the channel's buffer fell under its low mark),
//!    [`Engine::piece_read`] (storage answered a [`Output::ReadPiece`]),
//!    [`Engine::http_response`] (a web seed answered an [`Output::HttpGet`]),
//!    [`Engine::handle_timeout`] (the timer from [`Engine::poll_timeout`] fired).
//! 2. Drain [`Engine::poll_output`] until `None`, doing each [`Output`]: write bytes to a
//!    channel, close one, store a verified piece, read a piece for upload, fetch a web-seed
//!    range, show an event.
//! 3. Ask [`Engine::poll_timeout`] and set one timer for it.
//!
//! Handles ([`TorrentId`], [`PeerKey`]) are made here; JS never invents one. The number of
//! open peer channels is capped across all torrents ([`EngineConfig::max_connections`]):
//! `peer_connected` refuses beyond it and JS closes that channel.
//!
//! ```
//! use peerpage::engine::{Engine, EngineConfig, Output};
//! use peerpage::time::Instant;
//! use peerpage::wire::PeerId;
//! let mut engine = Engine::new(EngineConfig::new(PeerId([7; 20]), 42));
//! let magnet = "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567";
//! let torrent = engine.add_magnet(magnet).unwrap();
//! let peer = engine.peer_connected(torrent, Instant(0)).unwrap();
//! // Our handshake goes out first.
//! let Some(Output::Send { peer: to, bytes }) = engine.poll_output() else { panic!() };
//! assert_eq!((to, bytes[0]), (peer, 19));
//! ```

#[doc(hidden)]
pub mod bench;
mod error;

use crate::metainfo::{Magnet, Metainfo};
use crate::piece::Bitfield;
use crate::swarm::rate::SharedLimits;
pub use crate::swarm::PeerKey;
use crate::swarm::{Swarm, SwarmConfig, SwarmOutput, SwarmStats};
use crate::time::Instant;
use crate::vecmap::VecMap;
use crate::wire::PeerId;
pub use error::EngineError;
use std::collections::VecDeque;

/// A torrent handle, owned by the engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TorrentId(pub u32);

/// Settings of the whole engine.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// Our peer id, one for every torrent and tracker (PROTOCOL.md §8.1).
    pub peer_id: PeerId,
    /// Open peer channels across all torrents (Chromium fails near 500 connections).
    pub max_connections: usize,
    /// Seed for the engine's tie-breaking generator (from `crypto.getRandomValues`).
    pub seed: u64,
    /// Verify pieces (SHA-1). Only benchmarks of block handling turn this off.
    pub verify: bool,
}

impl EngineConfig {
    /// Defaults: 64 connections.
    pub fn new(peer_id: PeerId, seed: u64) -> Self {
        EngineConfig { peer_id, max_connections: 64, seed, verify: true }
    }
}

/// Something for the UI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A magnet's metadata arrived and was hash-checked.
    MetadataReady(TorrentId),
    /// A piece passed its hash.
    PieceVerified(TorrentId, u32),
    /// A piece failed its hash and will be fetched again.
    HashFailed(TorrentId, u32),
    /// Every wanted piece is verified.
    Complete(TorrentId),
    /// A peer was banned for sending corrupt blocks.
    Banned(TorrentId, PeerId),
}

/// What the engine asks the shell to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Write `bytes` to the peer's data channel (respect back-pressure: keep writing, and
    /// call [`Engine::channel_drained`] when `bufferedamountlow` fires).
    Send {
        /// Peer handle.
        peer: PeerKey,
        /// Wire bytes.
        bytes: Vec<u8>,
    },
    /// Close the peer's channel; the engine has already forgotten it.
    ClosePeer {
        /// Peer handle.
        peer: PeerKey,
        /// A stable dotted reason for logs.
        reason: &'static str,
    },
    /// Persist a verified piece.
    StorePiece {
        /// Torrent.
        torrent: TorrentId,
        /// Piece index.
        piece: u32,
        /// Its bytes.
        data: Vec<u8>,
    },
    /// Read a piece and hand it back with [`Engine::piece_read`].
    ReadPiece {
        /// Torrent.
        torrent: TorrentId,
        /// Piece index.
        piece: u32,
    },
    /// Fetch a byte range from a web seed (BEP 19) with only a `Range:
    /// bytes=start-end_inclusive` header, then call [`Engine::http_response`] with the
    /// status and body (or status 0 on a network error).
    HttpGet {
        /// Torrent.
        torrent: TorrentId,
        /// Request id, owned by the core.
        id: u64,
        /// URL.
        url: String,
        /// First byte.
        start: u64,
        /// Last byte, inclusive.
        end_inclusive: u64,
    },
    /// For the UI.
    Event(Event),
}

/// All torrents.
#[derive(Debug)]
pub struct Engine {
    config: EngineConfig,
    torrents: VecMap<TorrentId, Swarm>,
    peers: VecMap<PeerKey, TorrentId>,
    next_torrent: u32,
    next_peer: u64,
    outputs: VecDeque<Output>,
    limits: SharedLimits,
}

impl Engine {
    /// An engine with no torrents.
    pub fn new(config: EngineConfig) -> Self {
        Engine {
            config,
            torrents: VecMap::new(),
            peers: VecMap::new(),
            next_torrent: 1,
            next_peer: 1,
            outputs: VecDeque::new(),
            limits: SharedLimits::default(),
        }
    }

    fn swarm_config(&self) -> SwarmConfig {
        SwarmConfig {
            verify: self.config.verify,
            global_limits: self.limits.clone(),
            ..SwarmConfig::new(self.config.peer_id)
        }
    }

    fn insert(&mut self, make: impl FnOnce(SwarmConfig, u64) -> Swarm) -> Result<TorrentId, EngineError> {
        let seed = self.config.seed ^ u64::from(self.next_torrent).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let swarm = make(self.swarm_config(), seed);
        if self.torrents.values().any(|s| s.info_hash() == swarm.info_hash()) {
            return Err(EngineError::DuplicateTorrent);
        }
        let id = TorrentId(self.next_torrent);
        self.next_torrent += 1;
        self.torrents.insert(id, swarm);
        Ok(id)
    }

    /// Adds a torrent from .torrent bytes; `have` are pieces already verified (resume).
    pub fn add_torrent(&mut self, torrent: &[u8], have: Option<Bitfield>) -> Result<TorrentId, EngineError> {
        let meta = crate::metainfo::parse_torrent(torrent).map_err(EngineError::Metainfo)?;
        self.add_metainfo(meta, have)
    }

    /// Adds a torrent already parsed; `have` are pieces already verified.
    pub fn add_metainfo(&mut self, meta: Metainfo, have: Option<Bitfield>) -> Result<TorrentId, EngineError> {
        self.insert(|cfg, seed| Swarm::new(meta, have, cfg, seed))
    }

    /// Adds a torrent from a magnet link: the metadata comes from peers (BEP 9).
    pub fn add_magnet(&mut self, link: &str) -> Result<TorrentId, EngineError> {
        let magnet = Magnet::parse(link).map_err(EngineError::Metainfo)?;
        let hash = magnet.info_hash.ok_or(EngineError::NoV1Hash)?;
        self.insert(|cfg, seed| Swarm::from_magnet(hash, cfg, seed))
    }

    /// Removes a torrent; its peers are closed.
    pub fn remove_torrent(&mut self, torrent: TorrentId) {
        if self.torrents.remove(&torrent).is_none() {
            return;
        }
        self.close_peers_of(torrent, "engine.torrent-removed");
    }

    /// Pauses (its peers are closed, nothing is asked or served) or resumes a torrent.
    pub fn set_paused(&mut self, torrent: TorrentId, paused: bool) -> Result<(), EngineError> {
        let swarm = self.torrents.get_mut(&torrent).ok_or(EngineError::UnknownTorrent)?;
        if paused {
            let gone: Vec<PeerKey> = self.peers.iter().filter(|(_, t)| **t == torrent).map(|(p, _)| *p).collect();
            for peer in &gone {
                swarm.handle_close(*peer);
            }
            swarm.set_paused(true);
            self.close_peers_of(torrent, "engine.paused");
        } else {
            swarm.set_paused(false);
        }
        Ok(())
    }

    /// Global limits in bytes per second, shared by all torrents (0 = unlimited).
    pub fn set_rate_limits(&mut self, down: u64, up: u64) {
        let mut limits = self.limits.borrow_mut();
        limits.down.set_rate(down);
        limits.up.set_rate(up);
    }

    /// One torrent's limits in bytes per second (0 = unlimited), on top of the global ones.
    pub fn set_torrent_rate_limits(&mut self, torrent: TorrentId, down: u64, up: u64) -> Result<(), EngineError> {
        self.torrents.get_mut(&torrent).ok_or(EngineError::UnknownTorrent)?.set_rate_limits(down, up);
        Ok(())
    }

    /// Storage lost a verified piece of `torrent`: it is fetched again.
    pub fn piece_missing(&mut self, torrent: TorrentId, piece: u32) -> Result<(), EngineError> {
        self.torrents.get_mut(&torrent).ok_or(EngineError::UnknownTorrent)?.handle_piece_missing(piece);
        Ok(())
    }

    /// The swarm of a torrent, to read its state.
    pub fn swarm(&self, torrent: TorrentId) -> Option<&Swarm> {
        self.torrents.get(&torrent)
    }

    /// Open peer channels over all torrents.
    pub fn peer_count(&self) -> usize {
        self.peers.len()
    }

    /// The connection budget over all torrents.
    pub fn max_connections(&self) -> usize {
        self.config.max_connections
    }

    fn close_peers_of(&mut self, torrent: TorrentId, reason: &'static str) {
        let gone: Vec<PeerKey> = self.peers.iter().filter(|(_, t)| **t == torrent).map(|(p, _)| *p).collect();
        for peer in gone {
            self.peers.remove(&peer);
            self.outputs.push_back(Output::ClosePeer { peer, reason });
        }
    }

    /// A data channel for `torrent` opened. Returns the handle for its later inputs.
    pub fn peer_connected(&mut self, torrent: TorrentId, now: Instant) -> Result<PeerKey, EngineError> {
        if self.peers.len() >= self.config.max_connections {
            return Err(EngineError::ConnectionBudget);
        }
        let swarm = self.torrents.get_mut(&torrent).ok_or(EngineError::UnknownTorrent)?;
        if swarm.is_paused() {
            return Err(EngineError::Paused);
        }
        let key = PeerKey(self.next_peer);
        self.next_peer += 1;
        swarm.handle_connect(key, now);
        self.peers.insert(key, torrent);
        Ok(key)
    }

    fn swarm_of(&mut self, peer: PeerKey) -> Result<&mut Swarm, EngineError> {
        let t = self.peers.get(&peer).ok_or(EngineError::UnknownPeer)?;
        self.torrents.get_mut(t).ok_or(EngineError::UnknownTorrent)
    }

    /// Bytes arrived on a peer's channel.
    pub fn peer_data(&mut self, peer: PeerKey, bytes: &[u8], now: Instant) -> Result<(), EngineError> {
        self.swarm_of(peer)?.handle_data(peer, bytes, now);
        Ok(())
    }

    /// A peer's channel closed (or failed).
    pub fn peer_closed(&mut self, peer: PeerKey) {
        if let Ok(swarm) = self.swarm_of(peer) {
            swarm.handle_close(peer);
        }
        self.peers.remove(&peer);
    }

    /// A peer's channel drained its send buffer.
    pub fn channel_drained(&mut self, peer: PeerKey) -> Result<(), EngineError> {
        self.swarm_of(peer)?.handle_drained(peer);
        Ok(())
    }

    /// Storage read a piece asked for by [`Output::ReadPiece`].
    pub fn piece_read(&mut self, torrent: TorrentId, piece: u32, data: Vec<u8>) -> Result<(), EngineError> {
        self.torrents.get_mut(&torrent).ok_or(EngineError::UnknownTorrent)?.handle_piece_read(piece, data);
        Ok(())
    }

    /// A web seed answered an [`Output::HttpGet`]: its HTTP status (0 for a network
    /// error) and body. Anything but `206` with exactly the asked length is refused.
    pub fn http_response(
        &mut self,
        torrent: TorrentId,
        id: u64,
        status: u16,
        body: &[u8],
        now: Instant,
    ) -> Result<(), EngineError> {
        self.torrents.get_mut(&torrent).ok_or(EngineError::UnknownTorrent)?.handle_http_response(id, status, body, now);
        Ok(())
    }

    /// The timer fired.
    pub fn handle_timeout(&mut self, now: Instant) {
        for swarm in self.torrents.values_mut() {
            swarm.handle_timeout(now);
        }
    }

    /// When to call [`Engine::handle_timeout`].
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.torrents.values().filter_map(Swarm::poll_timeout).min()
    }

    /// The next thing to do.
    pub fn poll_output(&mut self) -> Option<Output> {
        if let Some(out) = self.outputs.pop_front() {
            return Some(out);
        }
        for (&id, swarm) in self.torrents.iter_mut() {
            let Some(out) = swarm.poll_output() else { continue };
            return Some(match out {
                SwarmOutput::Send { peer, bytes } => Output::Send { peer, bytes },
                SwarmOutput::Close { peer, reason } => {
                    self.peers.remove(&peer);
                    Output::ClosePeer { peer, reason }
                }
                SwarmOutput::StorePiece { piece, data } => Output::StorePiece { torrent: id, piece, data },
                SwarmOutput::ReadPiece { piece } => Output::ReadPiece { torrent: id, piece },
                SwarmOutput::HttpGet { id: request, url, start, end_inclusive } => {
                    Output::HttpGet { torrent: id, id: request, url, start, end_inclusive }
                }
                SwarmOutput::MetadataReady(_) => Output::Event(Event::MetadataReady(id)),
                SwarmOutput::PieceVerified(p) => Output::Event(Event::PieceVerified(id, p)),
                SwarmOutput::HashFailed(p) => Output::Event(Event::HashFailed(id, p)),
                SwarmOutput::Complete => Output::Event(Event::Complete(id)),
                SwarmOutput::Banned(p) => Output::Event(Event::Banned(id, p)),
            });
        }
        None
    }

    /// Live counters of a torrent.
    pub fn stats(&self, torrent: TorrentId) -> Option<SwarmStats> {
        self.torrents.get(&torrent).map(Swarm::stats)
    }

    /// The swarm of a torrent (priorities, streaming window, metadata).
    pub fn swarm_mut(&mut self, torrent: TorrentId) -> Option<&mut Swarm> {
        self.torrents.get_mut(&torrent)
    }

    /// A resume snapshot: bencoded `{have: <bitfield>, info: <info dict bytes>}`. Empty
    /// `info` while a magnet has no metadata.
    pub fn resume_snapshot(&self, torrent: TorrentId) -> Option<Vec<u8>> {
        let swarm = self.torrents.get(&torrent)?;
        let mut out = b"d".to_vec();
        crate::bencode::put_bytes(&mut out, b"have");
        crate::bencode::put_bytes(&mut out, swarm.have().as_wire());
        crate::bencode::put_bytes(&mut out, b"info");
        crate::bencode::put_bytes(&mut out, swarm.metadata().map(|m| m.info_bytes.as_slice()).unwrap_or_default());
        out.push(b'e');
        Some(out)
    }

    /// Restores a torrent from [`Engine::resume_snapshot`] bytes.
    pub fn add_resume(&mut self, snapshot: &[u8]) -> Result<TorrentId, EngineError> {
        let value =
            crate::bencode::decode(snapshot, crate::bencode::Mode::Strict).map_err(|_| EngineError::BadSnapshot)?;
        let dict = value.as_dict().ok_or(EngineError::BadSnapshot)?;
        let info = dict.get(b"info").and_then(|v| v.as_bytes()).ok_or(EngineError::BadSnapshot)?;
        let have = dict.get(b"have").and_then(|v| v.as_bytes()).ok_or(EngineError::BadSnapshot)?;
        let meta: Metainfo = crate::metainfo::parse_info(info).map_err(EngineError::Metainfo)?;
        let have = Bitfield::from_wire(have, meta.layout.piece_count()).map_err(|_| EngineError::BadSnapshot)?;
        self.add_metainfo(meta, Some(have))
    }
}
