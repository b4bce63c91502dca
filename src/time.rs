//! The core's only notion of time: milliseconds on a clock the caller reads and passes in
//! (`performance.now()` in the page, a virtual clock in simulations).

use core::ops::{Add, Sub};

/// A point in time, in milliseconds since an arbitrary origin chosen by the caller.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(pub u64);

/// A span of time in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Millis(pub u64);

impl Millis {
    /// `s` seconds.
    pub const fn secs(s: u64) -> Millis {
        Millis(s * 1000)
    }
}

impl Add<Millis> for Instant {
    type Output = Instant;
    fn add(self, d: Millis) -> Instant {
        Instant(self.0.saturating_add(d.0))
    }
}

impl Sub<Instant> for Instant {
    type Output = Millis;
    /// Time since `earlier`; zero if `earlier` is later (clocks given from outside may jitter).
    fn sub(self, earlier: Instant) -> Millis {
        Millis(self.0.saturating_sub(earlier.0))
    }
}
