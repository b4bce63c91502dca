//! Rates on the caller's clock: token buckets for upload/download limits (global and per
//! torrent) and sliding-window meters for the speeds the UI shows.

use crate::time::{Instant, Millis};
use std::cell::RefCell;
use std::collections::VecDeque;
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

    /// Adds what accrued since the last refill. Time only moves forward: torrents sharing
    /// a bucket each pass their own clock, and an older one must not rewind it (the next
    /// refill would hand out the same time again).
    pub fn refill(&mut self, now: Instant) {
        let last = match self.last {
            Some(last) if now <= last => return,
            Some(last) => last,
            None => now,
        };
        self.last = Some(now);
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
    /// Gates the bucket held back (down, up), first come first: each with when it last asked.
    waiting: [VecDeque<(u64, Instant)>; 2],
    /// The id the next gate gets.
    next_gate: u64,
}

/// How soon a gate held back only by others' turns asks again (they take theirs at once).
const TURN_RETRY: Millis = Millis(5);

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

    fn queue(&mut self, dir: Direction) -> &mut VecDeque<(u64, Instant)> {
        &mut self.waiting[dir as usize]
    }
}

/// A torrent's own limits and the global ones, consulted together. Torrents take the global
/// budget in turns: one the global bucket held back queues, and when tokens come back the
/// first in the queue takes one send and goes to the back, so the torrent whose peers
/// answer first cannot drain the budget before the others wake.
#[derive(Clone, Debug, Default)]
pub struct Gate {
    /// This torrent's limits.
    pub local: Limits,
    /// Every torrent's limits.
    pub global: SharedLimits,
    /// This gate in the global queues.
    id: u64,
}

impl Gate {
    /// A gate on the shared limits, with its own place in their queues.
    pub fn new(global: SharedLimits) -> Self {
        let id = {
            let mut g = global.borrow_mut();
            g.next_gate += 1;
            g.next_gate
        };
        Gate { local: Limits::default(), global, id }
    }

    /// Refills both at `now`.
    pub fn refill(&mut self, now: Instant) {
        for dir in [Direction::Down, Direction::Up] {
            self.local.bucket(dir).refill(now);
            self.global.borrow_mut().bucket(dir).refill(now);
        }
    }

    /// Whether both buckets allow a send in direction `dir`, and it is this torrent's turn
    /// at the global one. If not, this torrent keeps (or takes) its place in the queue,
    /// stamped `now` (the owner's clock, as given to the last refill).
    pub fn allows(&mut self, dir: Direction, now: Instant) -> bool {
        if !self.local.bucket(dir).allows() {
            return false;
        }
        let mut g = self.global.borrow_mut();
        let rate = g.bucket(dir).rate();
        if rate == 0 {
            return true;
        }
        // A queued torrent asks again by the time tokens come back; one that did not for a
        // while (paused, removed, nothing left to ask) loses its place.
        let stale = Millis((2 * MIN_BURST * 1000 / rate).max(1000));
        let id = self.id;
        let open = g.bucket(dir).allows();
        let queue = g.queue(dir);
        queue.retain(|&(k, seen)| k == id || now - seen <= stale);
        let turn = queue.front().is_none_or(|&(k, _)| k == id);
        if open && turn {
            // Its turn is used now, asked or not: a torrent that then has nothing to ask
            // must not hold up the others.
            queue.retain(|&(k, _)| k != id);
            return true;
        }
        match queue.iter_mut().find(|(k, _)| *k == id) {
            Some(entry) => entry.1 = now,
            None => queue.push_back((id, now)),
        }
        false
    }

    /// Charges both.
    pub fn take(&mut self, dir: Direction, bytes: u64) {
        self.local.bucket(dir).take(bytes);
        self.global.borrow_mut().bucket(dir).take(bytes);
    }

    /// Leaves the global queues (paused: it will not ask for a while).
    pub fn leave(&mut self) {
        let id = self.id;
        let mut g = self.global.borrow_mut();
        for dir in [Direction::Down, Direction::Up] {
            g.queue(dir).retain(|&(k, _)| k != id);
        }
    }

    /// When both allow `dir` again (or, if others are ahead in the queue, when to look).
    pub fn ready_at(&mut self, dir: Direction, now: Instant) -> Option<Instant> {
        let a = self.local.bucket(dir).ready_at(now);
        let mut g = self.global.borrow_mut();
        let b = g.bucket(dir).ready_at(now);
        let id = self.id;
        let behind = g.queue(dir).front().is_some_and(|&(k, _)| k != id);
        let c = (b.is_none() && behind).then_some(now + TURN_RETRY);
        a.max(b).max(c)
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
