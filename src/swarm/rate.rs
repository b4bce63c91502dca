//! Rates on the caller's clock: token buckets for upload/download limits (global and per
//! torrent) and sliding-window meters for the speeds the UI shows.

use crate::time::{Instant, Millis};
use std::cell::RefCell;
use std::rc::Rc;

/// Bytes a bucket may save up: a quarter second of its rate, at least one 16 KiB block,
/// so a limited transfer stays smooth without bursting far past the limit.
const MIN_BURST: u64 = 16 * 1024;

/// A token bucket in milli-bytes (so refills every millisecond lose nothing to rounding).
/// It may go into debt: a send is allowed while the balance is positive and then charged
/// in full, so a block larger than the balance never stalls the transfer forever.
#[derive(Clone, Debug, Default)]
pub struct TokenBucket {
    /// Bytes per second; 0 = unlimited.
    rate: u64,
    milli: i64,
    last: Option<Instant>,
}

impl TokenBucket {
    /// The limit in bytes per second (0 = unlimited).
    pub fn rate(&self) -> u64 {
        self.rate
    }

    /// Sets the limit; the balance starts full at the new burst size.
    pub fn set_rate(&mut self, rate: u64) {
        self.rate = rate;
        self.milli = self.capacity();
    }

    fn capacity(&self) -> i64 {
        let burst = (self.rate / 4).max(MIN_BURST);
        i64::try_from(burst.saturating_mul(1000)).unwrap_or(i64::MAX)
    }

    /// Adds what accrued since the last refill.
    pub fn refill(&mut self, now: Instant) {
        let last = self.last.replace(now).unwrap_or(now);
        if self.rate == 0 {
            return;
        }
        let gained = (now - last).0.saturating_mul(self.rate);
        let gained = i64::try_from(gained).unwrap_or(i64::MAX);
        self.milli = self.milli.saturating_add(gained).min(self.capacity());
    }

    /// Whether a send may go now.
    pub fn allows(&self) -> bool {
        self.rate == 0 || self.milli > 0
    }

    /// Charges `bytes` (the balance may go negative).
    pub fn take(&mut self, bytes: u64) {
        if self.rate > 0 {
            let cost = i64::try_from(bytes.saturating_mul(1000)).unwrap_or(i64::MAX);
            self.milli = self.milli.saturating_sub(cost);
        }
    }

    /// When the balance turns positive again, if it is not now.
    pub fn ready_at(&self, now: Instant) -> Option<Instant> {
        if self.allows() {
            return None;
        }
        let owed = u64::try_from(-self.milli).unwrap_or(0) + 1;
        Some(now + Millis(owed.div_ceil(self.rate)))
    }
}

/// Download and upload buckets.
#[derive(Clone, Debug, Default)]
pub struct Limits {
    /// Requests we send (charged when asked, so received bytes follow the limit).
    pub down: TokenBucket,
    /// Blocks we serve.
    pub up: TokenBucket,
}

/// The global limits, shared by every torrent of an engine (one thread; the engine and its
/// swarms are never used concurrently).
pub type SharedLimits = Rc<RefCell<Limits>>;

/// Which way bytes go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// To us.
    Down,
    /// From us.
    Up,
}

impl Limits {
    fn bucket(&mut self, dir: Direction) -> &mut TokenBucket {
        match dir {
            Direction::Down => &mut self.down,
            Direction::Up => &mut self.up,
        }
    }
}

/// A torrent's own limits and the global ones, consulted together.
#[derive(Clone, Debug, Default)]
pub struct Gate {
    /// This torrent's limits.
    pub local: Limits,
    /// Every torrent's limits.
    pub global: SharedLimits,
}

impl Gate {
    /// Refills both at `now`.
    pub fn refill(&mut self, now: Instant) {
        for dir in [Direction::Down, Direction::Up] {
            self.local.bucket(dir).refill(now);
            self.global.borrow_mut().bucket(dir).refill(now);
        }
    }

    /// Whether both buckets allow a send in direction `dir`.
    pub fn allows(&mut self, dir: Direction) -> bool {
        self.local.bucket(dir).allows() && self.global.borrow_mut().bucket(dir).allows()
    }

    /// Charges both.
    pub fn take(&mut self, dir: Direction, bytes: u64) {
        self.local.bucket(dir).take(bytes);
        self.global.borrow_mut().bucket(dir).take(bytes);
    }

    /// When both allow `dir` again.
    pub fn ready_at(&mut self, dir: Direction, now: Instant) -> Option<Instant> {
        let a = self.local.bucket(dir).ready_at(now);
        let b = self.global.borrow_mut().bucket(dir).ready_at(now);
        a.max(b)
    }
}

/// Seconds in a speed window.
const WINDOW_SECS: u64 = 5;

/// Bytes per second over the last few seconds, from bytes counted per second of the
/// caller's clock.
#[derive(Clone, Debug, Default)]
pub struct Meter {
    slots: [u64; WINDOW_SECS as usize],
    /// The second of the clock the newest slot counts.
    head: u64,
    started: Option<Instant>,
}

impl Meter {
    fn advance(&mut self, sec: u64) {
        if sec <= self.head {
            return;
        }
        let gap = (sec - self.head).min(WINDOW_SECS);
        for s in 1..=gap {
            self.slots[((self.head + s) % WINDOW_SECS) as usize] = 0;
        }
        self.head = sec;
    }

    /// Counts `bytes` at `now`.
    pub fn add(&mut self, now: Instant, bytes: u64) {
        if self.started.is_none() {
            self.started = Some(now);
            self.head = now.0 / 1000;
        }
        self.advance(now.0 / 1000);
        let sec = (now.0 / 1000).max(self.head.saturating_sub(WINDOW_SECS - 1));
        self.slots[(sec % WINDOW_SECS) as usize] += bytes;
    }

    /// Bytes per second over the window ending at `now`.
    pub fn rate(&self, now: Instant) -> u64 {
        let Some(started) = self.started else { return 0 };
        let sec = now.0 / 1000;
        let oldest = sec.saturating_sub(WINDOW_SECS - 1);
        let sum: u64 = (oldest..=sec)
            .filter(|s| *s <= self.head && *s + WINDOW_SECS > self.head)
            .map(|s| self.slots[(s % WINDOW_SECS) as usize])
            .sum();
        let span = (now.0 - oldest * 1000).min((now - started).0).max(1000);
        sum.saturating_mul(1000) / span
    }
}
