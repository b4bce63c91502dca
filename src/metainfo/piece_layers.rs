//! BEP 52 `piece layers`: per file, the SHA-256 hashes of its pieces, which must hash up to
//! the file's `pieces root` in the info dict.
//!
//! The merkle tree of a file has 16 KiB blocks as leaves; the layer given here is the one
//! whose nodes each cover one piece. Past the end of the file the leaves are zero hashes
//! (BEP 52), so the missing nodes of this layer are the root of a subtree of zero leaves.

use super::error::MetainfoError as E;
use super::layout::BLOCK_SIZE;
use crate::bencode::Dict;
use sha2::{Digest, Sha256};

/// Checks every layer present against the files' (length, pieces root) from the file tree and
/// returns how many there are. Layers may be absent (a client can fetch them from peers with
/// hash requests), but any present must be right.
pub(super) fn check(layers: &Dict<'_>, files: &[(u64, [u8; 32])], piece_length: u32) -> Result<usize, E> {
    let field = "piece layers";
    for (root, layer) in &layers.entries {
        let layer = layer.as_bytes().ok_or_else(|| E::invalid(field, "a layer is not a byte string"))?;
        let &(length, _) = files
            .iter()
            .find(|(_, r)| &r[..] == *root)
            .ok_or_else(|| E::invalid(field, "a layer names no file's pieces root"))?;
        // Files of one piece or less have no layer: their root already covers it all.
        if length <= u64::from(piece_length) {
            return Err(E::invalid(field, "a layer for a file no larger than one piece"));
        }
        let pieces = length.div_ceil(u64::from(piece_length));
        if layer.len() as u64 != pieces * 32 {
            return Err(E::invalid(field, format!("{} bytes for a file of {pieces} pieces", layer.len())));
        }
        if merkle_root(layer, piece_length) != **root {
            return Err(E::invalid(field, "a layer does not hash to its file's pieces root"));
        }
    }
    Ok(layers.entries.len())
}

/// The root over a layer of piece hashes, padded to a power of two with the hash of an
/// all-zero piece subtree.
fn merkle_root(layer: &[u8], piece_length: u32) -> [u8; 32] {
    let mut pad = [0u8; 32];
    // A piece spans piece_length / 16 KiB leaves: hash zeros up that many levels.
    let mut leaves = (piece_length / BLOCK_SIZE).max(1);
    while leaves > 1 {
        pad = pair(&pad, &pad);
        leaves /= 2;
    }
    let mut level: Vec<[u8; 32]> = layer.chunks_exact(32).map(|c| c.try_into().unwrap_or([0; 32])).collect();
    let width = level.len().next_power_of_two();
    level.resize(width, pad);
    while level.len() > 1 {
        level = level.chunks_exact(2).map(|p| pair(&p[0], &p[1])).collect();
    }
    level.first().copied().unwrap_or(pad)
}

fn pair(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(left);
    h.update(right);
    h.finalize().into()
}
