//! Writing PSBTs in Bitcoin Core's field order (psbt.h `Serialize`): known fields by
//! ascending key type, then proprietary, then unknown fields, each map ending in 0x00.
//! Core orders partial signatures by the key's HASH160 (its `CKeyID` map) and global xpubs by
//! key origin; we do the same so our output matches Core's byte for byte.

use super::key::*;
use super::{Input, KeySource, Output, Psbt, RawMap, TapKeySource, MAGIC};
use crate::btc::encoding::{witness_len, write_compact_size, write_var_bytes, write_witness};
use crate::btc::hash::hash160;

fn pair(out: &mut Vec<u8>, key_type: u64, key_data: &[u8], value: &[u8]) {
    let mut key = Vec::with_capacity(9 + key_data.len());
    write_compact_size(&mut key, key_type);
    key.extend_from_slice(key_data);
    write_var_bytes(out, &key);
    write_var_bytes(out, value);
}

fn key_source(s: &KeySource) -> Vec<u8> {
    let mut v = Vec::with_capacity(4 + 4 * s.path.len());
    v.extend_from_slice(&s.fingerprint);
    for n in &s.path {
        v.extend_from_slice(&n.to_le_bytes());
    }
    v
}

fn tap_key_source(s: &TapKeySource) -> Vec<u8> {
    let mut v = Vec::new();
    write_compact_size(&mut v, s.leaf_hashes.len() as u64);
    for h in &s.leaf_hashes {
        v.extend_from_slice(h);
    }
    v.extend_from_slice(&key_source(&s.source));
    v
}

fn raw(out: &mut Vec<u8>, map: &RawMap) {
    for (k, v) in map {
        write_var_bytes(out, k);
        write_var_bytes(out, v);
    }
}

pub(super) fn serialize(psbt: &Psbt) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(MAGIC);
    if psbt.version == 0 {
        // The unsigned tx can always be built in v0 (its lock time is the fallback).
        let tx = psbt.unsigned_tx().unwrap_or_default();
        pair(&mut out, GLOBAL_UNSIGNED_TX, &[], &tx.to_bytes_no_witness());
    }
    let mut xpubs: Vec<_> = psbt.xpubs.iter().collect();
    xpubs.sort_by(|a, b| (a.1, a.0).cmp(&(b.1, b.0)));
    for (xpub, source) in xpubs {
        pair(&mut out, GLOBAL_XPUB, xpub, &key_source(source));
    }
    if psbt.version == 2 {
        pair(&mut out, GLOBAL_TX_VERSION, &[], &psbt.tx_version.to_le_bytes());
        if let Some(t) = psbt.fallback_locktime {
            pair(&mut out, GLOBAL_FALLBACK_LOCKTIME, &[], &t.to_le_bytes());
        }
        let mut n = Vec::new();
        write_compact_size(&mut n, psbt.inputs.len() as u64);
        pair(&mut out, GLOBAL_INPUT_COUNT, &[], &n);
        n.clear();
        write_compact_size(&mut n, psbt.outputs.len() as u64);
        pair(&mut out, GLOBAL_OUTPUT_COUNT, &[], &n);
        if let Some(m) = psbt.tx_modifiable {
            pair(&mut out, GLOBAL_TX_MODIFIABLE, &[], &[m]);
        }
    }
    if psbt.version != 0 {
        pair(&mut out, GLOBAL_VERSION, &[], &psbt.version.to_le_bytes());
    }
    raw(&mut out, &psbt.proprietary);
    raw(&mut out, &psbt.unknown);
    out.push(0);
    for input in &psbt.inputs {
        write_input(&mut out, input, psbt.version);
    }
    for output in &psbt.outputs {
        write_output(&mut out, output, psbt.version);
    }
    out
}

fn write_input(out: &mut Vec<u8>, i: &Input, version: u32) {
    if let Some(tx) = &i.non_witness_utxo {
        pair(out, IN_NON_WITNESS_UTXO, &[], &tx.to_bytes());
    }
    if let Some(o) = &i.witness_utxo {
        pair(out, IN_WITNESS_UTXO, &[], &o.to_bytes());
    }
    let mut sigs: Vec<_> = i.partial_sigs.iter().map(|(k, v)| (hash160(k), k, v)).collect();
    sigs.sort();
    for (_, k, v) in sigs {
        pair(out, IN_PARTIAL_SIG, k, v);
    }
    if let Some(t) = i.sighash_type {
        pair(out, IN_SIGHASH_TYPE, &[], &t.to_le_bytes());
    }
    if let Some(s) = &i.redeem_script {
        pair(out, IN_REDEEM_SCRIPT, &[], s);
    }
    if let Some(s) = &i.witness_script {
        pair(out, IN_WITNESS_SCRIPT, &[], s);
    }
    for (k, s) in &i.bip32_derivation {
        pair(out, IN_BIP32_DERIVATION, k, &key_source(s));
    }
    if let Some(s) = &i.final_script_sig {
        pair(out, IN_FINAL_SCRIPTSIG, &[], s);
    }
    if let Some(w) = &i.final_script_witness {
        let mut v = Vec::with_capacity(witness_len(w));
        write_witness(&mut v, w);
        pair(out, IN_FINAL_SCRIPTWITNESS, &[], &v);
    }
    for (h, p) in &i.ripemd160_preimages {
        pair(out, IN_RIPEMD160, h, p);
    }
    for (h, p) in &i.sha256_preimages {
        pair(out, IN_SHA256, h, p);
    }
    for (h, p) in &i.hash160_preimages {
        pair(out, IN_HASH160, h, p);
    }
    for (h, p) in &i.hash256_preimages {
        pair(out, IN_HASH256, h, p);
    }
    if version == 2 {
        pair(out, IN_PREVIOUS_TXID, &[], &i.previous_output.txid.0);
        pair(out, IN_OUTPUT_INDEX, &[], &i.previous_output.vout.to_le_bytes());
        if let Some(s) = i.sequence {
            pair(out, IN_SEQUENCE, &[], &s.to_le_bytes());
        }
        if let Some(t) = i.required_time_locktime {
            pair(out, IN_REQUIRED_TIME_LOCKTIME, &[], &t.to_le_bytes());
        }
        if let Some(h) = i.required_height_locktime {
            pair(out, IN_REQUIRED_HEIGHT_LOCKTIME, &[], &h.to_le_bytes());
        }
    }
    if let Some(s) = &i.tap_key_sig {
        pair(out, IN_TAP_KEY_SIG, &[], s);
    }
    for ((x, leaf), s) in &i.tap_script_sigs {
        pair(out, IN_TAP_SCRIPT_SIG, &[&x[..], &leaf[..]].concat(), s);
    }
    for (cb, (script, leaf_version)) in &i.tap_leaf_scripts {
        pair(out, IN_TAP_LEAF_SCRIPT, cb, &[&script[..], &[*leaf_version]].concat());
    }
    for (x, s) in &i.tap_bip32_derivation {
        pair(out, IN_TAP_BIP32_DERIVATION, x, &tap_key_source(s));
    }
    if let Some(k) = &i.tap_internal_key {
        pair(out, IN_TAP_INTERNAL_KEY, &[], k);
    }
    if let Some(r) = &i.tap_merkle_root {
        pair(out, IN_TAP_MERKLE_ROOT, &[], r);
    }
    raw(out, &i.proprietary);
    raw(out, &i.unknown);
    out.push(0);
}

fn write_output(out: &mut Vec<u8>, o: &Output, version: u32) {
    if let Some(s) = &o.redeem_script {
        pair(out, OUT_REDEEM_SCRIPT, &[], s);
    }
    if let Some(s) = &o.witness_script {
        pair(out, OUT_WITNESS_SCRIPT, &[], s);
    }
    for (k, s) in &o.bip32_derivation {
        pair(out, OUT_BIP32_DERIVATION, k, &key_source(s));
    }
    if version == 2 {
        pair(out, OUT_AMOUNT, &[], &o.amount.to_sat().to_le_bytes());
        pair(out, OUT_SCRIPT, &[], &o.script_pubkey);
    }
    if let Some(k) = &o.tap_internal_key {
        pair(out, OUT_TAP_INTERNAL_KEY, &[], k);
    }
    if let Some(tree) = &o.tap_tree {
        let mut v = Vec::new();
        for leaf in tree {
            v.push(leaf.depth);
            v.push(leaf.leaf_version);
            write_var_bytes(&mut v, &leaf.script);
        }
        pair(out, OUT_TAP_TREE, &[], &v);
    }
    for (x, s) in &o.tap_bip32_derivation {
        pair(out, OUT_TAP_BIP32_DERIVATION, x, &tap_key_source(s));
    }
    raw(out, &o.proprietary);
    raw(out, &o.unknown);
    out.push(0);
}
