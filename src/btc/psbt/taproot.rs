//! Public taproot arithmetic the PSBT roles need: the merkle root of a `PSBT_OUT_TAP_TREE`
//! and the BIP-341 output key of an internal key (to check that a change output really pays
//! our key, and that a control block belongs to the output being spent).

use super::TapTreeLeaf;
use crate::btc::sighash::{merkle_root_from_path, tapbranch_hash, tapleaf_hash, taptweak_hash};
use k256::elliptic_curve::ops::MulByGenerator;
use k256::elliptic_curve::sec1::ToEncodedPoint;
use k256::elliptic_curve::PrimeField;
use k256::{ProjectivePoint, PublicKey, Scalar};

/// The merkle root of leaves listed depth-first with their depths (BIP-371 tap tree), or
/// `None` if the depths do not describe a complete binary tree.
pub fn tree_root(leaves: &[TapTreeLeaf]) -> Option<[u8; 32]> {
    let mut stack: Vec<(u8, [u8; 32])> = Vec::new();
    for leaf in leaves {
        let mut node = (leaf.depth, tapleaf_hash(leaf.leaf_version, &leaf.script));
        // Merge with the left sibling while one waits at the same depth.
        while let Some(&(depth, left)) = stack.last() {
            if depth != node.0 || depth == 0 {
                break;
            }
            stack.pop();
            node = (depth - 1, tapbranch_hash(&left, &node.1));
        }
        stack.push(node);
    }
    match stack.as_slice() {
        [(0, root)] => Some(*root),
        _ => None,
    }
}

/// The x-only output key Q = P + tG for an x-only internal key P and optional merkle root
/// (BIP-341 `taproot_tweak_pubkey`), with Q's y parity. `None` if P is not on the curve or
/// the tweak is out of range.
pub fn output_key(internal: &[u8; 32], merkle_root: Option<&[u8; 32]>) -> Option<([u8; 32], u8)> {
    let mut sec1 = [0u8; 33];
    sec1[0] = 2;
    sec1[1..].copy_from_slice(internal);
    let p = PublicKey::from_sec1_bytes(&sec1).ok()?;
    let t: Scalar = Option::from(Scalar::from_repr(taptweak_hash(internal, merkle_root).into()))?;
    let q = (p.to_projective() + ProjectivePoint::mul_by_generator(&t)).to_affine();
    let enc = q.to_encoded_point(true);
    let x: [u8; 32] = enc.x()?.as_slice().try_into().ok()?;
    Some((x, enc.as_bytes()[0] & 1))
}

/// The x-only form of a 33-byte compressed key.
pub fn x_only(pubkey: &[u8]) -> Option<[u8; 32]> {
    match pubkey {
        [2 | 3, x @ ..] => x.try_into().ok(),
        _ => None,
    }
}

/// Whether control block `cb` proves `script` under output key `q` (BIP-341).
pub fn control_block_commits(cb: &[u8], script: &[u8], leaf_version: u8, q: &[u8; 32]) -> bool {
    let (Some(&first), Some(internal)) = (cb.first(), cb.get(1..33)) else { return false };
    if first & 0xfe != leaf_version {
        return false;
    }
    let Ok(internal): Result<[u8; 32], _> = internal.try_into() else { return false };
    let Some(root) = merkle_root_from_path(tapleaf_hash(leaf_version, script), &cb[33..]) else { return false };
    output_key(&internal, Some(&root)) == Some((*q, first & 1))
}
