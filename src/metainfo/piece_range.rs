//! Hashing a run of whole pieces from a stream of bytes. A torrent creator uses one over the
//! whole torrent; parallel creation gives each worker one over its share of the pieces.

use super::error::MetainfoError as E;
use super::layout::{FileSegment, Layout};
use crate::piece::PieceHasher;

/// Hashes consecutive pieces of `piece_length` bytes (the last may be short) from bytes fed
/// in any chunking; yields the concatenated 20-byte SHA-1s.
pub struct PieceRangeHasher {
    piece_length: u32,
    expected: u64,
    fed: u64,
    in_piece: u32,
    hasher: PieceHasher,
    hashes: Vec<u8>,
}

impl PieceRangeHasher {
    /// A hasher for `len` bytes that start on a piece boundary.
    pub fn new(piece_length: u32, len: u64) -> Result<Self, E> {
        if piece_length == 0 {
            return Err(E::Misuse("piece length must be positive"));
        }
        let pieces = len.div_ceil(u64::from(piece_length));
        Ok(PieceRangeHasher {
            piece_length,
            expected: len,
            fed: 0,
            in_piece: 0,
            hasher: PieceHasher::new(),
            hashes: Vec::with_capacity((pieces as usize).saturating_mul(20).min(1 << 24)),
        })
    }

    /// Bytes fed so far.
    pub fn fed(&self) -> u64 {
        self.fed
    }

    /// Feeds the next bytes.
    pub fn feed(&mut self, mut bytes: &[u8]) -> Result<(), E> {
        if bytes.len() as u64 > self.expected - self.fed {
            return Err(E::Misuse("more bytes fed than declared"));
        }
        while !bytes.is_empty() {
            let room = (self.piece_length - self.in_piece) as usize;
            let (now, rest) = bytes.split_at(room.min(bytes.len()));
            self.hasher.update(now);
            self.in_piece += now.len() as u32;
            self.fed += now.len() as u64;
            if self.in_piece == self.piece_length {
                self.hashes.extend_from_slice(&self.hasher.finish());
                self.in_piece = 0;
            }
            bytes = rest;
        }
        Ok(())
    }

    /// The piece hashes, once every declared byte was fed.
    pub fn finish(mut self) -> Result<Vec<u8>, E> {
        if self.fed != self.expected {
            return Err(E::Misuse("finish called before every byte was fed"));
        }
        if self.in_piece > 0 {
            self.hashes.extend_from_slice(&self.hasher.finish());
        }
        Ok(self.hashes)
    }
}

/// One worker's share of a parallel hash: whole pieces, and the file bytes they cover.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HashJob {
    /// First piece of the share.
    pub first_piece: u32,
    /// Number of pieces.
    pub piece_count: u32,
    /// Bytes to feed, in order (start on a piece boundary).
    pub len: u64,
    /// Where those bytes live in the files.
    pub segments: Vec<FileSegment>,
}

/// Splits the pieces of `layout` into up to `parts` contiguous shares of near-equal size.
pub fn plan_hash_jobs(layout: &Layout, parts: u32) -> Vec<HashJob> {
    let pieces = layout.piece_count();
    let parts = parts.clamp(1, pieces.max(1));
    let per = pieces.div_ceil(parts);
    let mut jobs = Vec::with_capacity(parts as usize);
    let mut first = 0;
    while first < pieces {
        let count = per.min(pieces - first);
        let start = u64::from(first) * u64::from(layout.piece_len());
        let end = (u64::from(first + count) * u64::from(layout.piece_len())).min(layout.total_len());
        jobs.push(HashJob {
            first_piece: first,
            piece_count: count,
            len: end - start,
            segments: layout.segments(start..end),
        });
        first += count;
    }
    jobs
}
