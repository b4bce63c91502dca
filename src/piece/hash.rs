//! SHA-1 piece hashing (BEP 3): incremental, so a piece can arrive block by block.

use sha1::{Digest, Sha1};

/// A 20-byte SHA-1 digest, as listed in a v1 torrent's `pieces`.
pub type Sha1Digest = [u8; 20];

/// Hashes one piece fed in any number of chunks.
#[derive(Clone, Default)]
pub struct PieceHasher {
    inner: Sha1,
}

impl PieceHasher {
    /// A hasher with nothing fed yet.
    pub fn new() -> Self {
        PieceHasher { inner: Sha1::new() }
    }
    /// Feeds the next bytes of the piece.
    pub fn update(&mut self, bytes: &[u8]) {
        self.inner.update(bytes);
    }
    /// The digest of everything fed; the hasher starts over.
    pub fn finish(&mut self) -> Sha1Digest {
        self.inner.finalize_reset().into()
    }
}

/// SHA-1 of `bytes`.
pub fn sha1(bytes: &[u8]) -> Sha1Digest {
    Sha1::digest(bytes).into()
}

/// Whether `piece` hashes to `expected`.
pub fn verify(piece: &[u8], expected: &Sha1Digest) -> bool {
    // Not secret data, so a plain comparison is fine.
    sha1(piece) == *expected
}
