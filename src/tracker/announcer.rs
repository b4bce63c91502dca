//! When to announce one torrent to one WebSocket tracker (PROTOCOL.md §1.7): as soon as the
//! socket is up, every 30 s until the first response, then at the tracker's interval (at
//! most 120 s, since aquatic forgets peers after 180 s); `completed` and `stopped` at once.
//! The socket itself (shared by every torrent on that tracker) is [`super::TrackerLink`].

use super::message::AnnounceEvent;
use crate::time::{Instant, Millis};

/// Re-announce period until the tracker has answered once.
pub const UNANSWERED_INTERVAL: Millis = Millis::secs(30);
/// Longest interval we honour: aquatic evicts silent peers after 180 s.
pub const MAX_INTERVAL: Millis = Millis::secs(120);
/// Shortest interval we accept from a tracker, so a broken one cannot make us flood it.
pub const MIN_INTERVAL: Millis = Millis::secs(10);
/// Re-announce period of a torrent that wants peers and has none (never below the tracker's
/// `min interval`). Two peers announcing at the same moment can each be told the swarm is
/// empty; without this the first fresh offers would wait a whole interval (up to 120 s).
pub const HUNGRY_INTERVAL: Millis = Millis::secs(15);

/// Announce scheduling for one (tracker, torrent).
#[derive(Clone, Debug)]
pub struct Announcer {
    next_announce: Option<Instant>,
    interval: Millis,
    min_interval: Millis,
    answered: bool,
    awaiting_reply: bool,
    started_sent: bool,
    pending: Option<AnnounceEvent>,
    stopped: bool,
    hungry: bool,
    /// The torrent wants peers again: announce as soon as the spacing allows.
    boost: bool,
    /// `completed` went out (once per session, as libtorrent sends it).
    completed_sent: bool,
    last_sent: Option<Instant>,
    /// `tracker id` to echo in later announces.
    pub tracker_id: Option<String>,
    /// Seeders and leechers the tracker last reported.
    pub counts: Option<(u64, u64)>,
    /// The last failure or warning, for the UI.
    pub last_error: Option<String>,
}

impl Default for Announcer {
    fn default() -> Self {
        Self::new()
    }
}

impl Announcer {
    /// A torrent not yet announced; it announces once its tracker's socket is up.
    pub fn new() -> Self {
        Announcer {
            next_announce: None,
            interval: MAX_INTERVAL,
            min_interval: Millis(0),
            answered: false,
            awaiting_reply: false,
            started_sent: false,
            pending: None,
            stopped: false,
            hungry: false,
            boost: false,
            completed_sent: false,
            last_sent: None,
            tracker_id: None,
            counts: None,
            last_error: None,
        }
    }

    /// The socket opened: announce now (`started` the first time in this session; after a
    /// reconnect no event, since trackers treat an unknown peer as started).
    pub fn handle_connected(&mut self, now: Instant) {
        if !self.stopped || self.pending == Some(AnnounceEvent::Stopped) {
            self.next_announce = Some(now);
        }
    }

    /// Time between periodic announces once the tracker has answered.
    fn period(&self) -> Millis {
        let interval = if self.hungry { HUNGRY_INTERVAL.min(self.interval) } else { self.interval };
        interval.max(self.min_interval)
    }

    /// Whether the torrent wants peers and has none: announces come every
    /// [`HUNGRY_INTERVAL`] instead of the tracker's interval while it lasts.
    pub fn set_hungry(&mut self, hungry: bool) {
        if self.hungry == hungry {
            return;
        }
        self.hungry = hungry;
        if !hungry || !self.answered || self.awaiting_reply || self.pending.is_some() || self.stopped {
            return;
        }
        if let (Some(next), Some(sent)) = (self.next_announce, self.last_sent) {
            self.next_announce = Some(next.min(sent + self.period()));
        }
    }

    /// The torrent wants peers again (a file was un-skipped after it was done): announce,
    /// with fresh offers, now or once [`MIN_INTERVAL`] (or the tracker's `min interval`) has
    /// passed since the last announce, so toggling priorities cannot flood the tracker.
    pub fn announce_soon(&mut self) {
        if self.stopped {
            return;
        }
        self.boost = true;
        self.apply_boost();
    }

    fn apply_boost(&mut self) {
        // An announce in flight: its reply reschedules, and the boost is applied then.
        if !self.boost || self.awaiting_reply || self.pending.is_some() {
            return;
        }
        if let (Some(next), Some(sent)) = (self.next_announce, self.last_sent) {
            self.next_announce = Some(next.min(sent + self.min_interval.max(MIN_INTERVAL)));
        }
    }

    /// The socket closed: nothing to send until it is back. A pending `stopped` is dropped
    /// (the tracker removes a closed socket's peer from every swarm anyway).
    pub fn handle_disconnected(&mut self) {
        self.next_announce = None;
        self.awaiting_reply = false;
        // Reconnecting announces at once anyway.
        self.boost = false;
        if self.pending == Some(AnnounceEvent::Stopped) {
            self.pending = None;
        }
    }

    /// An announce response for this torrent. It resets the schedule only if it answers an
    /// announce of ours: aquatic also sends one to a peer that relayed an answer (§1.5).
    pub fn handle_response(
        &mut self,
        now: Instant,
        interval_s: Option<u64>,
        min_interval_s: Option<u64>,
        counts: (Option<u64>, Option<u64>),
    ) {
        if let Some(s) = interval_s.filter(|&s| s > 0) {
            self.interval = Millis(s.saturating_mul(1000)).clamp(MIN_INTERVAL, MAX_INTERVAL);
        }
        if let Some(s) = min_interval_s {
            self.min_interval = Millis(s.saturating_mul(1000)).min(MAX_INTERVAL);
        }
        if let (Some(c), Some(i)) = counts {
            self.counts = Some((c, i));
        }
        if !self.awaiting_reply {
            return;
        }
        self.awaiting_reply = false;
        self.answered = true;
        if self.pending.is_none() && !self.stopped {
            self.next_announce = Some(now + self.period());
            self.apply_boost();
        }
    }

    /// The tracker refused an announce (`failure reason`): retry at the interval.
    /// A failure that answers no announce of ours (aquatic refusing a relayed answer whose
    /// offer expired) is only recorded.
    pub fn handle_failure(&mut self, now: Instant, reason: String) {
        self.last_error = Some(reason);
        if !std::mem::take(&mut self.awaiting_reply) {
            return;
        }
        if !self.stopped && self.next_announce.is_some() {
            self.next_announce = Some(now + self.interval.max(UNANSWERED_INTERVAL));
        }
    }

    /// The download finished: tell the tracker now (once per session).
    pub fn completed(&mut self, now: Instant) {
        if self.stopped || self.completed_sent {
            return;
        }
        self.pending = Some(AnnounceEvent::Completed);
        if self.next_announce.is_some() {
            self.next_announce = Some(now);
        }
    }

    /// Leaving: one `stopped` if the socket is up, then nothing more.
    pub fn stop(&mut self, now: Instant) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        // A tracker that never heard `started` from us does not need `stopped` either.
        if self.started_sent && self.next_announce.is_some() {
            self.pending = Some(AnnounceEvent::Stopped);
            self.next_announce = Some(now);
        } else {
            self.pending = None;
            self.next_announce = None;
        }
    }

    /// Whether [`Announcer::stop`] was called and nothing is left to send.
    pub fn is_finished(&self) -> bool {
        self.stopped && self.next_announce.is_none()
    }

    /// When [`Announcer::poll_announce`] next has something to do.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.next_announce
    }

    /// An announce due at `now`: `Some(event)` (`None` event: a periodic announce). The next
    /// one is scheduled as if it went out now.
    pub fn poll_announce(&mut self, now: Instant) -> Option<Option<AnnounceEvent>> {
        self.next_announce.filter(|&t| t <= now)?;
        let event = self.pending.take().or_else(|| (!self.started_sent).then_some(AnnounceEvent::Started));
        if event == Some(AnnounceEvent::Started) {
            self.started_sent = true;
        }
        self.completed_sent |= event == Some(AnnounceEvent::Completed);
        // `completed` and `stopped` carry no offers: a boost waits for the next one.
        if !matches!(event, Some(AnnounceEvent::Completed | AnnounceEvent::Stopped)) {
            self.boost = false;
        }
        self.awaiting_reply = event != Some(AnnounceEvent::Stopped);
        self.last_sent = Some(now);
        self.next_announce = if self.stopped {
            None
        } else {
            Some(now + if self.answered { self.period() } else { UNANSWERED_INTERVAL })
        };
        Some(event)
    }
}
