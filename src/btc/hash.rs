//! Bitcoin's hash compositions: HASH160, double SHA-256, BIP-340 tagged hashes.

use ripemd::Ripemd160;
use sha2::{Digest, Sha256};

/// RIPEMD-160 of SHA-256: key and script hashes in addresses.
pub fn hash160(data: &[u8]) -> [u8; 20] {
    Ripemd160::digest(Sha256::digest(data)).into()
}

/// SHA-256 of SHA-256: txids, base58check checksums.
pub fn sha256d(data: &[u8]) -> [u8; 32] {
    Sha256::digest(Sha256::digest(data)).into()
}

/// SHA-256 once.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// BIP-340 tagged hash: SHA-256(SHA-256(tag) ‖ SHA-256(tag) ‖ data…).
pub fn tagged_hash(tag: &str, parts: &[&[u8]]) -> [u8; 32] {
    let tag_hash = Sha256::digest(tag.as_bytes());
    let mut h = Sha256::new();
    h.update(tag_hash);
    h.update(tag_hash);
    for part in parts {
        h.update(part);
    }
    h.finalize().into()
}
