//! Which piece to fetch next: priority first (streaming window, file priorities), then
//! rarest-first over the peers' availability, with ties broken by the caller-seeded
//! [`Rng`] rather than by index order, so every leecher in a swarm starts somewhere else
//! (BEP 3 leaves the strategy open; rarest-first keeps rare pieces alive).

use crate::piece::Bitfield;
use crate::rng::Rng;

/// A piece's download priority. `Skip` pieces are never requested (a skipped file).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Priority {
    /// Not wanted.
    Skip,
    /// Wanted, after everything else.
    Low,
    /// Wanted, after everything with a higher priority.
    #[default]
    Normal,
    /// A file the user marked high.
    High,
    /// Inside a streaming window: wanted before anything else.
    Critical,
}

/// Availability counts and priorities for one torrent's pieces.
#[derive(Clone, Debug)]
pub struct Picker {
    /// How many connected peers have each piece (BEP 3 `have`/`bitfield`).
    availability: Vec<u32>,
    /// The priority the user gave each piece (files, skips).
    base: Vec<Priority>,
    /// Pieces raised by the streaming window, in the order they should arrive.
    window: Vec<u32>,
}

impl Picker {
    /// A picker for `pieces` pieces, all `Normal`, no peers.
    pub fn new(pieces: u32) -> Self {
        let n = pieces as usize;
        Picker { availability: vec![0; n], base: vec![Priority::Normal; n], window: Vec::new() }
    }

    /// Number of pieces.
    pub fn len(&self) -> u32 {
        self.availability.len() as u32
    }

    /// Whether the torrent has no pieces (never true for a parsed torrent).
    pub fn is_empty(&self) -> bool {
        self.availability.is_empty()
    }

    /// A peer announced it has `piece`.
    pub fn add_have(&mut self, piece: u32) {
        if let Some(a) = self.availability.get_mut(piece as usize) {
            *a = a.saturating_add(1);
        }
    }

    /// A peer with these pieces arrived.
    pub fn add_bitfield(&mut self, have: &Bitfield) {
        for p in have.iter_set() {
            self.add_have(p);
        }
    }

    /// A peer with these pieces left (or lost one, lt_donthave).
    pub fn remove_bitfield(&mut self, have: &Bitfield) {
        for p in have.iter_set() {
            self.remove_have(p);
        }
    }

    /// A peer no longer has `piece`.
    pub fn remove_have(&mut self, piece: u32) {
        if let Some(a) = self.availability.get_mut(piece as usize) {
            *a = a.saturating_sub(1);
        }
    }

    /// How many peers have `piece`.
    pub fn availability(&self, piece: u32) -> u32 {
        self.availability.get(piece as usize).copied().unwrap_or(0)
    }

    /// Sets the priority of pieces `range` (a file's pieces). A piece shared by two files
    /// keeps the higher of the two, so skipping one file never starves its neighbour.
    pub fn set_priority(&mut self, range: core::ops::Range<u32>, priority: Priority, shared: &[u32]) {
        for p in range {
            if let Some(slot) = self.base.get_mut(p as usize) {
                *slot = if shared.contains(&p) { (*slot).max(priority) } else { priority };
            }
        }
    }

    /// The priority of one piece (window included).
    pub fn priority(&self, piece: u32) -> Priority {
        if self.window.contains(&piece) {
            return Priority::Critical;
        }
        self.base.get(piece as usize).copied().unwrap_or(Priority::Skip)
    }

    /// Streaming: these pieces first, in this order (a byte window from a read offset).
    pub fn set_window(&mut self, pieces: Vec<u32>) {
        self.window = pieces;
    }

    /// The streaming window, in order.
    pub fn window(&self) -> &[u32] {
        &self.window
    }

    /// Whether any piece we lack is wanted.
    pub fn wants_any(&self, have: &Bitfield) -> bool {
        have.iter_missing().any(|p| self.priority(p) > Priority::Skip)
    }

    /// The next piece to start from a peer holding `theirs`: not in `have`, not excluded
    /// (already in progress), wanted. The streaming window is walked in order; otherwise
    /// the highest priority, then the lowest availability, ties broken at random.
    pub fn pick(
        &self,
        have: &Bitfield,
        theirs: &dyn Fn(u32) -> bool,
        excluded: &dyn Fn(u32) -> bool,
        rng: &mut Rng,
    ) -> Option<u32> {
        let usable = |p: u32| !have.has(p) && theirs(p) && !excluded(p);
        if let Some(&p) = self.window.iter().find(|&&p| usable(p)) {
            return Some(p);
        }
        let mut best: Option<(Priority, u32)> = None;
        let mut ties = 0u64;
        let mut chosen = None;
        for p in 0..self.len() {
            let prio = self.base[p as usize];
            if prio == Priority::Skip || !usable(p) {
                continue;
            }
            // Higher priority wins, then rarer (lower availability).
            let key = (prio, u32::MAX - self.availability[p as usize]);
            match best {
                Some(b) if key < b => continue,
                Some(b) if key == b => {
                    // Reservoir sampling: each tie is kept with probability 1/ties.
                    ties += 1;
                    if rng.below(ties) == 0 {
                        chosen = Some(p);
                    }
                }
                _ => {
                    best = Some(key);
                    ties = 1;
                    chosen = Some(p);
                }
            }
        }
        chosen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rarest_piece_wins_and_ties_spread() {
        let mut picker = Picker::new(4);
        for p in [0, 0, 1, 2, 2, 3, 3] {
            picker.add_have(p);
        }
        let have = Bitfield::new(4);
        let mut rng = Rng::new(1);
        assert_eq!(picker.pick(&have, &|_| true, &|_| false, &mut rng), Some(1));
        // Without piece 1 the three others tie at 2: different seeds pick differently.
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..32 {
            let mut rng = Rng::new(seed);
            seen.insert(picker.pick(&have, &|p| p != 1, &|_| false, &mut rng).unwrap());
        }
        assert_eq!(seen.into_iter().collect::<Vec<_>>(), vec![0, 2, 3]);
    }

    #[test]
    fn window_then_priority_then_skip() {
        let mut picker = Picker::new(6);
        picker.set_priority(0..2, Priority::Skip, &[]);
        picker.set_priority(4..5, Priority::High, &[]);
        let have = Bitfield::new(6);
        let mut rng = Rng::new(7);
        assert_eq!(picker.pick(&have, &|_| true, &|_| false, &mut rng), Some(4));
        picker.set_window(vec![3, 2]);
        assert_eq!(picker.pick(&have, &|_| true, &|_| false, &mut rng), Some(3));
        assert_eq!(picker.pick(&have, &|_| true, &|p| p == 3, &mut rng), Some(2));
        assert_eq!(picker.pick(&have, &|p| p < 2, &|_| false, &mut rng), None);
    }
}
