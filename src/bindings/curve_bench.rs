//! Bare curve operations for the benchmarks (tests/bench), timed against libsecp256k1
//! (npm tiny-secp256k1) and @noble/secp256k1 call for call. The page never calls these:
//! its keys live in a `Wallet`. They take keys from the caller and return only signatures.

use crate::wallet::sign::{ecdsa_sign, schnorr_sign, schnorr_verify, NonceMode};
use wasm_bindgen::prelude::*;

fn bad(what: &str) -> JsValue {
    js_sys::Error::new(what).into()
}

/// RFC 6979 ECDSA (low S) of a 32-byte digest: the 64-byte compact signature. `low_r`
/// grinds as the wallet does by default (Bitcoin Core's extra-entropy counter until R < 2^255);
/// without it, plain RFC 6979, one nonce, as libsecp256k1's `secp256k1_ecdsa_sign`.
#[wasm_bindgen(js_name = benchEcdsaSign)]
pub fn bench_ecdsa_sign(secret: &[u8], digest: &[u8], low_r: bool) -> Result<Vec<u8>, JsValue> {
    let key = k256::SecretKey::from_slice(secret).map_err(|_| bad("bad secret key"))?;
    let digest: &[u8; 32] = digest.try_into().map_err(|_| bad("digest must be 32 bytes"))?;
    let mode = if low_r { NonceMode::LowR } else { NonceMode::Plain };
    let sig = ecdsa_sign(&key, digest, mode).map_err(|_| bad("signing failed"))?;
    Ok(sig.signature.to_bytes().to_vec())
}

/// Verifies a 64-byte compact ECDSA signature under a SEC1 public key.
#[wasm_bindgen(js_name = benchEcdsaVerify)]
pub fn bench_ecdsa_verify(public: &[u8], digest: &[u8], sig: &[u8]) -> bool {
    let (Ok(key), Ok(sig), Ok(digest)) = (
        k256::PublicKey::from_sec1_bytes(public),
        k256::ecdsa::Signature::from_slice(sig),
        <&[u8; 32]>::try_from(digest),
    ) else {
        return false;
    };
    crate::btc::ecverify::ecdsa_verify_prehash(key.as_affine(), digest, &sig)
}

/// BIP-340 signature of a 32-byte message with 32 bytes of auxiliary randomness.
#[wasm_bindgen(js_name = benchSchnorrSign)]
pub fn bench_schnorr_sign(secret: &[u8], msg: &[u8], aux: &[u8]) -> Result<Vec<u8>, JsValue> {
    let key = k256::SecretKey::from_slice(secret).map_err(|_| bad("bad secret key"))?;
    let aux: &[u8; 32] = aux.try_into().map_err(|_| bad("aux must be 32 bytes"))?;
    Ok(schnorr_sign(&key, msg, aux).map_err(|_| bad("signing failed"))?.to_vec())
}

/// BIP-340 verification under an x-only key.
#[wasm_bindgen(js_name = benchSchnorrVerify)]
pub fn bench_schnorr_verify(x_only: &[u8], msg: &[u8], sig: &[u8]) -> bool {
    schnorr_verify(x_only, msg, sig)
}
