//! Signing primitives: ECDSA per RFC 6979 with low S (and Bitcoin Core's low-R grinding),
//! BIP-340 Schnorr, and the BIP-341 key tweak. Callers hand in 32-byte digests (sighashes,
//! message hashes); these functions never see transactions. Keys stay inside `crate::wallet`.

use super::error::WalletError;
use crate::btc::hash::tagged_hash;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use k256::ecdsa::{RecoveryId, Signature};
use k256::elliptic_curve::ops::Invert;
use k256::elliptic_curve::ops::MulByGenerator;
use k256::elliptic_curve::ops::Reduce;
use k256::elliptic_curve::point::AffineCoordinates;
use k256::elliptic_curve::PrimeField;
use k256::{FieldBytes, NonZeroScalar, ProjectivePoint, PublicKey, Scalar, SecretKey, U256};
use sha2::Sha256;
use zeroize::Zeroizing;

/// How ECDSA nonces are chosen. Both are deterministic (RFC 6979); grinding adds Bitcoin
/// Core's extra-entropy counter until R is below 2^255, so the DER signature is at most
/// 70 bytes (71 with the sighash byte) and fee estimates hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum NonceMode {
    /// Core's default since 0.17: retry with counter 1, 2, … until R is low.
    #[default]
    LowR,
    /// Plain RFC 6979, as BIP-174's signer vectors and older wallets produce.
    Plain,
}

/// An ECDSA signature (low S) and its recovery id.
pub struct EcdsaSignature {
    /// The (r, s) pair, s normalised to the lower half (BIP-62 / BIP-146).
    pub signature: Signature,
    /// Which of the candidate public keys signed (for BIP-137 compact signatures).
    pub recovery_id: RecoveryId,
}

impl EcdsaSignature {
    /// Strict DER (BIP-66), without a sighash byte.
    pub fn to_der(&self) -> Vec<u8> {
        self.signature.to_der().as_bytes().to_vec()
    }
}

/// Signs a 32-byte digest with ECDSA. The digest is reduced mod n before it feeds RFC 6979,
/// as libsecp256k1 does, so our nonces equal Core's even for the (negligible) digests ≥ n.
///
/// The steps are ecdsa's `sign_prehashed` with two changes. The low-R test comes before the
/// nonce's inversion: a nonce whose R is high is dropped after one generator multiplication,
/// so grinding costs half a signature per retry instead of a whole one. And the nonce is
/// inverted blinded (see `blinded_inverse`), which leaves the signature unchanged.
pub fn ecdsa_sign(key: &SecretKey, digest: &[u8; 32], mode: NonceMode) -> Result<EcdsaSignature, WalletError> {
    let d = Zeroizing::new(*key.to_nonzero_scalar());
    let x = Zeroizing::new(d.to_repr());
    let z_scalar = <Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(*digest));
    let z: FieldBytes = z_scalar.to_repr();
    let mut extra = Zeroizing::new([0u8; 32]);
    let mut counter: u32 = 0;
    loop {
        // Core passes no extra data on the first try, then LE32(counter) in a zeroed uint256.
        let ad: &[u8] = if counter == 0 { &[] } else { &extra[..] };
        // RFC 6979 §3.2: the first candidate in [1, n) is k (rfc6979::generate_k, step by step,
        // so the same generator can go on to give the blinding factor).
        let mut drbg = Drbg::new(&x[..], &z[..], ad);
        let k = Zeroizing::new(next_nonzero_scalar(&mut drbg));
        let big_r = ProjectivePoint::mul_by_generator(&*k).to_affine();
        let rx = big_r.x();
        let r = <Scalar as Reduce<U256>>::reduce_bytes(&rx);
        if mode == NonceMode::Plain || r.to_repr()[0] < 0x80 {
            let k_inv = blinded_inverse(&k, &mut drbg).ok_or(WalletError::SigningFailed)?;
            let s = *k_inv * (z_scalar + r * *d);
            let signature = Signature::from_scalars(r, s).map_err(|_| WalletError::SigningFailed)?;
            let x_reduced = r.to_repr() != rx;
            let odd = bool::from(big_r.y_is_odd());
            // Low S (BIP-62/146): s → n − s, which flips R's y parity for recovery.
            return Ok(match signature.normalize_s() {
                Some(low) => EcdsaSignature { signature: low, recovery_id: RecoveryId::new(!odd, x_reduced) },
                None => EcdsaSignature { signature, recovery_id: RecoveryId::new(odd, x_reduced) },
            });
        }
        counter = counter.checked_add(1).ok_or(WalletError::SigningFailed)?;
        extra[..4].copy_from_slice(&counter.to_le_bytes());
    }
}

/// The generator's next output that is a scalar in [1, n), as RFC 6979 §3.2 step h draws
/// its candidates (outputs ≥ n or zero are skipped; each has probability below 2^-127).
fn next_nonzero_scalar(drbg: &mut Drbg) -> Scalar {
    loop {
        let bytes = Zeroizing::new(FieldBytes::from(drbg.next()));
        if let Some(k) = Option::<NonZeroScalar>::from(NonZeroScalar::from_repr(*bytes)) {
            return *k;
        }
    }
}

/// RFC 6979 §3.2's HMAC-DRBG over SHA-256 (steps b–h), giving the same outputs as the
/// `rfc6979` crate's `HmacDrbg` in fewer SHA-256 compressions, which were a fifth of a
/// signature: the HMAC keeps its padded key states between calls (`hmac::Hmac`, not
/// `SimpleHmac`), and step h.3's update (K = HMAC_K(V ‖ 0x00), V = HMAC_K(V)) runs only
/// when another output is asked for.
struct Drbg {
    k: Hmac<Sha256>,
    v: Zeroizing<[u8; 32]>,
    drawn: bool,
}

impl Drbg {
    fn new(x: &[u8], h: &[u8], data: &[u8]) -> Self {
        let mut v = Zeroizing::new([1u8; 32]);
        let mut k = Self::keyed(&[0; 32]);
        for step in [0u8, 1] {
            // Steps d–g: K = HMAC_K(V ‖ step ‖ x ‖ h ‖ data), V = HMAC_K(V).
            k.update(&v[..]);
            k.update(&[step]);
            k.update(x);
            k.update(h);
            k.update(data);
            k = Self::keyed(&Zeroizing::new(<[u8; 32]>::from(k.finalize().into_bytes())));
            k.update(&v[..]);
            *v = k.finalize_reset().into_bytes().into();
        }
        Drbg { k, v, drawn: false }
    }

    /// HMAC keyed by 32 bytes, given as the 64-byte block HMAC pads them to with zeros.
    fn keyed(key: &[u8; 32]) -> Hmac<Sha256> {
        let mut block = Zeroizing::new([0u8; 64]);
        block[..32].copy_from_slice(key);
        <Hmac<Sha256> as KeyInit>::new(&(*block).into())
    }

    /// Step h: the next 32 bytes (one V, as qlen = hlen = 256).
    fn next(&mut self) -> [u8; 32] {
        if self.drawn {
            self.k.update(&self.v[..]);
            self.k.update(&[0]);
            let key = Zeroizing::new(<[u8; 32]>::from(self.k.finalize_reset().into_bytes()));
            self.k = Self::keyed(&key);
            self.k.update(&self.v[..]);
            *self.v = self.k.finalize_reset().into_bytes().into();
        }
        self.drawn = true;
        self.k.update(&self.v[..]);
        *self.v = self.k.finalize_reset().into_bytes().into();
        *self.v
    }
}

/// k⁻¹ by a fast variable-time inversion of k·b, then times b.
///
/// k256's constant-time inversion (an addition chain of ~290 multiplications mod n) was a
/// third of a signature. A variable-time inversion must never see k itself, whose timing
/// would leak nonce bits (enough of them over many signatures give the key away). It sees
/// k·b instead, for a blinding factor b uniform in [1, n) and unknown to an attacker: then
/// k·b is uniform and independent of k, so its timing tells nothing about k (the standard
/// multiplicative blinding of a modular inversion). b is the same RFC 6979 generator's next
/// output after k: keyed by the secret key, it is as unpredictable as k, needs no
/// randomness from outside (the core has none of its own), and leaves signatures
/// deterministic: (k·b)⁻¹·b = k⁻¹ whatever b is.
fn blinded_inverse(k: &Scalar, drbg: &mut Drbg) -> Option<Zeroizing<Scalar>> {
    let b = Zeroizing::new(next_nonzero_scalar(drbg));
    let kb = Zeroizing::new(*k * *b);
    let kb_inv: Option<Scalar> = Invert::invert_vartime(&*kb).into();
    Some(Zeroizing::new(kb_inv? * *b))
}

/// Checks a DER ECDSA signature (without sighash byte) over `digest`, as Core's
/// interpreter would after BIP-66: strict DER and, per BIP-146 policy, low S.
pub fn ecdsa_verify(key: &PublicKey, digest: &[u8; 32], der: &[u8]) -> bool {
    let Ok(sig) = Signature::from_der(der) else { return false };
    crate::btc::ecverify::ecdsa_verify_prehash(key.as_affine(), digest, &sig)
}

/// The BIP-341 tweak of an internal key: t = hash_TapTweak(x(P) ‖ merkle_root), where the
/// merkle root is absent for a key-path-only output (BIP-86).
pub fn taptweak(internal_x: &[u8; 32], merkle_root: Option<&[u8; 32]>) -> Result<Scalar, WalletError> {
    let t = match merkle_root {
        Some(root) => tagged_hash("TapTweak", &[internal_x, root]),
        None => tagged_hash("TapTweak", &[internal_x]),
    };
    // BIP-341 taproot_tweak_seckey: fail if t ≥ n.
    Option::from(Scalar::from_repr(t.into())).ok_or(WalletError::SigningFailed)
}

/// The BIP-341 tweaked secret: negate d if P has odd y, then add t (fails if the sum is 0).
pub fn tweak_secret(key: &SecretKey, merkle_root: Option<&[u8; 32]>) -> Result<SecretKey, WalletError> {
    let public = public_key_of(key);
    let mut d = Zeroizing::new(*key.to_nonzero_scalar());
    if bool::from(public.as_affine().y_is_odd()) {
        *d = -*d;
    }
    let mut x = [0u8; 32];
    x.copy_from_slice(&public.as_affine().x());
    let t = taptweak(&x, merkle_root)?;
    let tweaked = Zeroizing::new(*d + t);
    let nonzero: Option<NonZeroScalar> = NonZeroScalar::new(*tweaked).into();
    nonzero.map(SecretKey::from).ok_or(WalletError::SigningFailed)
}

/// The public key of `key`, by k256's precomputed generator tables (several times faster
/// than `SecretKey::public_key`, which multiplies the generator as any point).
pub fn public_key_of(key: &SecretKey) -> PublicKey {
    let point = ProjectivePoint::mul_by_generator(&*key.to_nonzero_scalar()).to_affine();
    // A nonzero scalar times G is never the identity.
    PublicKey::from_affine(point).unwrap_or_else(|_| key.public_key())
}

/// A BIP-340 signature of a message (32 bytes in Bitcoin; BIP-340 allows any length) with the
/// caller's auxiliary randomness (all zeros is allowed and deterministic; fresh randomness
/// protects against fault attacks). The BIP's "Default Signing" algorithm, step by step, with
/// both point multiplications on the generator's precomputed tables.
pub fn schnorr_sign(key: &SecretKey, msg: &[u8], aux_rand: &[u8; 32]) -> Result<[u8; 64], WalletError> {
    let d0 = Zeroizing::new(*key.to_nonzero_scalar());
    let p = ProjectivePoint::mul_by_generator(&*d0).to_affine();
    let d = Zeroizing::new(if bool::from(p.y_is_odd()) { -*d0 } else { *d0 });
    let px = p.x();
    let mut t = Zeroizing::new(tagged_hash("BIP0340/aux", &[aux_rand]));
    for (a, b) in t.iter_mut().zip(d.to_repr().iter()) {
        *a ^= b;
    }
    let rand = Zeroizing::new(tagged_hash("BIP0340/nonce", &[&t[..], &px, msg]));
    let k0 = Zeroizing::new(<Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(*rand)));
    if bool::from(k0.is_zero()) {
        return Err(WalletError::SigningFailed);
    }
    let r = ProjectivePoint::mul_by_generator(&*k0).to_affine();
    let k = Zeroizing::new(if bool::from(r.y_is_odd()) { -*k0 } else { *k0 });
    let rx = r.x();
    let e =
        <Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(tagged_hash("BIP0340/challenge", &[&rx, &px, msg])));
    let s = *k + e * *d;
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(&rx);
    sig[32..].copy_from_slice(&s.to_repr());
    Ok(sig)
}

/// BIP-341 key-path signature: tweak the key by the output's merkle root, then BIP-340.
pub fn taproot_key_sign(
    internal: &SecretKey,
    merkle_root: Option<&[u8; 32]>,
    sighash: &[u8; 32],
    aux_rand: &[u8; 32],
) -> Result<[u8; 64], WalletError> {
    // SecretKey zeroizes itself on drop.
    let tweaked = tweak_secret(internal, merkle_root)?;
    schnorr_sign(&tweaked, sighash, aux_rand)
}

/// BIP-340 verification of a 64-byte signature under an x-only key. Any malformed part
/// (key not on the curve, r ≥ p, s ≥ n) is simply a failed verification.
pub fn schnorr_verify(x_only: &[u8], msg: &[u8], sig: &[u8]) -> bool {
    crate::btc::ecverify::schnorr_verify(x_only, msg, sig)
}

#[cfg(test)]
mod tests {
    use super::Drbg;

    #[test]
    fn drbg_outputs_equal_the_rfc6979_crates() {
        for (x, h, data) in [([1u8; 32], [2u8; 32], &[][..]), ([0xff; 32], [0; 32], &[3u8; 32][..])] {
            let mut ours = Drbg::new(&x, &h, data);
            let mut theirs = rfc6979::HmacDrbg::<sha2::Sha256>::new(&x, &h, data);
            for _ in 0..4 {
                let mut want = [0u8; 32];
                theirs.fill_bytes(&mut want);
                assert_eq!(ours.next(), want);
            }
        }
    }
}
