//! Bytes verified and bytes wanted, kept as running totals. The client reads them on every
//! input and timer (tracker `left`, completion); a recount walks every piece, so each change
//! of `have` or of a piece's priority adjusts the totals instead.
//!
//! A piece counts as wanted while we have it or its priority (streaming window included) is
//! above `Skip`. Every piece holds at least one byte, so the torrent is complete exactly when
//! the two totals are equal.

use super::{Picker, Priority, Swarm};

/// Byte totals of one torrent's pieces (zero before the metadata).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Bytes of verified pieces.
    pub have: u64,
    /// Bytes of wanted pieces: verified ones and those not skipped.
    pub wanted: u64,
}

impl Swarm {
    /// What piece `p` adds to the totals.
    fn share(&self, p: u32) -> Progress {
        let Some(size) = self.meta.as_ref().and_then(|m| m.layout.piece(p).map(|i| u64::from(m.layout.piece_size(i))))
        else {
            return Progress::default();
        };
        let have = self.have.has(p);
        let wanted = have || self.picker.priority(p) > Priority::Skip;
        Progress { have: if have { size } else { 0 }, wanted: if wanted { size } else { 0 } }
    }

    fn add_share(&mut self, p: u32) {
        let s = self.share(p);
        self.progress.have += s.have;
        self.progress.wanted += s.wanted;
    }

    fn remove_share(&mut self, p: u32) {
        let s = self.share(p);
        self.progress.have -= s.have;
        self.progress.wanted -= s.wanted;
    }

    /// Every piece counted afresh (new metadata).
    pub(super) fn recount_progress(&mut self) {
        self.progress = Progress::default();
        for p in 0..self.picker.len() {
            self.add_share(p);
        }
    }

    /// Changes priorities through `change`; `affected` names each piece whose priority it
    /// may change, once.
    pub(super) fn reprioritize(
        &mut self,
        affected: impl Iterator<Item = u32> + Clone,
        change: impl FnOnce(&mut Picker),
    ) {
        affected.clone().for_each(|p| self.remove_share(p));
        change(&mut self.picker);
        affected.for_each(|p| self.add_share(p));
    }

    /// Marks a piece verified; false if it already was (or is out of range).
    pub(super) fn mark_have(&mut self, p: u32) -> bool {
        self.remove_share(p);
        let new = self.have.set(p);
        self.add_share(p);
        self.stats.pieces_have = self.have.count();
        new
    }

    /// Marks a piece no longer held; false if it was not.
    pub(super) fn unmark_have(&mut self, p: u32) -> bool {
        self.remove_share(p);
        let gone = self.have.clear(p);
        self.add_share(p);
        self.stats.pieces_have = self.have.count();
        gone
    }

    /// Bytes of verified pieces, and bytes of the pieces wanted (skipped files excluded).
    pub fn byte_progress(&self) -> (u64, u64) {
        (self.progress.have, self.progress.wanted)
    }

    /// Wanted bytes not verified yet (a tracker's `left`); `None` before the metadata.
    pub fn bytes_left(&self) -> Option<u64> {
        self.meta.as_ref()?;
        Some(self.progress.wanted - self.progress.have)
    }

    /// Bytes of the whole torrent not verified yet, skipped files included: the `left` a
    /// tracker gets (libtorrent and WebTorrent count it so), so a peer that finished only the
    /// files it wanted is still counted as a leecher, not as a seed that will never return
    /// to leeching in bittorrent-tracker's counts. `None` before the metadata.
    pub fn bytes_missing(&self) -> Option<u64> {
        let meta = self.meta.as_ref()?;
        Some(meta.layout.total_len() - self.progress.have)
    }

    /// Whether every wanted piece is verified (false before the metadata).
    pub fn is_complete(&self) -> bool {
        self.meta.is_some() && self.progress.have == self.progress.wanted
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metainfo::{parse_torrent, CreateOptions, Metainfo, TorrentCreator};
    use crate::piece::Bitfield;
    use crate::rng::Rng;
    use crate::swarm::partial::PartialPiece;
    use crate::swarm::SwarmConfig;
    use crate::wire::{PeerId, BLOCK_LEN};

    const PIECE: u32 = 16_384;

    /// Files that share pieces, a one-byte file, and a short last piece.
    fn torrent() -> (Metainfo, Vec<u8>) {
        let files: [(&str, u64); 5] = [("a", 20_000), ("b", 1), ("c", 50_000), ("d", 16_384), ("e", 33_333)];
        let total: u64 = files.iter().map(|f| f.1).sum();
        let data: Vec<u8> = (0..total).map(|i| (i.wrapping_mul(2_654_435_761) >> 9) as u8).collect();
        let opts = CreateOptions { name: "t".into(), piece_length: Some(PIECE), ..Default::default() };
        let mut creator =
            TorrentCreator::new(opts, files.iter().map(|(n, l)| (vec![n.to_string()], *l)).collect()).unwrap();
        creator.feed(&data).unwrap();
        (parse_torrent(&creator.finish().unwrap().torrent).unwrap(), data)
    }

    /// The totals and completion by walking every piece, as they were once computed.
    fn recount(s: &Swarm) -> (Progress, bool) {
        let Some(meta) = &s.meta else { return (Progress::default(), false) };
        let mut want = Progress::default();
        for p in meta.layout.pieces() {
            let size = u64::from(meta.layout.piece_size(p));
            let have = s.have.has(p.get());
            want.have += if have { size } else { 0 };
            want.wanted += if have || s.picker.priority(p.get()) > Priority::Skip { size } else { 0 };
        }
        (want, !s.picker.wants_any(&s.have))
    }

    /// A piece assembled from `bytes`, as if peers had sent it.
    fn assembled(bytes: &[u8]) -> PartialPiece {
        let mut part = PartialPiece::new(bytes.len() as u32, BLOCK_LEN);
        for (b, block) in bytes.chunks(BLOCK_LEN as usize).enumerate() {
            assert!(part.receive(b as u32, block, PeerId([9; 20])));
        }
        part
    }

    #[test]
    fn running_totals_equal_a_recount_after_any_sequence() {
        let (meta, data) = torrent();
        let pieces = meta.layout.piece_count();
        let files = meta.files.len();
        let priorities = [Priority::Skip, Priority::Low, Priority::Normal, Priority::High];
        for seed in 0..48 {
            let mut rng = Rng::new(seed);
            let mut swarm = if seed % 2 == 0 {
                Swarm::new(meta.clone(), None, SwarmConfig::new(PeerId([1; 20])), seed)
            } else {
                // A magnet: nothing counts until the metadata arrives.
                let mut s = Swarm::from_magnet(meta.swarm_hash(), SwarmConfig::new(PeerId([1; 20])), seed);
                assert_eq!((s.byte_progress(), s.bytes_left(), s.is_complete()), ((0, 0), None, false));
                s.set_metadata(meta.clone(), None);
                s
            };
            for step in 0..150 {
                let p = rng.below(u64::from(pieces)) as u32;
                let index = meta.layout.piece(p).unwrap();
                let start = meta.layout.piece_offset(index) as usize;
                let bytes = &data[start..start + meta.layout.piece_size(index) as usize];
                match rng.below(7) {
                    0 => swarm.set_file_priority(rng.below(files as u64) as usize, priorities[rng.below(4) as usize]),
                    1 => swarm.set_stream_window(rng.below(data.len() as u64), rng.below(40_000)),
                    2 | 3 => swarm.finish_piece(p, assembled(bytes)),
                    4 => {
                        let mut bad = bytes.to_vec();
                        bad[0] ^= 1;
                        swarm.finish_piece(p, assembled(&bad));
                    }
                    5 => swarm.handle_piece_missing(p),
                    _ => {
                        // Resume: a new swarm from what the old one verified.
                        let have: Bitfield = swarm.have().clone();
                        swarm = Swarm::new(meta.clone(), Some(have), SwarmConfig::new(PeerId([1; 20])), seed);
                    }
                }
                while swarm.poll_output().is_some() {}
                let (want, complete) = recount(&swarm);
                assert_eq!(swarm.byte_progress(), (want.have, want.wanted), "seed {seed} step {step}");
                assert_eq!(swarm.bytes_left(), Some(want.wanted - want.have));
                assert_eq!(swarm.is_complete(), complete, "seed {seed} step {step}");
                assert_eq!(swarm.stats().pieces_have, swarm.have().count());
            }
        }
    }
}
