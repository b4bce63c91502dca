//! When to announce to one WebSocket tracker for one torrent (PROTOCOL.md §1.7): right after
//! connecting, every 30 s until the first response, then at the tracker's interval (at most
//! 120 s, since aquatic forgets peers after 180 s); on `completed` and `stopped` at once; and
//! after the socket closes, reconnect with jittered exponential backoff.

use super::message::AnnounceEvent;
use crate::rng::Rng;
use crate::time::{Instant, Millis};

/// Re-announce period until the tracker has answered once.
pub const UNANSWERED_INTERVAL: Millis = Millis::secs(30);
/// Longest interval we honour: aquatic evicts silent peers after 180 s.
pub const MAX_INTERVAL: Millis = Millis::secs(120);
/// First reconnect delay; doubles per failure up to [`MAX_BACKOFF`].
pub const FIRST_BACKOFF: Millis = Millis::secs(2);
/// Longest reconnect delay. WebTorrent waits up to an hour plus 0–5 min of jitter; a page that
/// may be a kiosk wants its tracker back within minutes of a restart.
pub const MAX_BACKOFF: Millis = Millis::secs(300);

/// What the tracker's socket should do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnnounceAction {
    /// Open the WebSocket.
    Connect,
    /// Send an announce with this event (`None`: periodic).
    Announce(Option<AnnounceEvent>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Link {
    /// Waiting to (re)connect at this time.
    Down(Instant),
    /// Asked the caller to connect; waiting for open or close.
    Connecting,
    /// Open.
    Up,
}

/// Announce scheduling for one (tracker, torrent).
#[derive(Clone, Debug)]
pub struct Announcer {
    link: Link,
    next_announce: Option<Instant>,
    interval: Millis,
    min_interval: Millis,
    answered: bool,
    started_sent: bool,
    pending: Option<AnnounceEvent>,
    failures: u32,
    stopped: bool,
    /// `tracker id` to echo.
    pub tracker_id: Option<String>,
    /// Seeders and leechers the tracker last reported.
    pub counts: Option<(u64, u64)>,
    /// The last failure or warning, for the UI.
    pub last_error: Option<String>,
}

impl Announcer {
    /// A tracker to contact as soon as polled.
    pub fn new(now: Instant) -> Self {
        Announcer {
            link: Link::Down(now),
            next_announce: None,
            interval: MAX_INTERVAL,
            min_interval: Millis(0),
            answered: false,
            started_sent: false,
            pending: None,
            failures: 0,
            stopped: false,
            tracker_id: None,
            counts: None,
            last_error: None,
        }
    }

    /// Whether the socket is open.
    pub fn is_connected(&self) -> bool {
        self.link == Link::Up
    }

    /// The socket opened: announce now (`started` the first time).
    pub fn handle_connected(&mut self, now: Instant) {
        self.link = Link::Up;
        self.next_announce = Some(now);
    }

    /// The socket closed or failed: reconnect after a jittered, growing delay.
    pub fn handle_closed(&mut self, now: Instant, rng: &mut Rng) {
        let base = FIRST_BACKOFF.0.saturating_mul(1 << self.failures.min(16)).min(MAX_BACKOFF.0);
        let jitter = rng.below(base / 2 + 1);
        self.failures = self.failures.saturating_add(1);
        self.link = Link::Down(now + Millis(base + jitter));
        self.next_announce = None;
    }

    /// The tracker answered an announce.
    pub fn handle_response(
        &mut self,
        now: Instant,
        interval_s: Option<u64>,
        min_interval_s: Option<u64>,
        counts: (Option<u64>, Option<u64>),
        tracker_id: Option<String>,
        warning: Option<String>,
    ) {
        self.answered = true;
        self.failures = 0;
        if let Some(s) = interval_s.filter(|&s| s > 0) {
            self.interval = Millis(s.saturating_mul(1000)).min(MAX_INTERVAL);
        }
        if let Some(s) = min_interval_s {
            self.min_interval = Millis(s.saturating_mul(1000)).min(MAX_INTERVAL);
        }
        if tracker_id.is_some() {
            self.tracker_id = tracker_id;
        }
        if let (Some(c), Some(i)) = counts {
            self.counts = Some((c, i));
        }
        self.last_error = warning;
        if self.pending.is_none() {
            self.next_announce = Some(now + self.interval.max(self.min_interval));
        }
    }

    /// The tracker refused us (`failure reason`): keep the socket, retry at the interval.
    pub fn handle_failure(&mut self, now: Instant, reason: String) {
        self.last_error = Some(reason);
        self.next_announce = Some(now + self.interval);
    }

    /// The download finished: tell the tracker now.
    pub fn completed(&mut self, now: Instant) {
        self.pending = Some(AnnounceEvent::Completed);
        self.next_announce = Some(now);
    }

    /// Leaving: one `stopped` if connected, then nothing more.
    pub fn stop(&mut self, now: Instant) {
        self.stopped = true;
        self.pending = Some(AnnounceEvent::Stopped);
        self.next_announce = if self.link == Link::Up { Some(now) } else { None };
    }

    /// When [`Announcer::poll_action`] next has something to do.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.link {
            Link::Down(at) if !self.stopped => Some(at),
            Link::Up => self.next_announce,
            _ => None,
        }
    }

    /// The action due at `now`, if any.
    pub fn poll_action(&mut self, now: Instant) -> Option<AnnounceAction> {
        match self.link {
            Link::Down(at) if !self.stopped && at <= now => {
                self.link = Link::Connecting;
                Some(AnnounceAction::Connect)
            }
            Link::Up => {
                self.next_announce.filter(|&t| t <= now)?;
                let event = self.pending.take().or_else(|| (!self.started_sent).then_some(AnnounceEvent::Started));
                if event == Some(AnnounceEvent::Started) {
                    self.started_sent = true;
                }
                self.next_announce = if event == Some(AnnounceEvent::Stopped) {
                    None
                } else {
                    let period = if self.answered { self.interval } else { UNANSWERED_INTERVAL };
                    Some(now + period)
                };
                Some(AnnounceAction::Announce(event))
            }
            _ => None,
        }
    }
}
