//! What each PSBT signature commits to, and whether it verifies: the signer uses the first
//! to know what to sign, review uses the second to flag a cosigner's bad signature before
//! it is finalized into a transaction the network would refuse.

use super::{Input, Psbt};
use crate::btc::hash::{hash160, sha256};
use crate::btc::script::{self, ScriptKind};
use crate::btc::sighash::{SighashCache, TaprootSpend};
use crate::btc::tx::{Transaction, TxOut};

/// The script an ECDSA signature signs (BIP-143's scriptCode, or the legacy one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScriptCode {
    /// A legacy (pre-segwit) spend: the legacy sighash over this script.
    Legacy(Vec<u8>),
    /// A segwit v0 spend: BIP-143 over this script code.
    SegwitV0(Vec<u8>),
}

/// What key `pk` signs when `input` spends `spk`, after BIP-174's signer checks (redeem and
/// witness scripts must hash to what they claim). `Ok(None)`: the key is not in the script.
pub fn script_code(input: &Input, spk: &[u8], pk: &[u8]) -> Result<Option<ScriptCode>, &'static str> {
    let h = hash160(pk);
    let contains = |s: &[u8]| match ScriptKind::of(s) {
        ScriptKind::Multisig { keys, .. } => keys.iter().any(|k| k == pk),
        ScriptKind::P2pk(k) => k == pk,
        _ => false,
    };
    let witness_script = |program: [u8; 32]| -> Result<&Vec<u8>, &'static str> {
        let ws = input.witness_script.as_ref().ok_or("no witness script")?;
        if sha256(ws) != program {
            return Err("the witness script does not match");
        }
        Ok(ws)
    };
    Ok(match ScriptKind::of(spk) {
        ScriptKind::P2pkh(k) => (k == h).then(|| ScriptCode::Legacy(spk.to_vec())),
        ScriptKind::P2pk(k) => (k == pk).then(|| ScriptCode::Legacy(spk.to_vec())),
        ScriptKind::P2wpkh(k) => (k == h && pk.len() == 33).then(|| ScriptCode::SegwitV0(script::p2pkh(&h))),
        ScriptKind::P2wsh(p) => {
            let ws = witness_script(p)?;
            contains(ws).then(|| ScriptCode::SegwitV0(ws.clone()))
        }
        ScriptKind::P2sh(sh) => {
            let redeem = input.redeem_script.as_ref().ok_or("no redeem script")?;
            if hash160(redeem) != sh {
                return Err("the redeem script does not match the output");
            }
            match ScriptKind::of(redeem) {
                ScriptKind::P2wpkh(k) => (k == h && pk.len() == 33).then(|| ScriptCode::SegwitV0(script::p2pkh(&h))),
                ScriptKind::P2wsh(p) => {
                    let ws = witness_script(p)?;
                    contains(ws).then(|| ScriptCode::SegwitV0(ws.clone()))
                }
                _ => contains(redeem).then(|| ScriptCode::Legacy(redeem.clone())),
            }
        }
        _ => None,
    })
}

/// Strict DER (BIP-66) with low S (BIP-146 policy) over `digest` by `pk`.
fn ecdsa_ok(pk: &[u8], digest: &[u8; 32], der: &[u8]) -> bool {
    let (Ok(key), Ok(sig)) = (k256::PublicKey::from_sec1_bytes(pk), k256::ecdsa::Signature::from_der(der)) else {
        return false;
    };
    crate::btc::ecverify::ecdsa_verify_prehash(key.as_affine(), digest, &sig)
}

/// BIP-340 over `digest` by x-only `x`.
fn schnorr_ok(x: &[u8], digest: &[u8; 32], sig: &[u8]) -> bool {
    crate::btc::ecverify::schnorr_verify(x, digest, sig)
}

/// A taproot signature's sighash byte: 64 bytes means SIGHASH_DEFAULT; 65 with a 0x00 byte
/// is invalid (BIP-341).
fn split_schnorr(sig: &[u8]) -> Option<(&[u8], u8)> {
    match sig.len() {
        64 => Some((sig, 0)),
        65 if sig[64] != 0 => Some((&sig[..64], sig[64])),
        _ => None,
    }
}

/// How one input's signatures fare against the transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SigCheck {
    /// Every signature it carries verifies.
    Valid,
    /// At least one does not (or signs for a key its script does not name).
    Invalid,
    /// A taproot signature whose sighash needs spent outputs the PSBT does not describe.
    Unknown,
}

/// Checks every signature input `i` carries (ECDSA partial signatures, the taproot key-path
/// signature and script-path signatures) against `out`, the output it spends. `all` is
/// every input's spent output, if known: BIP-341 signs them all, except with ANYONECANPAY.
pub(super) fn check_input(
    cache: &mut SighashCache<'_>,
    i: usize,
    input: &Input,
    out: &TxOut,
    all: Option<&[TxOut]>,
) -> SigCheck {
    for (pk, sig) in &input.partial_sigs {
        let Some((&hash_type, der)) = sig.split_last() else { return SigCheck::Invalid };
        let hash_type = u32::from(hash_type);
        let digest = match script_code(input, &out.script_pubkey, pk) {
            Ok(Some(ScriptCode::Legacy(code))) => cache.legacy(i, &code, hash_type).ok(),
            Ok(Some(ScriptCode::SegwitV0(code))) => cache.segwit_v0(i, &code, out.value, hash_type).ok(),
            // A signature by a key the script does not name cannot count.
            Ok(None) | Err(_) => None,
        };
        if !digest.is_some_and(|d| ecdsa_ok(pk, &d, der)) {
            return SigCheck::Invalid;
        }
    }
    // Taproot fields on an input that is not taproot go into no witness: not judged.
    let ScriptKind::P2tr(q) = ScriptKind::of(&out.script_pubkey) else { return SigCheck::Valid };
    let n_inputs = cache.transaction().inputs.len();
    let key_path = input.tap_key_sig.iter().map(|sig| (q, TaprootSpend::KeyPath { annex: None }, sig));
    let script_path = input.tap_script_sigs.iter().map(|((x, leaf_hash), sig)| {
        (*x, TaprootSpend::ScriptPath { annex: None, leaf_hash: *leaf_hash, codesep_pos: 0xffff_ffff }, sig)
    });
    let mut unknown = false;
    for (key, spend, sig) in key_path.chain(script_path) {
        let Some((raw, hash_type)) = split_schnorr(sig) else { return SigCheck::Invalid };
        // With ANYONECANPAY only this input's spent output is hashed (the others may be
        // unknown); the all-inputs hashes are computed only without it, from `all`.
        let acp_list;
        let spent = match all {
            Some(all) => all,
            None if hash_type & 0x80 != 0 => {
                acp_list =
                    (0..n_inputs).map(|j| if j == i { out.clone() } else { TxOut::default() }).collect::<Vec<_>>();
                &acp_list
            }
            None => {
                unknown = true;
                continue;
            }
        };
        if !cache.taproot(i, spent, hash_type, spend).is_ok_and(|d| schnorr_ok(&key, &d, raw)) {
            return SigCheck::Invalid;
        }
    }
    if unknown {
        SigCheck::Unknown
    } else {
        SigCheck::Valid
    }
}

impl Psbt {
    /// Checks every signature of every input not yet finalized against the transaction:
    /// the inputs holding one that does not verify. Signatures whose sighash cannot be
    /// computed (their UTXO data is missing) are not judged.
    pub fn invalid_signatures(&self) -> Vec<usize> {
        let Ok(tx) = self.unsigned_tx() else { return Vec::new() };
        self.invalid_signatures_in(&tx, &self.spent_outputs())
    }

    /// [`Self::invalid_signatures`] for a caller that has built the unsigned transaction
    /// and the spent outputs already.
    pub(super) fn invalid_signatures_in(&self, tx: &Transaction, spent: &[Option<TxOut>]) -> Vec<usize> {
        let all: Option<Vec<TxOut>> = spent.iter().cloned().collect();
        let mut cache = SighashCache::new(tx);
        let mut bad = Vec::new();
        for (i, (input, out)) in self.inputs.iter().zip(spent).enumerate() {
            let Some(out) = out else { continue };
            if !input.is_finalized() && check_input(&mut cache, i, input, out, all.as_deref()) == SigCheck::Invalid {
                bad.push(i);
            }
        }
        bad
    }
}
