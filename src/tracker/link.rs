//! One WebSocket to one tracker URL, shared by every torrent announced there (WebTorrent
//! opens one socket per URL; PROTOCOL.md §1.1), and its reconnect backoff (§1.7).

use crate::rng::Rng;
use crate::time::{Instant, Millis};

/// First reconnect delay; doubles per failure up to [`MAX_BACKOFF`]. WebTorrent starts at 10 s
/// plus 0–5 min of jitter; a page wants its only peer source back sooner.
pub const FIRST_BACKOFF: Millis = Millis::secs(2);
/// Longest reconnect delay. WebTorrent waits up to an hour; a page that may be a kiosk wants
/// its tracker back within minutes of a restart.
pub const MAX_BACKOFF: Millis = Millis::secs(300);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Waiting to (re)connect at this time.
    Down(Instant),
    /// Asked the caller to connect; waiting for open or close.
    Connecting,
    /// Open.
    Up,
}

/// Connection state and backoff of one tracker socket.
#[derive(Clone, Debug)]
pub struct TrackerLink {
    state: State,
    failures: u32,
}

impl TrackerLink {
    /// A socket to open as soon as polled.
    pub fn new(now: Instant) -> Self {
        TrackerLink { state: State::Down(now), failures: 0 }
    }

    /// Whether the socket is open.
    pub fn is_up(&self) -> bool {
        self.state == State::Up
    }

    /// Consecutive failures since the last success.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// When the next connect is due, while down.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.state {
            State::Down(at) => Some(at),
            _ => None,
        }
    }

    /// Whether to open the socket now (then waits for [`TrackerLink::handle_open`] or
    /// [`TrackerLink::handle_close`]).
    pub fn poll_connect(&mut self, now: Instant) -> bool {
        match self.state {
            State::Down(at) if at <= now => {
                self.state = State::Connecting;
                true
            }
            _ => false,
        }
    }

    /// The socket opened.
    pub fn handle_open(&mut self) {
        self.state = State::Up;
    }

    /// A tracker reply proved the link works: the backoff starts over.
    pub fn handle_success(&mut self) {
        self.failures = 0;
    }

    /// The socket closed or failed to open: reconnect after a jittered, growing delay.
    pub fn handle_close(&mut self, now: Instant, rng: &mut Rng) {
        let base = FIRST_BACKOFF.0.saturating_mul(1 << self.failures.min(16)).min(MAX_BACKOFF.0);
        let jitter = rng.below(base / 2 + 1);
        self.failures = self.failures.saturating_add(1);
        self.state = State::Down(now + Millis(base + jitter));
    }
}
