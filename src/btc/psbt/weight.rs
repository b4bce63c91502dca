//! The weight a PSBT's transaction will have once signed, estimated before signing so the
//! fee rate shown is the one the network will see.
//!
//! Each input's final scriptSig and witness are sized from the script it spends, with
//! signatures at their largest standard size (72 bytes with the sighash byte for ECDSA, as
//! Core's `DUMMY_MAXIMUM_SIGNATURE_CREATOR`; 64 or 65 for Schnorr). Finalized inputs count
//! at their real size.

use super::{Input, Psbt};
use crate::btc::encoding::compact_size_len;
use crate::btc::script::{instructions, Instruction, ScriptKind};
use crate::btc::tx::{Transaction, TxOut};

/// ECDSA DER with low S plus the sighash byte, at most.
const ECDSA_SIG: usize = 72;
/// A compressed public key.
const PUBKEY: usize = 33;

/// Byte lengths of the final scriptSig and of each witness item.
struct Shape {
    script_sig: usize,
    witness: Vec<usize>,
}

fn push_len(n: usize) -> usize {
    match n {
        0..=75 => 1 + n,
        76..=255 => 2 + n,
        256..=65535 => 3 + n,
        _ => 5 + n,
    }
}

fn key_len(input: &Input) -> usize {
    input.bip32_derivation.keys().chain(input.partial_sigs.keys()).map(Vec::len).next().unwrap_or(PUBKEY)
}

/// Witness items (or scriptSig pushes) a script needs: `None` for scripts we cannot size.
fn ecdsa_script_items(script: &[u8]) -> Option<Vec<usize>> {
    match ScriptKind::of(script) {
        ScriptKind::Multisig { required, .. } => {
            Some(core::iter::once(0).chain((0..required).map(|_| ECDSA_SIG)).collect())
        }
        ScriptKind::P2pk(_) => Some(vec![ECDSA_SIG]),
        _ => None,
    }
}

fn schnorr_len(input: &Input) -> usize {
    match input.sighash_type {
        None | Some(0) => 64,
        _ => 65,
    }
}

/// Witness items for the cheapest tapscript leaf: a signature per 32-byte key push
/// (an upper bound for threshold scripts), the script and the control block.
fn tapscript_items(input: &Input) -> Option<Vec<usize>> {
    input
        .tap_leaf_scripts
        .iter()
        .map(|(cb, (script, _))| {
            let keys = instructions(script)
                .map_or(0, |ins| ins.iter().filter(|i| matches!(i, Instruction::Push(k) if k.len() == 32)).count());
            let mut items = vec![schnorr_len(input); keys];
            items.push(script.len());
            items.push(cb.len());
            items
        })
        .min_by_key(|items| items.iter().map(|n| n + 1).sum::<usize>())
}

fn shape(input: &Input, spent: Option<&TxOut>) -> Option<Shape> {
    if input.is_finalized() {
        return Some(Shape {
            script_sig: input.final_script_sig.as_ref().map_or(0, Vec::len),
            witness: input.final_script_witness.as_ref().map_or_else(Vec::new, |w| w.iter().map(Vec::len).collect()),
        });
    }
    let spk = &spent?.script_pubkey;
    let witness_only = |witness| Some(Shape { script_sig: 0, witness });
    match ScriptKind::of(spk) {
        ScriptKind::P2pkh(_) => {
            Some(Shape { script_sig: push_len(ECDSA_SIG) + push_len(key_len(input)), witness: vec![] })
        }
        ScriptKind::P2pk(_) => Some(Shape { script_sig: push_len(ECDSA_SIG), witness: vec![] }),
        ScriptKind::P2wpkh(_) => witness_only(vec![ECDSA_SIG, PUBKEY]),
        ScriptKind::P2wsh(_) => {
            let ws = input.witness_script.as_ref()?;
            let mut items = ecdsa_script_items(ws)?;
            items.push(ws.len());
            witness_only(items)
        }
        ScriptKind::P2sh(_) => {
            let redeem = input.redeem_script.as_ref()?;
            let script_sig = push_len(redeem.len());
            match ScriptKind::of(redeem) {
                ScriptKind::P2wpkh(_) => Some(Shape { script_sig, witness: vec![ECDSA_SIG, PUBKEY] }),
                ScriptKind::P2wsh(_) => {
                    let ws = input.witness_script.as_ref()?;
                    let mut items = ecdsa_script_items(ws)?;
                    items.push(ws.len());
                    Some(Shape { script_sig, witness: items })
                }
                _ => {
                    let items = ecdsa_script_items(redeem)?;
                    let pushes: usize = items.iter().map(|&n| if n == 0 { 1 } else { push_len(n) }).sum();
                    Some(Shape { script_sig: script_sig + pushes, witness: vec![] })
                }
            }
        }
        ScriptKind::P2tr(_) => {
            // Key path unless only script leaves are known (then the internal key is
            // likely a provably unspendable one, BIP-341 "NUMS").
            let key_path_known = input.tap_key_sig.is_some()
                || input.tap_leaf_scripts.is_empty()
                || input.tap_internal_key.is_some_and(|k| input.tap_bip32_derivation.contains_key(&k));
            if key_path_known {
                witness_only(vec![input.tap_key_sig.as_ref().map_or(schnorr_len(input), Vec::len)])
            } else {
                witness_only(tapscript_items(input)?)
            }
        }
        _ => None,
    }
}

/// Estimated weight units of `tx` (the PSBT's unsigned transaction) once signed, or `None`
/// when some input spends a script we cannot size (or its UTXO is missing). Counted, not
/// built: BIP-141's weight is the size without witnesses × 4 plus the witness bytes.
pub(super) fn estimated_weight(psbt: &Psbt, tx: &Transaction, spent: &[Option<TxOut>]) -> Option<usize> {
    let var_len = |n: usize| compact_size_len(n as u64) + n;
    let (mut base, mut witness, mut any_witness) = (tx.base_size(), 0, false);
    for ((txin, input), spent) in tx.inputs.iter().zip(&psbt.inputs).zip(spent) {
        let s = shape(input, spent.as_ref())?;
        base = base - var_len(txin.script_sig.len()) + var_len(s.script_sig);
        witness += compact_size_len(s.witness.len() as u64) + s.witness.iter().map(|&n| var_len(n)).sum::<usize>();
        any_witness |= !s.witness.is_empty();
    }
    // The BIP-144 marker and flag, and the stacks, only when some input has a witness.
    Some(base * 4 + if any_witness { 2 + witness } else { 0 })
}
