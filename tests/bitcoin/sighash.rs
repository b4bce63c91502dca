//! Signature hashes against Bitcoin Core's sighash.json and the BIP-143/341 examples.

use super::common::{hex, unhex, vectors};
use peerpage::btc::hash::sha256d;
use peerpage::btc::sighash::{SighashCache, TaprootSpend};
use peerpage::btc::{Amount, Transaction, TxOut};

#[test]
fn legacy_sighash_matches_all_500_core_cases() {
    let v = vectors("core_sighash.json");
    let mut checked = 0;
    for case in v.as_array().unwrap().iter().filter(|c| c.as_array().unwrap().len() == 5) {
        let tx_hex = case[0].as_str().unwrap();
        let tx = Transaction::from_bytes(&unhex(tx_hex)).unwrap_or_else(|e| panic!("{tx_hex}: {e}"));
        assert_eq!(hex(&tx.to_bytes()), tx_hex, "re-serialization");
        let script = unhex(case[1].as_str().unwrap());
        let index = case[2].as_u64().unwrap() as usize;
        let hash_type = case[3].as_i64().unwrap() as i32 as u32;
        let mut got = SighashCache::new(&tx).legacy(index, &script, hash_type).unwrap();
        got.reverse(); // Core prints uint256 byte-reversed.
        assert_eq!(hex(&got), case[4].as_str().unwrap(), "case {checked}: {tx_hex}");
        checked += 1;
    }
    assert_eq!(checked, 500);
}

#[test]
fn legacy_single_without_output_signs_one() {
    let v = vectors("bip143_vectors.json");
    let tx = Transaction::from_bytes(&unhex(v["vectors"][0]["unsigned_tx"].as_str().unwrap())).unwrap();
    let mut tx = tx;
    tx.outputs.truncate(1);
    let got = SighashCache::new(&tx).legacy(1, &[0x51], 3).unwrap();
    let mut one = [0u8; 32];
    one[0] = 1;
    assert_eq!(got, one);
    assert_eq!(SighashCache::new(&tx).legacy(2, &[], 1).unwrap_err().code(), "btc.sighash.input-out-of-range");
}

use peerpage::error::CoreError;

#[test]
fn bip143_examples() {
    let v = vectors("bip143_vectors.json");
    for case in v["vectors"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let tx = Transaction::from_bytes(&unhex(case["unsigned_tx"].as_str().unwrap())).unwrap();
        let index = case["signed_input_index"].as_u64().unwrap() as usize;
        let input = case["inputs"].as_array().unwrap().iter().find(|i| i["index"] == index as u64).unwrap();
        let amount = Amount::from_sat(input["amount_sat"].as_u64().unwrap());
        // The vector's scriptCode carries its CompactSize length; our API takes the script.
        let script_code = unhex(case["scriptCode"].as_str().unwrap());
        let script_code = &script_code[1..];
        let hash_type = case["sighash_type"].as_u64().unwrap() as u32;
        let mut cache = SighashCache::new(&tx);
        let got = cache.segwit_v0(index, script_code, amount, hash_type).unwrap();
        assert_eq!(hex(&got), case["sighash"].as_str().unwrap(), "{name}");
        assert_eq!(hex(&sha256d(&unhex(case["sighash_preimage"].as_str().unwrap()))), hex(&got), "{name}");
        // The signed transaction parses, re-serializes byte for byte and keeps the txid.
        let signed_hex = case["signed_tx"].as_str().unwrap();
        let signed = Transaction::from_bytes(&unhex(signed_hex)).unwrap();
        assert_eq!(hex(&signed.to_bytes()), signed_hex);
        assert_eq!(signed.outputs, tx.outputs, "{name}");
        assert_ne!(signed.wtxid(), signed.txid());
        assert_eq!(signed.total_size(), signed_hex.len() / 2);
    }
}

#[test]
fn bip341_key_path_sighashes_for_every_hash_type() {
    let v = vectors("bip341_wallet_test_vectors.json");
    let spending = &v["keyPathSpending"][0];
    let tx = Transaction::from_bytes(&unhex(spending["given"]["rawUnsignedTx"].as_str().unwrap())).unwrap();
    let spent: Vec<TxOut> = spending["given"]["utxosSpent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| TxOut {
            value: Amount::from_sat(u["amountSats"].as_u64().unwrap()),
            script_pubkey: unhex(u["scriptPubKey"].as_str().unwrap()),
        })
        .collect();
    let mut cache = SighashCache::new(&tx);
    let mut seen_types = Vec::new();
    for input in spending["inputSpending"].as_array().unwrap() {
        let index = input["given"]["txinIndex"].as_u64().unwrap() as usize;
        let hash_type = input["given"]["hashType"].as_u64().unwrap() as u8;
        let got = cache.taproot(index, &spent, hash_type, TaprootSpend::KeyPath { annex: None }).unwrap();
        assert_eq!(hex(&got), input["intermediary"]["sigHash"].as_str().unwrap(), "input {index}");
        seen_types.push(hash_type);
    }
    seen_types.sort();
    assert_eq!(seen_types, [0, 1, 2, 3, 0x81, 0x82, 0x83]);
    assert_eq!(
        cache.taproot(0, &spent, 0x04, TaprootSpend::KeyPath { annex: None }).unwrap_err().code(),
        "btc.sighash.invalid-type"
    );
    assert_eq!(
        cache.taproot(0, &spent[1..], 0, TaprootSpend::KeyPath { annex: None }).unwrap_err().code(),
        "btc.sighash.spent-outputs-mismatch"
    );
}

#[test]
fn bip341_annex_and_script_path_change_the_message() {
    // No public vector isolates the annex; check it is committed to (spend_type bit 0) and
    // that the script path commits to the leaf and codeseparator position.
    let v = vectors("bip341_wallet_test_vectors.json");
    let spending = &v["keyPathSpending"][0];
    let tx = Transaction::from_bytes(&unhex(spending["given"]["rawUnsignedTx"].as_str().unwrap())).unwrap();
    let spent: Vec<TxOut> = spending["given"]["utxosSpent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| TxOut {
            value: Amount::from_sat(u["amountSats"].as_u64().unwrap()),
            script_pubkey: unhex(u["scriptPubKey"].as_str().unwrap()),
        })
        .collect();
    let mut c = SighashCache::new(&tx);
    let plain = c.taproot(0, &spent, 0, TaprootSpend::KeyPath { annex: None }).unwrap();
    let annexed = c.taproot(0, &spent, 0, TaprootSpend::KeyPath { annex: Some(&[0x50, 1]) }).unwrap();
    let leaf = |pos| TaprootSpend::ScriptPath { annex: None, leaf_hash: [7; 32], codesep_pos: pos };
    let script = c.taproot(0, &spent, 0, leaf(u32::MAX)).unwrap();
    let script_sep = c.taproot(0, &spent, 0, leaf(3)).unwrap();
    let all = [plain, annexed, script, script_sep];
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            assert_ne!(a, b);
        }
    }
    // SIGHASH_SINGLE needs an output of the same index (BIP-341), unlike legacy's "1".
    assert_eq!(
        c.taproot(3, &spent, 3, TaprootSpend::KeyPath { annex: None }).unwrap_err().code(),
        "btc.sighash.single-without-output"
    );
}
