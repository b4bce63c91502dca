//! Pieces: SHA-1 hashing and verification, and the bitfield of which pieces are held.

mod bitfield;
mod hash;

pub use bitfield::{Bitfield, BitfieldError};
pub use hash::{sha1, verify, PieceHasher, Sha1Digest};

#[cfg(test)]
mod tests;
