//! The Input Finalizer and Transaction Extractor (BIP-174): turn partial signatures into
//! final scriptSigs and witnesses for P2PKH, P2SH-P2WPKH, P2WPKH, P2SH/P2WSH/P2SH-P2WSH
//! multisig, and P2TR key and script paths; then build the network transaction.

use super::taproot::control_block_commits;
use super::verify::{check_input, SigCheck};
use super::{Input, Psbt, PsbtError};
use crate::btc::hash::{hash160, sha256};
use crate::btc::script::{op, Builder, Instruction, ScriptKind};
use crate::btc::sighash::{tapleaf_hash, SighashCache};
use crate::btc::tx::{Transaction, TxOut};

/// What [`Psbt::finalize`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FinalizeReport {
    /// Inputs finalized by this call.
    pub finalized: Vec<usize>,
    /// Inputs that could not be finalized yet, and why.
    pub pending: Vec<(usize, &'static str)>,
    /// Whether every input is now final (the transaction can be extracted).
    pub complete: bool,
}

struct Final {
    script_sig: Vec<u8>,
    witness: Option<Vec<Vec<u8>>>,
}

impl Psbt {
    /// Finalizes every input that has what it needs; leaves the others untouched.
    ///
    /// Every signature an input carries is verified against its key and the input's
    /// sighash before the input is finalized: one that does not verify is
    /// [`PsbtError::InvalidSignature`] and nothing is changed, so a bad cosigner's signature
    /// never becomes a transaction the network refuses. A taproot signature that cannot be
    /// checked (the other inputs' spent outputs are unknown) leaves its input pending.
    pub fn finalize(&mut self) -> Result<FinalizeReport, PsbtError> {
        let tx = self.unsigned_tx()?;
        let spent = self.spent_outputs();
        let all: Option<Vec<TxOut>> = spent.iter().cloned().collect();
        let mut cache = SighashCache::new(&tx);
        let mut report = FinalizeReport::default();
        let mut finals = Vec::new();
        for (i, (input, out)) in self.inputs.iter().zip(&spent).enumerate() {
            if input.is_finalized() {
                continue;
            }
            let Some(out) = out else {
                report.pending.push((i, "the spent output is unknown or inconsistent"));
                continue;
            };
            match finalize_input(input, out) {
                Ok(f) => match check_input(&mut cache, i, input, out, all.as_deref()) {
                    SigCheck::Valid => finals.push((i, f)),
                    SigCheck::Invalid => return Err(PsbtError::InvalidSignature(i)),
                    SigCheck::Unknown => report
                        .pending
                        .push((i, "a taproot signature cannot be checked without every input's spent output")),
                },
                Err(why) => report.pending.push((i, why)),
            }
        }
        for (i, f) in finals {
            let input = &mut self.inputs[i];
            clear_non_final(input);
            input.final_script_sig = (!f.script_sig.is_empty()).then_some(f.script_sig);
            input.final_script_witness = f.witness;
            report.finalized.push(i);
        }
        report.complete = self.inputs.iter().all(Input::is_finalized);
        Ok(report)
    }

    /// The signed network transaction; every input must be finalized.
    pub fn extract(&self) -> Result<Transaction, PsbtError> {
        let mut tx = self.unsigned_tx()?;
        for (i, (txin, input)) in tx.inputs.iter_mut().zip(&self.inputs).enumerate() {
            if !input.is_finalized() {
                return Err(PsbtError::NotFinalized(i));
            }
            txin.script_sig = input.final_script_sig.clone().unwrap_or_default();
            txin.witness = input.final_script_witness.clone().unwrap_or_default();
        }
        Ok(tx)
    }
}

/// BIP-174: the finalizer removes everything but the UTXOs, the final fields and fields it
/// does not know (proprietary and unknown); the v2 transaction fields stay.
fn clear_non_final(i: &mut Input) {
    i.partial_sigs.clear();
    i.sighash_type = None;
    i.redeem_script = None;
    i.witness_script = None;
    i.bip32_derivation.clear();
    i.ripemd160_preimages.clear();
    i.sha256_preimages.clear();
    i.hash160_preimages.clear();
    i.hash256_preimages.clear();
    i.tap_key_sig = None;
    i.tap_script_sigs.clear();
    i.tap_leaf_scripts.clear();
    i.tap_bip32_derivation.clear();
    i.tap_internal_key = None;
    i.tap_merkle_root = None;
}

fn push_all(items: &[&[u8]]) -> Vec<u8> {
    items.iter().fold(Builder::new(), |b, item| b.push_slice(item)).into_bytes()
}

/// The signature by a key hashing to `h` (compressed keys only for segwit).
fn sig_for_hash<'a>(input: &'a Input, h: &[u8; 20], segwit: bool) -> Option<(&'a [u8], &'a [u8])> {
    input
        .partial_sigs
        .iter()
        .find(|(k, _)| (!segwit || k.len() == 33) && hash160(k) == *h)
        .map(|(k, s)| (k.as_slice(), s.as_slice()))
}

/// Signatures satisfying `script` (bare multisig or `<key> OP_CHECKSIG`), bottom of the
/// stack first, with the leading dummy element CHECKMULTISIG consumes.
fn satisfy_ecdsa_script(input: &Input, script: &[u8]) -> Option<Vec<Vec<u8>>> {
    match ScriptKind::of(script) {
        ScriptKind::Multisig { required, keys } => {
            let sigs: Vec<Vec<u8>> =
                keys.iter().filter_map(|k| input.partial_sigs.get(k).cloned()).take(usize::from(required)).collect();
            if sigs.len() < usize::from(required) {
                return None;
            }
            Some(core::iter::once(Vec::new()).chain(sigs).collect())
        }
        ScriptKind::P2pk(key) => Some(vec![input.partial_sigs.get(&key)?.clone()]),
        _ => None,
    }
}

fn finalize_input(input: &Input, spent: &TxOut) -> Result<Final, &'static str> {
    let script_kind = ScriptKind::of(&spent.script_pubkey);
    match script_kind {
        ScriptKind::P2pkh(h) => {
            let (key, sig) = sig_for_hash(input, &h, false).ok_or("no signature")?;
            Ok(Final { script_sig: push_all(&[sig, key]), witness: None })
        }
        ScriptKind::P2wpkh(h) => {
            let (key, sig) = sig_for_hash(input, &h, true).ok_or("no signature")?;
            Ok(Final { script_sig: Vec::new(), witness: Some(vec![sig.to_vec(), key.to_vec()]) })
        }
        ScriptKind::P2wsh(h) => {
            let ws = input.witness_script.as_ref().ok_or("no witness script")?;
            if sha256(ws) != h {
                return Err("the witness script does not match the output");
            }
            let mut stack = satisfy_ecdsa_script(input, ws).ok_or("not enough signatures for the witness script")?;
            stack.push(ws.clone());
            Ok(Final { script_sig: Vec::new(), witness: Some(stack) })
        }
        ScriptKind::P2sh(h) => {
            let redeem = input.redeem_script.as_ref().ok_or("no redeem script")?;
            if hash160(redeem) != h {
                return Err("the redeem script does not match the output");
            }
            let push_redeem = push_all(&[redeem]);
            match ScriptKind::of(redeem) {
                ScriptKind::P2wpkh(h) => {
                    let (key, sig) = sig_for_hash(input, &h, true).ok_or("no signature")?;
                    Ok(Final { script_sig: push_redeem, witness: Some(vec![sig.to_vec(), key.to_vec()]) })
                }
                ScriptKind::P2wsh(h) => {
                    let ws = input.witness_script.as_ref().ok_or("no witness script")?;
                    if sha256(ws) != h {
                        return Err("the witness script does not match the redeem script");
                    }
                    let mut stack =
                        satisfy_ecdsa_script(input, ws).ok_or("not enough signatures for the witness script")?;
                    stack.push(ws.clone());
                    Ok(Final { script_sig: push_redeem, witness: Some(stack) })
                }
                _ => {
                    let stack =
                        satisfy_ecdsa_script(input, redeem).ok_or("not enough signatures for the redeem script")?;
                    let mut items: Vec<&[u8]> = stack.iter().map(Vec::as_slice).collect();
                    items.push(redeem);
                    Ok(Final { script_sig: push_all(&items), witness: None })
                }
            }
        }
        ScriptKind::P2tr(q) => {
            if let Some(sig) = &input.tap_key_sig {
                return Ok(Final { script_sig: Vec::new(), witness: Some(vec![sig.clone()]) });
            }
            let mut best: Option<Vec<Vec<u8>>> = None;
            for (cb, (script, leaf_version)) in &input.tap_leaf_scripts {
                if !control_block_commits(cb, script, *leaf_version, &q) {
                    continue;
                }
                let leaf = tapleaf_hash(*leaf_version, script);
                let Some(mut stack) = satisfy_tapscript(input, script, &leaf) else { continue };
                stack.push(script.clone());
                stack.push(cb.clone());
                let size: usize = stack.iter().map(Vec::len).sum();
                if best.as_ref().is_none_or(|b| size < b.iter().map(Vec::len).sum()) {
                    best = Some(stack);
                }
            }
            let witness = best.ok_or("no key-path signature and no satisfiable script leaf")?;
            Ok(Final { script_sig: Vec::new(), witness: Some(witness) })
        }
        _ => Err("unsupported output type"),
    }
}

/// Witness items (bottom first) satisfying a tapscript made of single-key checks:
/// `<k> CHECKSIG`, `<k1> CHECKSIGVERIFY … <kn> CHECKSIG`, or the BIP-342 threshold form
/// `<k1> CHECKSIG <k2> CHECKSIGADD … <kn> CHECKSIGADD <m> NUMEQUAL`.
fn satisfy_tapscript(input: &Input, script: &[u8], leaf: &[u8; 32]) -> Option<Vec<Vec<u8>>> {
    const OP_CHECKSIGVERIFY: u8 = 0xad;
    const OP_NUMEQUAL: u8 = 0x9c;
    let ins = crate::btc::script::instructions(script)?;
    let sig = |k: &[u8]| -> Option<Vec<u8>> {
        let x: [u8; 32] = k.try_into().ok()?;
        input.tap_script_sigs.get(&(x, *leaf)).cloned()
    };
    // Threshold form.
    if let [Instruction::Push(k1), Instruction::Op(op::OP_CHECKSIG), rest @ .., m, Instruction::Op(OP_NUMEQUAL)] =
        ins.as_slice()
    {
        let m = match m {
            Instruction::Op(o) if (op::OP_1..=op::OP_16).contains(o) => usize::from(o - op::OP_1 + 1),
            Instruction::Push(d) if d.len() == 1 => usize::from(d[0]),
            _ => return None,
        };
        let mut keys = vec![*k1];
        for pair in rest.chunks(2) {
            match pair {
                [Instruction::Push(k), Instruction::Op(op::OP_CHECKSIGADD)] => keys.push(k),
                _ => return None,
            }
        }
        let sigs: Vec<Option<Vec<u8>>> = keys.iter().map(|k| sig(k)).collect();
        if sigs.iter().flatten().count() < m {
            return None;
        }
        // Use exactly m signatures (extra ones would make NUMEQUAL fail), the rest empty.
        let mut used = 0;
        let mut items: Vec<Vec<u8>> = sigs
            .into_iter()
            .map(|s| match s {
                Some(s) if used < m => {
                    used += 1;
                    s
                }
                _ => Vec::new(),
            })
            .collect();
        items.reverse();
        return Some(items);
    }
    // A chain of CHECKSIGVERIFYs ending in CHECKSIG: every key must sign.
    let mut items = Vec::new();
    let n = ins.len();
    if n < 2 || n % 2 != 0 {
        return None;
    }
    for (j, pair) in ins.chunks(2).enumerate() {
        let last = j == n / 2 - 1;
        match pair {
            [Instruction::Push(k), Instruction::Op(o)]
                if (*o == op::OP_CHECKSIG && last) || (*o == OP_CHECKSIGVERIFY && !last) =>
            {
                items.push(sig(k)?);
            }
            _ => return None,
        }
    }
    items.reverse();
    Some(items)
}
