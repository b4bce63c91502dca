//! ECDSA and BIP-340 verification with variable-time arithmetic. Verification sees only
//! public data (keys, signatures, digests), so it may branch on it: a·G + b·Q is computed
//! the way libsecp256k1 does (`secp256k1_ecmult`), which k256 0.13 does not offer — its
//! `lincomb` is constant-time, for secret scalars. Both scalars are split by the curve's
//! endomorphism (λ·(x, y) = (β·x, y)) into halves of at most 128 bits, and the four halves
//! are added in one pass of 128 doublings as width-w NAF digits: the generator's odd
//! multiples (and their λ images) come from tables made once, Q's from small tables made
//! per call. k256 still does every point and field operation (complete formulas).

use k256::elliptic_curve::ops::LinearCombination;
use k256::elliptic_curve::ops::{Invert, Reduce};
use k256::elliptic_curve::point::AffineCoordinates;
use k256::elliptic_curve::scalar::IsHigh;
use k256::elliptic_curve::PrimeField;
use k256::{AffinePoint, FieldBytes, ProjectivePoint, Scalar, U256};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// NAF width for the generator (64 precomputed odd multiples, and 64 of λ·G).
const G_WINDOW: u32 = 8;
/// NAF width for the key (8 odd multiples per call, and 8 of λ·Q).
const Q_WINDOW: u32 = 5;

/// The endomorphism's constants, as in k256's `mul.rs` and libsecp256k1's `scalar_impl.h`:
/// −λ, −b1, −b2 and g1, g2 = round(2^384 · b2 / n), round(2^384 · (−b1) / n).
const MINUS_LAMBDA: U256 = U256::from_be_hex("ac9c52b33fa3cf1f5ad9e3fd77ed9ba4a880b9fc8ec739c2e0cfc810b51283cf");
const MINUS_B1: U256 = U256::from_be_hex("00000000000000000000000000000000e4437ed6010e88286f547fa90abfe4c3");
const MINUS_B2: U256 = U256::from_be_hex("fffffffffffffffffffffffffffffffe8a280ac50774346dd765cda83db1562c");
const G1: U256 = U256::from_be_hex("3086d221a7d46bcde86c90e49284eb153daa8a1471e8ca7fe893209a45dbb031");
const G2: U256 = U256::from_be_hex("e4437ed6010e88286f547fa90abfe4c4221208ac9df506c61571b4ae8ac47f71");

fn scalar(u: &U256) -> Scalar {
    <Scalar as Reduce<U256>>::reduce(*u)
}

/// round(k · g / 2^384), for the 256-bit constant g: bits 384 and up of the 512-bit product,
/// plus bit 383 to round.
fn mul_shift_384(k: &U256, g: &U256) -> U256 {
    let (_, hi) = k.mul_wide(g);
    let round = hi.shr_vartime(127).bitand(&U256::ONE);
    hi.shr_vartime(128).wrapping_add(&round)
}

/// k = k1 + k2·λ (mod n) with |k1|, |k2| < 2^128 (k256's `decompose_scalar`, whose proof
/// of the bounds applies): each half as (magnitude, negative).
fn split(k: &Scalar) -> Option<[(u128, bool); 2]> {
    let ku = U256::from(k);
    let r2 =
        scalar(&mul_shift_384(&ku, &G1)) * scalar(&MINUS_B1) + scalar(&mul_shift_384(&ku, &G2)) * scalar(&MINUS_B2);
    let r1 = *k + r2 * scalar(&MINUS_LAMBDA);
    let half = |r: Scalar| {
        let negative = bool::from(r.is_high());
        let magnitude = if negative { -r } else { r };
        let bytes = magnitude.to_repr();
        // The bound is proven; a value above it would be a bug, reported as no result.
        if bytes[..16].iter().any(|&b| b != 0) {
            return None;
        }
        Some((u128::from_be_bytes(bytes[16..].try_into().ok()?), negative))
    };
    Some([half(r1)?, half(r2)?])
}

/// Width-`w` NAF of `k`: digits odd and below 2^(w−1) in magnitude, each nonzero digit
/// followed by at least w−1 zeros; `k` = Σ digit_i · 2^i. `None` if a carry would overflow
/// (impossible below 2^127.6, where `split` leaves its halves).
fn wnaf(mut k: u128, w: u32) -> Option<[i16; 130]> {
    let mut digits = [0i16; 130];
    let (full, half) = (1i32 << w, 1i32 << (w - 1));
    let mut i = 0;
    while k != 0 {
        if k & 1 == 1 {
            let mut d = (k & (full as u128 - 1)) as i32;
            if d >= half {
                d -= full;
            }
            k = if d < 0 { k.checked_add((-d) as u128)? } else { k - d as u128 };
            *digits.get_mut(i)? = d as i16;
        }
        k >>= 1;
        i += 1;
    }
    Some(digits)
}

/// Odd multiples P, 3P, …, (2^(w−1) − 1)·P.
fn odd_multiples(p: &ProjectivePoint, w: u32) -> Vec<ProjectivePoint> {
    let twice = p.double();
    let mut out = Vec::with_capacity(1 << (w - 2));
    out.push(*p);
    for i in 1..1 << (w - 2) {
        out.push(out[i - 1] + twice);
    }
    out
}

/// The generator's odd multiples and their λ images, affine (made once, ~130 additions
/// and inversions, the first time anything is verified).
fn generator_tables() -> &'static [Vec<AffinePoint>; 2] {
    static TABLES: OnceLock<[Vec<AffinePoint>; 2]> = OnceLock::new();
    TABLES.get_or_init(|| {
        let multiples = odd_multiples(&ProjectivePoint::GENERATOR, G_WINDOW);
        let affine = |points: Vec<ProjectivePoint>| points.iter().map(|p| p.to_affine()).collect();
        [affine(multiples.clone()), affine(multiples.iter().map(|p| p.endomorphism()).collect())]
    })
}

/// a·G + b·Q, variable time (public inputs only).
pub fn lincomb_vartime(a: &Scalar, q: &ProjectivePoint, b: &Scalar) -> ProjectivePoint {
    let (Some(sa), Some(sb)) = (split(a), split(b)) else {
        return ProjectivePoint::lincomb(&ProjectivePoint::GENERATOR, a, q, b);
    };
    let [g, g_lambda] = generator_tables();
    let q_table = odd_multiples(q, Q_WINDOW);
    let q_lambda: Vec<ProjectivePoint> = q_table.iter().map(|p| p.endomorphism()).collect();
    let digits = [wnaf(sa[0].0, G_WINDOW), wnaf(sa[1].0, G_WINDOW), wnaf(sb[0].0, Q_WINDOW), wnaf(sb[1].0, Q_WINDOW)];
    let [Some(d0), Some(d1), Some(d2), Some(d3)] = digits else {
        return ProjectivePoint::lincomb(&ProjectivePoint::GENERATOR, a, q, b);
    };
    let top = [&d0, &d1, &d2, &d3].iter().filter_map(|d| d.iter().rposition(|&x| x != 0)).max();
    let mut acc = ProjectivePoint::IDENTITY;
    let Some(top) = top else { return acc };
    for i in (0..=top).rev() {
        acc = acc.double();
        for (d, negative, table) in [(d0[i], sa[0].1, g), (d1[i], sa[1].1, g_lambda)] {
            if d != 0 {
                let p = &table[(d.unsigned_abs() as usize) / 2];
                acc = if (d < 0) != negative { acc - p } else { acc + p };
            }
        }
        for (d, negative, table) in [(d2[i], sb[0].1, &q_table), (d3[i], sb[1].1, &q_lambda)] {
            if d != 0 {
                let p = &table[(d.unsigned_abs() as usize) / 2];
                acc = if (d < 0) != negative { acc - p } else { acc + p };
            }
        }
    }
    acc
}

/// ECDSA over a 32-byte digest (reduced mod n, as for secp256k1 everywhere) with (r, s)
/// already parsed; high s is refused (BIP-146), as k256's verifier refuses it.
pub fn ecdsa_verify_prehash(key: &AffinePoint, digest: &[u8; 32], sig: &k256::ecdsa::Signature) -> bool {
    let (r, s) = (sig.r(), sig.s());
    if bool::from(s.is_high()) {
        return false;
    }
    let Some(s_inv) = Option::<Scalar>::from(Invert::invert_vartime(&*s)) else { return false };
    let z = <Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(*digest));
    let point = lincomb_vartime(&(z * s_inv), &ProjectivePoint::from(*key), &(*r * s_inv)).to_affine();
    if point == AffinePoint::IDENTITY {
        return false;
    }
    <Scalar as Reduce<U256>>::reduce_bytes(&point.x()) == *r
}

/// SHA-256 after the 64 bytes SHA256(tag) ‖ SHA256(tag) of BIP-340's challenge hash.
fn challenge_hasher() -> Sha256 {
    static MIDSTATE: OnceLock<Sha256> = OnceLock::new();
    MIDSTATE
        .get_or_init(|| {
            let tag = Sha256::digest(b"BIP0340/challenge");
            Sha256::new().chain_update(tag).chain_update(tag)
        })
        .clone()
}

/// BIP-340 verification of a 64-byte signature under a 32-byte x-only key (any message
/// length). A key not on the curve, r ≥ p or s ≥ n is simply a failed verification.
pub fn schnorr_verify(x_only: &[u8], msg: &[u8], sig: &[u8]) -> bool {
    let (Ok(key), Ok(sig)) = (<&[u8; 32]>::try_from(x_only), <&[u8; 64]>::try_from(sig)) else { return false };
    let Ok(public) = k256::schnorr::VerifyingKey::from_bytes(key) else { return false };
    let (r, s) = sig.split_at(32);
    let Some(s) = Option::<Scalar>::from(Scalar::from_repr(FieldBytes::clone_from_slice(s))) else { return false };
    let e = <Scalar as Reduce<U256>>::reduce_bytes(
        &challenge_hasher().chain_update(r).chain_update(key).chain_update(msg).finalize(),
    );
    let point = lincomb_vartime(&s, &ProjectivePoint::from(*public.as_affine()), &-e).to_affine();
    // R = s·G − e·P must not be infinity, must have even y and x(R) = r (an r ≥ p never
    // equals a reduced coordinate).
    point != AffinePoint::IDENTITY && !bool::from(point.y_is_odd()) && point.x().as_slice() == r
}

#[cfg(test)]
mod tests {
    use super::*;
    use k256::elliptic_curve::Field;

    /// A deterministic stream of scalars (xorshift), after some edge values.
    fn scalars() -> Vec<Scalar> {
        let mut state = 0x243f_6a88_85a3_08d3u64;
        let mut out = vec![Scalar::ZERO, Scalar::ONE, -Scalar::ONE, scalar(&MINUS_LAMBDA), -scalar(&MINUS_LAMBDA)];
        for _ in 0..200 {
            let mut bytes = [0u8; 32];
            for b in bytes.iter_mut() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *b = state as u8;
            }
            out.push(<Scalar as Reduce<U256>>::reduce_bytes(&bytes.into()));
        }
        out
    }

    fn signed(m: u128, negative: bool) -> Scalar {
        let s = scalar(&U256::from_u128(m));
        if negative {
            -s
        } else {
            s
        }
    }

    #[test]
    fn split_halves_are_short_and_recombine() {
        let lambda = -scalar(&MINUS_LAMBDA);
        for k in scalars() {
            let [(m1, n1), (m2, n2)] = split(&k).unwrap();
            assert_eq!(signed(m1, n1) + signed(m2, n2) * lambda, k);
            // Below 2^127.6, so wnaf's carries never overflow.
            assert!(
                m1 < 0xc000_0000_0000_0000_0000_0000_0000_0000 && m2 < 0xc000_0000_0000_0000_0000_0000_0000_0000,
                "{m1:x} {m2:x}"
            );
        }
    }

    #[test]
    fn wnaf_digits_are_sparse_odd_and_sum_back() {
        let mut state = 0x9e37_79b9_7f4a_7c15u128;
        for _ in 0..300 {
            state = state.wrapping_mul(0x2545_f491_4f6c_dd1d_2545_f491_4f6c_dd1d).wrapping_add(1);
            let k = state >> 1 >> (state % 64);
            for w in [Q_WINDOW, G_WINDOW] {
                let d = wnaf(k, w).unwrap();
                let mut sum = Scalar::ZERO;
                for &x in d.iter().rev() {
                    sum = sum.double() + signed(u128::from(x.unsigned_abs()), x < 0);
                }
                assert_eq!(sum, scalar(&U256::from_u128(k)), "{k:x} w={w}");
                for (i, &x) in d.iter().enumerate() {
                    assert!(x == 0 || (x % 2 != 0 && x.unsigned_abs() < 1 << (w - 1)));
                    assert!(x == 0 || d[i + 1..].iter().take(w as usize - 1).all(|&y| y == 0));
                }
            }
        }
    }

    #[test]
    fn lincomb_equals_k256s_constant_time_one() {
        let all = scalars();
        let g = ProjectivePoint::GENERATOR;
        let q = g * Scalar::from(7u64) + g.double();
        for pair in all.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            assert_eq!(lincomb_vartime(&a, &q, &b).to_affine(), ProjectivePoint::lincomb(&g, &a, &q, &b).to_affine());
            // Q = G and Q = −G exercise doublings and cancellation inside the sum.
            assert_eq!(lincomb_vartime(&a, &g, &b).to_affine(), (g * (a + b)).to_affine());
            assert_eq!(lincomb_vartime(&a, &-g, &a).to_affine(), AffinePoint::IDENTITY);
        }
    }

    #[test]
    fn verdicts_equal_k256s_verifiers() {
        use k256::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
        let mut checked = 0;
        for (i, k) in scalars().into_iter().skip(1).take(60).enumerate() {
            let Ok(key) = k256::ecdsa::SigningKey::from_bytes(&k.to_repr()) else { continue };
            let digest = [i as u8; 32];
            let sig: k256::ecdsa::Signature = key.sign_prehash(&digest).unwrap();
            let high_s = k256::ecdsa::Signature::from_scalars(sig.r().to_repr(), (-*sig.s()).to_repr()).unwrap();
            let public = key.verifying_key();
            for (d, s) in [(digest, sig), ([i as u8 ^ 1; 32], sig), (digest, high_s)] {
                assert_eq!(
                    ecdsa_verify_prehash(public.as_affine(), &d, &s),
                    public.verify_prehash(&d, &s).is_ok(),
                    "key {i}"
                );
            }
            assert!(ecdsa_verify_prehash(public.as_affine(), &digest, &sig));
            let schnorr = k256::schnorr::SigningKey::from_bytes(&k.to_repr()).unwrap();
            let sig = schnorr.sign_raw(&digest, &[7; 32]).unwrap().to_bytes();
            let x = schnorr.verifying_key().to_bytes();
            assert!(schnorr_verify(&x, &digest, &sig));
            for at in [0, 31, 32, 63] {
                let mut bad = sig;
                bad[at] ^= 1;
                assert!(!schnorr_verify(&x, &digest, &bad));
            }
            checked += 1;
        }
        assert!(checked >= 50);
    }
}
