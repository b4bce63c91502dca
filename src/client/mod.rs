//! The whole peer behind one sans-IO object: the swarm [`Engine`] and the WebSocket
//! [`Trackers`] joined into one Input/Output vocabulary for the JS pump (the wasm `Core`
//! is a thin wrapper of this).
//!
//! The client announces each torrent to its trackers (the torrent's own, a magnet's `tr=`,
//! else the default ones), feeds them progress, decides how many WebRTC offers each torrent
//! wants (its peers against a per-torrent target and the global connection budget), and
//! turns tracker offer ids into core-owned connection ids ([`ConnId`]) so JS only ever
//! creates, answers and destroys RTCPeerConnections when told. An opened connection becomes
//! an engine peer ([`PeerKey`]).
//!
//! Run loop: give one input (with the time), drain [`Client::poll_output`], set one timer
//! for [`Client::poll_timeout`].

mod check;
mod conns;
mod error;
#[doc(hidden)]
pub mod fuzz;
mod output;
mod snapshot;
mod views;

pub use conns::{ConnId, CONNECT_TIMEOUT};
pub use error::ClientError;
pub use output::ClientOutput;
pub use views::{FileInfo, PeerInfo, PeerSource, TorrentInfo, TorrentStats};

use crate::engine::{Engine, EngineConfig, Event, Output, PeerKey, TorrentId};
use crate::metainfo::{InfoHash, Magnet, Metainfo};
use crate::piece::Bitfield;
use crate::swarm::Priority;
use crate::time::Instant;
use crate::tracker::{TrackerOutput, TrackerStatus, Trackers};
use crate::vecmap::VecMap;
use crate::wire::PeerId;
use conns::{Conn, Conns, Side};
use std::collections::VecDeque;

/// Peers each torrent looks for (WebTorrent keeps up to 55 connections per torrent; each
/// is an RTCPeerConnection, which cost more in a page than a TCP socket).
pub const TARGET_PEERS: usize = 20;

/// What the client keeps about a torrent beyond its swarm.
#[derive(Clone, Debug)]
struct Entry {
    info_hash: InfoHash,
    /// Tracker tiers we announce to (the torrent's own or the defaults).
    tiers: Vec<Vec<String>>,
    /// A magnet's `dn`, until the metadata names it.
    display_name: Option<String>,
    /// Web seeds from outside the metadata (a magnet's `ws=`).
    extra_web_seeds: Vec<String>,
    paused: bool,
    /// Every wanted piece was verified when the trackers were last refreshed.
    done: bool,
}

impl Entry {
    fn tracker_urls(&self) -> Vec<String> {
        self.tiers.iter().flatten().cloned().collect()
    }
}

/// All torrents, their trackers and their pending WebRTC connections.
#[derive(Debug)]
pub struct Client {
    peer_id: PeerId,
    engine: Engine,
    trackers: Trackers,
    torrents: VecMap<TorrentId, Entry>,
    conns: Conns,
    peers: VecMap<PeerKey, TorrentId>,
    default_trackers: Vec<String>,
    out: VecDeque<ClientOutput>,
}

impl Client {
    /// A client announcing as `peer_id`; `seed` drives tie-breaks and offer ids (from
    /// `crypto.getRandomValues`); a `secure_page` drops `ws://` trackers.
    pub fn new(peer_id: PeerId, seed: u64, secure_page: bool) -> Self {
        Self::with_engine(EngineConfig::new(peer_id, seed), secure_page)
    }

    /// A client with engine settings of its own (benchmarks turn verification off).
    pub fn with_engine(config: EngineConfig, secure_page: bool) -> Self {
        let trackers = Trackers::new(config.peer_id, config.seed.rotate_left(17) ^ 0x5eed, secure_page);
        Client {
            peer_id: config.peer_id,
            engine: Engine::new(config),
            trackers,
            torrents: VecMap::new(),
            conns: Conns::default(),
            peers: VecMap::new(),
            default_trackers: Vec::new(),
            out: VecDeque::new(),
        }
    }

    /// Trackers for torrents and magnets that name none.
    pub fn set_default_trackers(&mut self, urls: Vec<String>) {
        self.default_trackers = urls;
    }

    fn tiers_or_default(&self, tiers: Vec<Vec<String>>) -> Vec<Vec<String>> {
        if tiers.iter().flatten().next().is_some() {
            tiers
        } else {
            self.default_trackers.iter().map(|u| vec![u.clone()]).collect()
        }
    }

    fn register(&mut self, id: TorrentId, entry: Entry, left: Option<u64>, now: Instant) {
        if !entry.extra_web_seeds.is_empty() {
            if let Some(swarm) = self.engine.swarm_mut(id) {
                swarm.add_web_seeds(&entry.extra_web_seeds);
            }
        }
        if !entry.paused {
            self.trackers.add_torrent(entry.info_hash, &entry.tracker_urls(), left, now);
        }
        self.torrents.insert(id, entry);
        self.settle(now);
    }

    fn add_meta(&mut self, meta: Metainfo, have: Option<Bitfield>, now: Instant) -> Result<TorrentId, ClientError> {
        let entry = Entry {
            info_hash: meta.swarm_hash(),
            tiers: self.tiers_or_default(meta.trackers.clone()),
            display_name: None,
            extra_web_seeds: Vec::new(),
            paused: false,
            done: false,
        };
        let id = self.engine.add_metainfo(meta, have)?;
        let left = self.left(id);
        self.register(id, entry, left, now);
        Ok(id)
    }

    /// Adds a torrent from .torrent bytes, to download (or seed what storage holds once
    /// resumed with [`Client::add_resume`]).
    pub fn add_torrent(&mut self, torrent: &[u8], now: Instant) -> Result<TorrentId, ClientError> {
        let meta = crate::metainfo::parse_torrent(torrent).map_err(ClientError::Metainfo)?;
        self.add_meta(meta, None, now)
    }

    /// Adds a torrent whose every piece we hold (just created from files).
    pub fn add_seed(&mut self, torrent: &[u8], now: Instant) -> Result<TorrentId, ClientError> {
        let meta = crate::metainfo::parse_torrent(torrent).map_err(ClientError::Metainfo)?;
        let have = Bitfield::full(meta.layout.piece_count());
        self.add_meta(meta, Some(have), now)
    }

    /// Adds a magnet link: the metadata comes from peers (BEP 9), its `ws=` web seeds join
    /// once it has arrived.
    pub fn add_magnet(&mut self, link: &str, now: Instant) -> Result<TorrentId, ClientError> {
        let magnet = Magnet::parse(link).map_err(ClientError::Metainfo)?;
        let id = self.engine.add_magnet(link)?;
        let info_hash = self.engine.swarm(id).map(|s| s.info_hash()).ok_or(ClientError::UNKNOWN_TORRENT)?;
        let entry = Entry {
            info_hash,
            tiers: self.tiers_or_default(magnet.trackers.iter().map(|u| vec![u.clone()]).collect()),
            display_name: magnet.name.clone(),
            extra_web_seeds: magnet.web_seeds.clone(),
            paused: false,
            done: false,
        };
        self.register(id, entry, None, now);
        Ok(id)
    }

    /// Removes a torrent: `stopped` to its trackers, its peers and connections closed.
    pub fn remove_torrent(&mut self, id: TorrentId, now: Instant) -> Result<(), ClientError> {
        let entry = self.torrents.remove(&id).ok_or(ClientError::UNKNOWN_TORRENT)?;
        self.drop_conns_of(id);
        self.trackers.remove_torrent(entry.info_hash, now);
        self.engine.remove_torrent(id);
        self.settle(now);
        Ok(())
    }

    /// Pauses: `stopped` to the trackers, peers and connections closed, nothing asked.
    pub fn pause(&mut self, id: TorrentId, now: Instant) -> Result<(), ClientError> {
        let entry = self.entry_mut(id)?;
        if entry.paused {
            return Ok(());
        }
        entry.paused = true;
        let info_hash = entry.info_hash;
        self.drop_conns_of(id);
        self.trackers.remove_torrent(info_hash, now);
        self.engine.set_paused(id, true)?;
        self.settle(now);
        Ok(())
    }

    /// Resumes a paused torrent: it announces `started` again.
    pub fn resume(&mut self, id: TorrentId, now: Instant) -> Result<(), ClientError> {
        let entry = self.entry_mut(id)?;
        if !entry.paused {
            return Ok(());
        }
        entry.paused = false;
        let (info_hash, urls) = (entry.info_hash, entry.tracker_urls());
        self.engine.set_paused(id, false)?;
        let left = self.left(id);
        self.trackers.add_torrent(info_hash, &urls, left, now);
        self.engine.handle_timeout(now);
        self.settle(now);
        Ok(())
    }

    /// Torrent handles, oldest first.
    pub fn torrent_ids(&self) -> Vec<TorrentId> {
        self.torrents.keys().copied().collect()
    }

    fn entry(&self, id: TorrentId) -> Result<&Entry, ClientError> {
        self.torrents.get(&id).ok_or(ClientError::UNKNOWN_TORRENT)
    }

    fn entry_mut(&mut self, id: TorrentId) -> Result<&mut Entry, ClientError> {
        self.torrents.get_mut(&id).ok_or(ClientError::UNKNOWN_TORRENT)
    }

    fn swarm(&self, id: TorrentId) -> Result<&crate::swarm::Swarm, ClientError> {
        self.entry(id)?;
        self.engine.swarm(id).ok_or(ClientError::UNKNOWN_TORRENT)
    }

    /// Sets one file's priority.
    pub fn set_file_priority(&mut self, id: TorrentId, file: usize, priority: Priority) -> Result<(), ClientError> {
        let files = self.swarm(id)?.metadata().ok_or(ClientError::NoMetadata)?.files.len();
        if file >= files {
            return Err(ClientError::NoSuchFile);
        }
        if let Some(s) = self.engine.swarm_mut(id) {
            s.set_file_priority(file, priority);
        }
        self.drain_engine(None);
        // Un-skipping a file of a done torrent makes it want peers again (no clock here: the
        // announce is due at once and the caller's next timer sends it).
        self.refresh_trackers();
        Ok(())
    }

    /// Streaming: fetch torrent bytes `offset..offset+length` first.
    pub fn set_stream_window(&mut self, id: TorrentId, offset: u64, length: u64) -> Result<(), ClientError> {
        self.swarm(id)?.metadata().ok_or(ClientError::NoMetadata)?;
        if let Some(s) = self.engine.swarm_mut(id) {
            s.set_stream_window(offset, length);
        }
        self.drain_engine(None);
        self.refresh_trackers();
        Ok(())
    }

    /// Global rate limits in bytes per second (0 = unlimited).
    pub fn set_rate_limits(&mut self, down: u64, up: u64) {
        self.engine.set_rate_limits(down, up);
    }

    /// One torrent's rate limits in bytes per second (0 = unlimited).
    pub fn set_torrent_rate_limits(&mut self, id: TorrentId, down: u64, up: u64) -> Result<(), ClientError> {
        self.entry(id)?;
        Ok(self.engine.set_torrent_rate_limits(id, down, up)?)
    }

    // ---- transport inputs ----

    /// The WebSocket to `url` opened.
    pub fn tracker_opened(&mut self, url: &str, now: Instant) {
        self.refresh_trackers();
        self.trackers.handle_open(url, now);
        self.settle(now);
    }

    /// The WebSocket to `url` closed or failed; it reconnects with backoff.
    pub fn tracker_closed(&mut self, url: &str, now: Instant) {
        self.trackers.handle_close(url, now);
        self.settle(now);
    }

    /// A text frame from a tracker.
    pub fn tracker_message(&mut self, url: &str, text: &str, now: Instant) -> Result<(), ClientError> {
        let result = self.trackers.handle_text(url, text, now).map_err(ClientError::Tracker);
        self.settle(now);
        result
    }

    /// The SDP of a connection: our offer's (after `CreateOffer`) or our answer's (after
    /// `AcceptOffer`), ICE gathering complete.
    pub fn conn_sdp(&mut self, conn: ConnId, sdp: String, now: Instant) -> Result<(), ClientError> {
        let c = self.conns.get(conn).ok_or(ClientError::UnknownConn)?.clone();
        match c.side {
            Side::Ours { offer, .. } => self.trackers.handle_offer_sdp(offer, sdp, now),
            Side::Theirs { url, peer_id, offer } => {
                let info_hash = self.entry(c.torrent)?.info_hash;
                if !self.trackers.send_answer(&url, info_hash, peer_id, offer, &sdp) {
                    self.drop_conn(conn);
                }
            }
        }
        self.settle(now);
        Ok(())
    }

    /// A connection failed before its channel opened.
    pub fn conn_failed(&mut self, conn: ConnId, now: Instant) -> Result<(), ClientError> {
        self.forget_conn(conn).ok_or(ClientError::UnknownConn)?;
        self.settle(now);
        Ok(())
    }

    /// A connection's data channel opened: it becomes a peer. Fails with the engine's
    /// budget error when every slot is taken (close the channel then).
    pub fn conn_open(&mut self, conn: ConnId, now: Instant) -> Result<PeerKey, ClientError> {
        let c = self.forget_conn(conn).ok_or(ClientError::UnknownConn)?;
        let peer = self.engine.peer_connected(c.torrent, now)?;
        self.peers.insert(peer, c.torrent);
        self.out.push_back(ClientOutput::PeerCount { torrent: c.torrent });
        self.drain_engine(Some(now));
        Ok(peer)
    }

    /// Bytes from a peer's channel (any split).
    pub fn peer_data(&mut self, peer: PeerKey, bytes: &[u8], now: Instant) -> Result<(), ClientError> {
        self.engine.peer_data(peer, bytes, now)?;
        self.drain_engine(Some(now));
        Ok(())
    }

    /// A peer's channel closed.
    pub fn peer_closed(&mut self, peer: PeerKey, now: Instant) -> Result<(), ClientError> {
        let torrent = self.peers.remove(&peer).ok_or(ClientError::Engine(crate::engine::EngineError::UnknownPeer))?;
        self.engine.peer_closed(peer);
        self.out.push_back(ClientOutput::PeerCount { torrent });
        self.drain_engine(Some(now));
        Ok(())
    }

    /// A peer's channel drained its send buffer.
    pub fn peer_drained(&mut self, peer: PeerKey, now: Instant) -> Result<(), ClientError> {
        self.engine.channel_drained(peer)?;
        self.drain_engine(Some(now));
        Ok(())
    }

    /// Storage read a piece asked for by `ReadPiece`.
    pub fn piece_read(&mut self, id: TorrentId, piece: u32, data: Vec<u8>, now: Instant) -> Result<(), ClientError> {
        self.entry(id)?;
        self.engine.piece_read(id, piece, data)?;
        self.drain_engine(Some(now));
        Ok(())
    }

    /// Storage lost a piece: it is fetched again.
    pub fn piece_missing(&mut self, id: TorrentId, piece: u32, now: Instant) -> Result<(), ClientError> {
        self.entry(id)?;
        self.engine.piece_missing(id, piece)?;
        self.drain_engine(Some(now));
        Ok(())
    }

    /// A web seed answered an `HttpGet` (status 0: network error).
    pub fn http_response(
        &mut self,
        id: TorrentId,
        request: u64,
        status: u16,
        body: &[u8],
        now: Instant,
    ) -> Result<(), ClientError> {
        self.entry(id)?;
        self.engine.http_response(id, request, status, body, now)?;
        self.drain_engine(Some(now));
        Ok(())
    }

    /// The timer fired.
    pub fn handle_timeout(&mut self, now: Instant) {
        for conn in self.conns.expired(now) {
            self.drop_conn(conn);
        }
        if self.engine.poll_timeout().is_some_and(|t| t <= now) {
            self.engine.handle_timeout(now);
        }
        self.settle(now);
    }

    /// When to call [`Client::handle_timeout`] (absolute, on the caller's clock).
    pub fn poll_timeout(&self) -> Option<Instant> {
        [self.engine.poll_timeout(), self.trackers.poll_timeout(), self.conns.poll_timeout()]
            .into_iter()
            .flatten()
            .min()
    }

    /// The next thing to do; drain until `None` after every input.
    pub fn poll_output(&mut self) -> Option<ClientOutput> {
        self.out.pop_front()
    }

    // ---- plumbing ----

    fn drop_conns_of(&mut self, id: TorrentId) {
        for conn in self.conns.of_torrent(id) {
            self.drop_conn(conn);
        }
    }

    /// Forgets a pending connection, and its offer at the trackers (JS reported it failed
    /// or open, so it needs no word).
    fn forget_conn(&mut self, conn: ConnId) -> Option<Conn> {
        let c = self.conns.remove(conn)?;
        if let Side::Ours { offer, .. } = c.side {
            self.trackers.forget_offer(offer);
        }
        Some(c)
    }

    /// Gives up a pending connection: forgotten, and JS told to destroy it.
    fn drop_conn(&mut self, conn: ConnId) {
        if self.forget_conn(conn).is_some() {
            self.out.push_back(ClientOutput::DropConn { conn });
        }
    }

    fn left(&self, id: TorrentId) -> Option<u64> {
        self.engine.swarm(id)?.bytes_missing()
    }

    /// Moves engine outputs to the queue. Tracker-relevant events (metadata, completion,
    /// peers gone) also refresh the trackers when the time is known.
    fn drain_engine(&mut self, now: Option<Instant>) {
        let mut trackers_care = false;
        while let Some(out) = self.engine.poll_output() {
            let gone = match &out {
                Output::ClosePeer { peer, .. } => self.peers.remove(peer),
                Output::Event(Event::MetadataReady(_)) => {
                    trackers_care = true;
                    None
                }
                Output::Event(Event::Complete(torrent)) => {
                    // `completed` only once every piece is here (libtorrent's rule): a peer
                    // that skipped files is not a seed, and trackers never take it back.
                    let seed = self.engine.swarm(*torrent).is_some_and(|s| s.have().is_complete());
                    if let (Some(now), Some(hash), true) = (now, self.torrents.get(torrent).map(|e| e.info_hash), seed)
                    {
                        self.refresh_trackers();
                        self.trackers.completed(hash, now);
                    }
                    trackers_care = true;
                    None
                }
                _ => None,
            };
            self.out.push_back(ClientOutput::Engine(out));
            if let Some(torrent) = gone {
                self.out.push_back(ClientOutput::PeerCount { torrent });
            }
        }
        if let (true, Some(now)) = (trackers_care, now) {
            self.settle_trackers(now);
        }
    }

    /// After an input: engine outputs, then tracker work with fresh progress and offer
    /// counts.
    fn settle(&mut self, now: Instant) {
        self.drain_engine(Some(now));
        self.settle_trackers(now);
    }

    fn settle_trackers(&mut self, now: Instant) {
        self.refresh_trackers();
        self.trackers.handle_timeout(now);
        while let Some(out) = self.trackers.poll_output() {
            self.map_tracker_output(out, now);
        }
    }

    /// Progress and wanted offers of every torrent, for the next announces. Runs after
    /// every input and timer, so it reads running counters and copies nothing.
    fn refresh_trackers(&mut self) {
        let room = self.engine.max_connections().saturating_sub(self.engine.peer_count() + self.conns.len());
        for (&id, entry) in self.torrents.iter_mut() {
            let Some(swarm) = self.engine.swarm(id) else { continue };
            let stats = swarm.stats();
            let complete = swarm.is_complete();
            // Done, then wanting more (a file un-skipped, a piece lost): find peers now
            // rather than at the tracker's interval, whatever peers we still have.
            if entry.done && !complete && !entry.paused {
                self.trackers.announce_soon(entry.info_hash);
            }
            entry.done = complete;
            // A seed whose every tracker counts no leechers has no one to offer to; another
            // seed would only connect to part again.
            let idle_seed = complete && self.trackers.reports_no_leechers(entry.info_hash);
            let wanted = if entry.paused || idle_seed {
                0
            } else {
                TARGET_PEERS.saturating_sub(stats.peers as usize + self.conns.count_for(id)).min(room)
            };
            self.trackers.set_progress(entry.info_hash, stats.uploaded, stats.downloaded, swarm.bytes_missing());
            self.trackers.set_wanted_offers(entry.info_hash, wanted);
            self.trackers.set_hungry(entry.info_hash, !entry.paused && !complete && stats.peers == 0);
        }
    }

    fn torrent_of(&self, info_hash: &InfoHash) -> Option<TorrentId> {
        self.torrents.iter().find(|(_, e)| e.info_hash == *info_hash).map(|(id, _)| *id)
    }

    fn map_tracker_output(&mut self, out: TrackerOutput, now: Instant) {
        match out {
            TrackerOutput::Connect { url } => self.out.push_back(ClientOutput::TrackerConnect { url }),
            TrackerOutput::Close { url } => self.out.push_back(ClientOutput::TrackerClose { url }),
            TrackerOutput::Send { url, text } => self.out.push_back(ClientOutput::TrackerSend { url, text }),
            TrackerOutput::CreateOffers { info_hash, offer_ids } => {
                let torrent = self.torrent_of(&info_hash);
                for offer in offer_ids {
                    match torrent {
                        Some(torrent) => {
                            let conn = self.conns.insert(torrent, Side::Ours { offer, answered: None }, now);
                            self.out.push_back(ClientOutput::CreateOffer { conn, torrent });
                        }
                        None => self.trackers.forget_offer(offer),
                    }
                }
            }
            TrackerOutput::Answer { offer_id, peer_id, sdp } => {
                let Some(conn) = self.conns.by_offer(&offer_id) else { return };
                let Some(torrent) = self.conns.get(conn).map(|c| c.torrent) else { return };
                if !self.keep_our_offer(torrent, &peer_id) {
                    self.drop_conn(conn);
                    return;
                }
                if let Some(c) = self.conns.get_mut(conn) {
                    if let Side::Ours { answered: answered @ None, .. } = &mut c.side {
                        *answered = Some(peer_id);
                        c.deadline = now + CONNECT_TIMEOUT;
                        self.out.push_back(ClientOutput::ApplyAnswer { conn, sdp });
                    }
                }
            }
            TrackerOutput::DropOffer { offer_id } => {
                let Some(conn) = self.conns.by_offer(&offer_id) else { return };
                let answered =
                    self.conns.get(conn).is_some_and(|c| matches!(c.side, Side::Ours { answered: Some(_), .. }));
                if !answered {
                    self.drop_conn(conn);
                }
            }
            TrackerOutput::IncomingOffer { url, info_hash, peer_id, offer_id, sdp } => {
                let Some(torrent) = self.torrent_of(&info_hash) else { return };
                if !self.wants_peer(torrent, &peer_id) {
                    return;
                }
                let conn = self.conns.insert(torrent, Side::Theirs { url, peer_id, offer: offer_id }, now);
                self.out.push_back(ClientOutput::AcceptOffer { conn, torrent, sdp });
            }
        }
    }

    /// Two peers that offered to each other at once would open two connections, and each
    /// side's duplicate check could close a different one. Both sides apply one rule: the
    /// connection offered by the lower peer id is kept. Returns whether our offer, answered
    /// by `peer`, goes ahead (its rival, our answer to `peer`, is dropped then).
    fn keep_our_offer(&mut self, torrent: TorrentId, peer: &PeerId) -> bool {
        if self.connected_to(torrent, peer) {
            return false;
        }
        let Some(rival) = self.conns.answering(torrent, peer) else { return true };
        if self.peer_id.0 < peer.0 {
            self.drop_conn(rival);
            true
        } else {
            false
        }
    }

    fn connected_to(&self, torrent: TorrentId, peer: &PeerId) -> bool {
        self.engine.swarm(torrent).is_some_and(|s| s.has_peer_id(peer))
    }

    /// Whether to answer `peer_id`'s offer: the torrent runs, wants peers, the budget has
    /// room, and that peer is neither connected nor being answered nor answering us.
    fn wants_peer(&self, torrent: TorrentId, peer_id: &PeerId) -> bool {
        let Some(entry) = self.torrents.get(&torrent) else { return false };
        let Some(swarm) = self.engine.swarm(torrent) else { return false };
        if entry.paused || swarm.is_banned(peer_id) {
            return false;
        }
        let total = self.engine.peer_count() + self.conns.len();
        let mine = swarm.stats().peers as usize + self.conns.count_for(torrent);
        let busy = self.connected_to(torrent, peer_id)
            || self.conns.answering(torrent, peer_id).is_some()
            || self.conns.answered_by(torrent, peer_id);
        total < self.engine.max_connections() && mine < TARGET_PEERS && !busy
    }

    /// Per-tracker state of a torrent.
    pub fn tracker_status(&self, id: TorrentId) -> Result<Vec<TrackerStatus>, ClientError> {
        let entry = self.entry(id)?;
        let mut list = self.trackers.status(entry.info_hash);
        // Trackers of a paused torrent are listed as not connected.
        for url in entry.tracker_urls() {
            let Some(url) = crate::tracker::normalize_tracker_url(&url, false) else { continue };
            if !list.iter().any(|s| s.url == url) {
                list.push(TrackerStatus { url, connected: false, counts: None, last_error: None });
            }
        }
        Ok(list)
    }

    /// The engine, to read state the views do not cover.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }
}
