//! The Combiner (BIP-174): the union of two PSBTs for the same transaction. Where both
//! carry a field, ours is kept (as Core's `PSBTInput::Merge` does).

use super::{Input, Output, Psbt, PsbtError, RawMap};
use std::collections::BTreeMap;

fn union<K: Ord + Clone, V: Clone>(ours: &mut BTreeMap<K, V>, theirs: &BTreeMap<K, V>) {
    for (k, v) in theirs {
        ours.entry(k.clone()).or_insert_with(|| v.clone());
    }
}

fn either<T: Clone>(ours: &mut Option<T>, theirs: &Option<T>) {
    if ours.is_none() {
        ours.clone_from(theirs);
    }
}

fn raw(ours: &mut RawMap, theirs: &RawMap) {
    union(ours, theirs);
}

impl Psbt {
    /// Adds `other`'s fields to this PSBT. Both must describe the same transaction (same
    /// inputs and outputs; BIP-370: same tx version and outpoints). A PSBT of the other
    /// version is converted to ours first.
    pub fn combine(&mut self, other: &Psbt) -> Result<(), PsbtError> {
        let converted;
        let other = if other.version == self.version {
            other
        } else {
            converted = other.to_version(self.version)?;
            &converted
        };
        let same = self.tx_version == other.tx_version
            && self.inputs.len() == other.inputs.len()
            && self.outputs.len() == other.outputs.len()
            && self.inputs.iter().zip(&other.inputs).all(|(a, b)| a.previous_output == b.previous_output)
            && self
                .outputs
                .iter()
                .zip(&other.outputs)
                .all(|(a, b)| a.amount == b.amount && a.script_pubkey == b.script_pubkey)
            && (self.version != 0
                || (self.fallback_locktime == other.fallback_locktime
                    && self.inputs.iter().zip(&other.inputs).all(|(a, b)| a.sequence == b.sequence)));
        if !same {
            return Err(PsbtError::DifferentTransactions);
        }
        either(&mut self.fallback_locktime, &other.fallback_locktime);
        either(&mut self.tx_modifiable, &other.tx_modifiable);
        union(&mut self.xpubs, &other.xpubs);
        raw(&mut self.proprietary, &other.proprietary);
        raw(&mut self.unknown, &other.unknown);
        for (a, b) in self.inputs.iter_mut().zip(&other.inputs) {
            merge_input(a, b);
        }
        for (a, b) in self.outputs.iter_mut().zip(&other.outputs) {
            merge_output(a, b);
        }
        Ok(())
    }
}

fn merge_input(a: &mut Input, b: &Input) {
    either(&mut a.sequence, &b.sequence);
    either(&mut a.required_time_locktime, &b.required_time_locktime);
    either(&mut a.required_height_locktime, &b.required_height_locktime);
    either(&mut a.non_witness_utxo, &b.non_witness_utxo);
    either(&mut a.witness_utxo, &b.witness_utxo);
    union(&mut a.partial_sigs, &b.partial_sigs);
    either(&mut a.sighash_type, &b.sighash_type);
    either(&mut a.redeem_script, &b.redeem_script);
    either(&mut a.witness_script, &b.witness_script);
    union(&mut a.bip32_derivation, &b.bip32_derivation);
    either(&mut a.final_script_sig, &b.final_script_sig);
    either(&mut a.final_script_witness, &b.final_script_witness);
    union(&mut a.ripemd160_preimages, &b.ripemd160_preimages);
    union(&mut a.sha256_preimages, &b.sha256_preimages);
    union(&mut a.hash160_preimages, &b.hash160_preimages);
    union(&mut a.hash256_preimages, &b.hash256_preimages);
    either(&mut a.tap_key_sig, &b.tap_key_sig);
    union(&mut a.tap_script_sigs, &b.tap_script_sigs);
    union(&mut a.tap_leaf_scripts, &b.tap_leaf_scripts);
    union(&mut a.tap_bip32_derivation, &b.tap_bip32_derivation);
    either(&mut a.tap_internal_key, &b.tap_internal_key);
    either(&mut a.tap_merkle_root, &b.tap_merkle_root);
    raw(&mut a.proprietary, &b.proprietary);
    raw(&mut a.unknown, &b.unknown);
}

fn merge_output(a: &mut Output, b: &Output) {
    either(&mut a.redeem_script, &b.redeem_script);
    either(&mut a.witness_script, &b.witness_script);
    union(&mut a.bip32_derivation, &b.bip32_derivation);
    either(&mut a.tap_internal_key, &b.tap_internal_key);
    either(&mut a.tap_tree, &b.tap_tree);
    union(&mut a.tap_bip32_derivation, &b.tap_bip32_derivation);
    raw(&mut a.proprietary, &b.proprietary);
    raw(&mut a.unknown, &b.unknown);
}
