//! Every WebSocket tracker of every torrent, behind one sans-IO object (ARCHITECTURE.md,
//! "The boundary"): the core opens sockets, builds announces, owns offer ids, decides how
//! many WebRTC offers to make, and routes relayed offers and answers. JS only moves text
//! and creates or answers RTCPeerConnections when asked.
//!
//! ```
//! use peerpage::metainfo::InfoHash;
//! use peerpage::time::Instant;
//! use peerpage::tracker::{TrackerOutput, Trackers};
//! use peerpage::wire::PeerId;
//! let mut t = Trackers::new(PeerId(*b"-PP0100-abcdefghijkl"), 7, false);
//! let now = Instant(0);
//! t.add_torrent(InfoHash([1; 20]), &["wss://tracker.example/".to_string()], None, now);
//! t.set_wanted_offers(InfoHash([1; 20]), 2);
//! t.handle_timeout(now);
//! assert_eq!(t.poll_output(), Some(TrackerOutput::Connect { url: "wss://tracker.example".into() }));
//! t.handle_open("wss://tracker.example", now);
//! t.handle_timeout(now);
//! let Some(TrackerOutput::CreateOffers { offer_ids, .. }) = t.poll_output() else { panic!() };
//! for id in offer_ids {
//!     t.handle_offer_sdp(id, "v=0 ...".into(), now); // JS: createOffer, wait for ICE, return SDP
//! }
//! let Some(TrackerOutput::Send { text, .. }) = t.poll_output() else { panic!() };
//! assert!(text.contains("\"event\":\"started\"") && text.contains("\"offers\""));
//! ```

use crate::vecmap::VecMap;
use std::collections::VecDeque;

use super::announcer::Announcer;
use super::error::TrackerError;
use super::link::TrackerLink;
use super::message::{answer_json, AnnounceEvent, OfferId, TrackerMessage};
use super::output::{TrackerOutput, TrackerStatus};
use crate::metainfo::InfoHash;
use crate::rng::Rng;
use crate::time::{Instant, Millis};
use crate::wire::PeerId;

/// Offers per announce: WebTorrent sends 5, and aquatic relays at most 10 (PROTOCOL.md §1.3,
/// §1.5). Five SDPs also keep the announce under aquatic's 16 KiB frame cap.
pub const MAX_OFFERS_PER_ANNOUNCE: usize = 5;
/// Offers waiting for SDP or an answer, over all torrents: Chromium refuses more than about
/// 500 RTCPeerConnections, and each offer is one (PROTOCOL.md §2).
pub const MAX_PENDING_OFFERS: usize = 50;
/// How long JS has to produce offer SDPs (ICE gathering; simple-peer gives up waiting 5 s
/// after the first candidate). Offers not ready by then are dropped from this announce.
pub const OFFER_GATHER_TIMEOUT: Millis = Millis::secs(10);
/// An offer sent but unanswered this long is destroyed, as WebTorrent does (§1.5).
pub const OFFER_ANSWER_TIMEOUT: Millis = Millis::secs(50);
/// aquatic's default frame limit; an announce above it is refused (§1.1).
pub const MAX_MESSAGE_LEN: usize = 16 * 1024;
/// After the last torrent leaves a tracker, the socket stays open this long for the reply to
/// `stopped` (WebTorrent waits up to 1 s; §1.7).
pub const CLOSE_LINGER: Millis = Millis::secs(1);

#[derive(Clone, Debug)]
pub(super) struct Swarm {
    pub(super) info_hash: InfoHash,
    pub(super) uploaded: u64,
    pub(super) downloaded: u64,
    pub(super) left: Option<u64>,
    pub(super) wanted_offers: usize,
}

/// An announce waiting for its offers' SDP.
#[derive(Clone, Debug)]
pub(super) struct Gathering {
    pub(super) event: Option<AnnounceEvent>,
    pub(super) offers: Vec<OfferId>,
    pub(super) deadline: Instant,
}

#[derive(Clone, Debug)]
pub(super) struct Entry {
    pub(super) info_hash: InfoHash,
    pub(super) announcer: Announcer,
    pub(super) gathering: Option<Gathering>,
}

#[derive(Clone, Debug)]
pub(super) struct Tracker {
    pub(super) url: String,
    pub(super) link: TrackerLink,
    pub(super) entries: Vec<Entry>,
    pub(super) close_at: Option<Instant>,
}

#[derive(Clone, Debug)]
pub(super) struct PendingOffer {
    pub(super) url: String,
    pub(super) info_hash: InfoHash,
    pub(super) sdp: Option<String>,
    /// When the announce carrying it went out.
    pub(super) sent_at: Option<Instant>,
}

/// All trackers of all torrents for one session (one peer id).
#[derive(Debug)]
pub struct Trackers {
    pub(super) peer_id: PeerId,
    pub(super) rng: Rng,
    pub(super) secure_page: bool,
    pub(super) swarms: Vec<Swarm>,
    pub(super) trackers: Vec<Tracker>,
    pub(super) offers: VecMap<OfferId, PendingOffer>,
    pub(super) out: VecDeque<TrackerOutput>,
}

/// A tracker URL as WebTorrent uses it: `ws://` or `wss://` only, no trailing `/`, and no
/// `ws://` from a page served over https (the browser would refuse it; §1.1).
pub fn normalize_tracker_url(url: &str, secure_page: bool) -> Option<String> {
    let url = url.trim();
    let lower = url.get(..6).unwrap_or("").to_ascii_lowercase();
    let secure = lower.starts_with("wss://");
    let allowed = if secure_page { secure } else { secure || lower.starts_with("ws://") };
    if !allowed {
        return None;
    }
    let trimmed = url.strip_suffix('/').unwrap_or(url);
    (trimmed.len() > "wss://".len()).then(|| trimmed.to_string())
}

impl Trackers {
    /// Trackers for a session announcing as `peer_id` (one id for every torrent and tracker:
    /// aquatic closes a socket that uses two; §1.3). `seed` drives offer ids and backoff
    /// jitter; `secure_page` drops `ws://` trackers.
    pub fn new(peer_id: PeerId, seed: u64, secure_page: bool) -> Self {
        Trackers {
            peer_id,
            rng: Rng::new(seed),
            secure_page,
            swarms: Vec::new(),
            trackers: Vec::new(),
            offers: VecMap::new(),
            out: VecDeque::new(),
        }
    }

    /// Starts announcing a torrent to `urls` (all at once, as WebTorrent does with BEP 12
    /// tiers; §5). `left` is `None` while unknown (a magnet before its metadata). Returns the
    /// normalised URLs kept.
    pub fn add_torrent(
        &mut self,
        info_hash: InfoHash,
        urls: &[String],
        left: Option<u64>,
        now: Instant,
    ) -> Vec<String> {
        if !self.swarms.iter().any(|s| s.info_hash == info_hash) {
            self.swarms.push(Swarm { info_hash, uploaded: 0, downloaded: 0, left, wanted_offers: 0 });
        }
        let mut kept = Vec::new();
        for url in urls.iter().filter_map(|u| normalize_tracker_url(u, self.secure_page)) {
            if kept.contains(&url) {
                continue;
            }
            let index = match self.trackers.iter().position(|t| t.url == url) {
                Some(i) => i,
                None => {
                    self.trackers.push(Tracker {
                        url: url.clone(),
                        link: TrackerLink::new(now),
                        entries: Vec::new(),
                        close_at: None,
                    });
                    self.trackers.len() - 1
                }
            };
            if let Some(tracker) = self.trackers.get_mut(index) {
                tracker.close_at = None;
                if !tracker.entries.iter().any(|e| e.info_hash == info_hash) {
                    let mut announcer = Announcer::new();
                    if tracker.link.is_up() {
                        announcer.handle_connected(now);
                    }
                    tracker.entries.push(Entry { info_hash, announcer, gathering: None });
                }
            }
            kept.push(url);
        }
        kept
    }

    /// Stops a torrent: `stopped` to every tracker whose socket is up, its offers dropped, and
    /// sockets no other torrent uses closed shortly after.
    pub fn remove_torrent(&mut self, info_hash: InfoHash, now: Instant) {
        for tracker in &mut self.trackers {
            for entry in tracker.entries.iter_mut().filter(|e| e.info_hash == info_hash) {
                entry.announcer.stop(now);
                entry.gathering = None;
            }
        }
        let dropped: Vec<OfferId> =
            self.offers.iter().filter(|(_, o)| o.info_hash == info_hash).map(|(id, _)| *id).collect();
        for offer_id in dropped {
            self.offers.remove(&offer_id);
            self.out.push_back(TrackerOutput::DropOffer { offer_id });
        }
        // `stopped` goes out now, with the session's final totals, before the swarm is gone.
        self.handle_timeout(now);
        self.swarms.retain(|s| s.info_hash != info_hash);
    }

    /// Transfer totals for announces (`left`: `None` while unknown).
    pub fn set_progress(&mut self, info_hash: InfoHash, uploaded: u64, downloaded: u64, left: Option<u64>) {
        if let Some(s) = self.swarms.iter_mut().find(|s| s.info_hash == info_hash) {
            (s.uploaded, s.downloaded, s.left) = (uploaded, downloaded, left);
        }
    }

    /// How many more peers the swarm wants: each announce carries up to this many offers
    /// (at most [`MAX_OFFERS_PER_ANNOUNCE`]), minus offers already out for the torrent.
    pub fn set_wanted_offers(&mut self, info_hash: InfoHash, wanted: usize) {
        if let Some(s) = self.swarms.iter_mut().find(|s| s.info_hash == info_hash) {
            s.wanted_offers = wanted;
        }
    }

    /// Whether a torrent wants peers and has none (see [`super::HUNGRY_INTERVAL`]).
    pub fn set_hungry(&mut self, info_hash: InfoHash, hungry: bool) {
        for tracker in &mut self.trackers {
            for entry in tracker.entries.iter_mut().filter(|e| e.info_hash == info_hash) {
                entry.announcer.set_hungry(hungry);
            }
        }
    }

    /// The torrent wants peers again (it was done and is not): announce to every tracker as
    /// soon as [`Announcer::announce_soon`] allows.
    pub fn announce_soon(&mut self, info_hash: InfoHash) {
        for tracker in &mut self.trackers {
            for entry in tracker.entries.iter_mut().filter(|e| e.info_hash == info_hash) {
                entry.announcer.announce_soon();
            }
        }
    }

    /// The download finished: `completed` to every tracker now.
    pub fn completed(&mut self, info_hash: InfoHash, now: Instant) {
        for tracker in &mut self.trackers {
            for entry in tracker.entries.iter_mut().filter(|e| e.info_hash == info_hash) {
                entry.announcer.completed(now);
            }
        }
    }

    /// The socket to `url` opened: every torrent announces.
    pub fn handle_open(&mut self, url: &str, now: Instant) {
        if let Some(tracker) = self.trackers.iter_mut().find(|t| t.url == url) {
            tracker.link.handle_open();
            for entry in &mut tracker.entries {
                entry.announcer.handle_connected(now);
            }
        }
    }

    /// The socket to `url` closed or failed: announces pause and it reconnects with backoff.
    /// Offers gathering for it are dropped; offers already sent may still be answered by
    /// nobody, so they are dropped too.
    pub fn handle_close(&mut self, url: &str, now: Instant) {
        let Some(tracker) = self.trackers.iter_mut().find(|t| t.url == url) else {
            return;
        };
        tracker.link.handle_close(now, &mut self.rng);
        for entry in &mut tracker.entries {
            entry.announcer.handle_disconnected();
            entry.gathering = None;
        }
        tracker.entries.retain(|e| !e.announcer.is_finished());
        let lost: Vec<OfferId> = self.offers.iter().filter(|(_, o)| o.url == url).map(|(id, _)| *id).collect();
        for offer_id in lost {
            self.offers.remove(&offer_id);
            self.out.push_back(TrackerOutput::DropOffer { offer_id });
        }
        self.trackers.retain(|t| !t.entries.is_empty());
    }

    /// JS produced the SDP for one of our offers. The announce waiting for it goes out once
    /// all its offers are ready (or at the gathering deadline).
    pub fn handle_offer_sdp(&mut self, offer_id: OfferId, sdp: String, now: Instant) {
        if let Some(offer) = self.offers.get_mut(&offer_id) {
            offer.sdp = Some(sdp);
        }
        self.handle_timeout(now);
    }

    /// JS could not create that offer (or its connection opened, or failed): forget it.
    pub fn forget_offer(&mut self, offer_id: OfferId) {
        self.offers.remove(&offer_id);
    }

    /// Relays our answer to a peer's offer back through the tracker it came from. `false` if
    /// that socket is no longer up (the offerer will time out).
    pub fn send_answer(
        &mut self,
        url: &str,
        info_hash: InfoHash,
        to_peer: PeerId,
        offer_id: OfferId,
        sdp: &str,
    ) -> bool {
        let up = self.trackers.iter().any(|t| t.url == url && t.link.is_up());
        if up {
            let text = answer_json(info_hash, self.peer_id, to_peer, offer_id, sdp);
            self.out.push_back(TrackerOutput::Send { url: url.to_string(), text });
        }
        up
    }

    /// A text frame from `url`. Unusable texts are returned as errors for the log; the socket
    /// stays up (WebTorrent reconnects instead, which only loses peers; §1.4).
    pub fn handle_text(&mut self, url: &str, text: &str, now: Instant) -> Result<(), TrackerError> {
        let message = TrackerMessage::parse(text)?;
        let peer_id = self.peer_id;
        let Some(tracker) = self.trackers.iter_mut().find(|t| t.url == url) else {
            return Ok(());
        };
        let ours = |entries: &[Entry], h: &InfoHash| entries.iter().any(|e| e.info_hash == *h);
        match message {
            TrackerMessage::AnnounceResponse {
                info_hash,
                complete,
                incomplete,
                interval,
                min_interval,
                warning,
                tracker_id,
            } => {
                tracker.link.handle_success();
                if let Some(entry) = tracker.entries.iter_mut().find(|e| e.info_hash == info_hash) {
                    let a = &mut entry.announcer;
                    a.handle_response(now, interval, min_interval, (complete, incomplete));
                    if tracker_id.is_some() {
                        a.tracker_id = tracker_id;
                    }
                    a.last_error = warning;
                }
            }
            TrackerMessage::Failure { info_hash, reason } => {
                // A bare failure (bittorrent-tracker could not parse us) concerns every torrent.
                for entry in tracker.entries.iter_mut().filter(|e| info_hash.is_none_or(|h| h == e.info_hash)) {
                    entry.announcer.handle_failure(now, reason.clone());
                }
            }
            TrackerMessage::Offer { info_hash, peer_id: from, offer_id, sdp } => {
                // WebTorrent ignores foreign swarms and its own offers coming back (§1.4).
                if from != peer_id && ours(&tracker.entries, &info_hash) {
                    self.out.push_back(TrackerOutput::IncomingOffer {
                        url: url.to_string(),
                        info_hash,
                        peer_id: from,
                        offer_id,
                        sdp,
                    });
                }
            }
            TrackerMessage::Answer { info_hash, peer_id: from, offer_id, sdp } => {
                let matches =
                    self.offers.get(&offer_id).is_some_and(|o| o.info_hash == info_hash && o.sent_at.is_some());
                if from != peer_id && matches {
                    self.offers.remove(&offer_id);
                    self.out.push_back(TrackerOutput::Answer { offer_id, peer_id: from, sdp });
                }
            }
            TrackerMessage::Scrape(_) => {}
        }
        Ok(())
    }

    /// The earliest time [`Trackers::handle_timeout`] has work.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let mut next: Option<Instant> = None;
        let mut consider = |t: Option<Instant>| {
            if let Some(t) = t {
                next = Some(next.map_or(t, |n| n.min(t)));
            }
        };
        for tracker in &self.trackers {
            consider(tracker.link.poll_timeout());
            consider(tracker.close_at);
            for entry in &tracker.entries {
                match &entry.gathering {
                    Some(g) => consider(Some(g.deadline)),
                    None => consider(entry.announcer.poll_timeout()),
                }
            }
        }
        for offer in self.offers.values() {
            consider(offer.sent_at.map(|at| at + OFFER_ANSWER_TIMEOUT));
        }
        next
    }

    /// Does whatever is due at `now`; results come out of [`Trackers::poll_output`].
    pub fn handle_timeout(&mut self, now: Instant) {
        self.expire_offers(now);
        for i in 0..self.trackers.len() {
            self.drive_tracker(i, now);
        }
        let mut closed = Vec::new();
        self.trackers.retain(|t| {
            let idle = t.entries.is_empty() && t.close_at.is_some_and(|at| at <= now);
            // Down has no socket; connecting or up has one to close.
            if idle && t.link.poll_timeout().is_none() {
                closed.push(t.url.clone());
            }
            !idle
        });
        self.out.extend(closed.into_iter().map(|url| TrackerOutput::Close { url }));
    }

    /// The next thing for the caller to do.
    pub fn poll_output(&mut self) -> Option<TrackerOutput> {
        self.out.pop_front()
    }

    /// Whether every tracker of a torrent reported its swarm has no leechers but us (false
    /// while none announces it or one has not answered yet). We count as a leecher there
    /// while our `left` is above 0: a peer that finished only the files it wanted.
    pub fn reports_no_leechers(&self, info_hash: InfoHash) -> bool {
        let us = u64::from(self.swarms.iter().any(|s| s.info_hash == info_hash && s.left.is_some_and(|l| l > 0)));
        let mut counts = self
            .trackers
            .iter()
            .filter_map(|t| t.entries.iter().find(|e| e.info_hash == info_hash))
            .map(|e| e.announcer.counts)
            .peekable();
        counts.peek().is_some() && counts.all(|c| c.is_some_and(|(_, leechers)| leechers <= us))
    }

    /// Per-tracker state of a torrent, for the UI.
    pub fn status(&self, info_hash: InfoHash) -> Vec<TrackerStatus> {
        let mut out = Vec::new();
        for tracker in &self.trackers {
            if let Some(entry) = tracker.entries.iter().find(|e| e.info_hash == info_hash) {
                out.push(TrackerStatus {
                    url: tracker.url.clone(),
                    connected: tracker.link.is_up(),
                    counts: entry.announcer.counts,
                    last_error: entry.announcer.last_error.clone(),
                });
            }
        }
        out
    }

    /// Offers out for a torrent (waiting for SDP or an answer).
    pub fn pending_offers(&self, info_hash: InfoHash) -> usize {
        self.offers.values().filter(|o| o.info_hash == info_hash).count()
    }
}
