//! PSBT formats judged by the BIP-174, BIP-370 and BIP-371 vectors: every invalid case is
//! refused with a typed error, every valid one parses and writes back to the same bytes, and
//! the Combiner, Finalizer and Extractor roles produce the BIP-174 workflow's bytes exactly.
//! (The Signer role is the wallet's: tests/wallet/psbt.rs.)

use super::common::{hex, unhex, vectors};
use peerpage::btc::psbt::{Psbt, PsbtError, Where};
use peerpage::error::CoreError;
use serde_json::Value;

fn cases<'a>(v: &'a Value, section: &str) -> impl Iterator<Item = (&'a str, Vec<u8>)> {
    v[section]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["description"].as_str().unwrap(), unhex(c["hex"].as_str().unwrap())))
}

fn psbt_hex(v: &Value) -> Vec<u8> {
    unhex(v["expected_psbt"]["hex"].as_str().unwrap())
}

const FILES: [&str; 3] = ["bip174_psbt_vectors.json", "bip370_psbtv2_vectors.json", "bip371_taproot_psbt_vectors.json"];

#[test]
fn every_invalid_vector_is_refused_with_a_typed_error() {
    let mut n = 0;
    for file in FILES {
        let v = vectors(file);
        for (d, bytes) in cases(&v, "invalid") {
            let err = Psbt::from_bytes(&bytes).expect_err(d);
            assert!(err.code().starts_with("btc.psbt."), "{d}: {err}");
            n += 1;
        }
    }
    assert_eq!(n, 20 + 24 + 11);
}

#[test]
fn invalid_vectors_fail_for_the_reason_they_describe() {
    let v = vectors("bip174_psbt_vectors.json");
    let expect = |i: usize| Psbt::from_bytes(&unhex(v["invalid"][i]["hex"].as_str().unwrap())).unwrap_err();
    assert_eq!(expect(0), PsbtError::BadMagic);
    assert_eq!(expect(2), PsbtError::UnsignedTxNotEmpty);
    assert_eq!(expect(3), PsbtError::MissingField { at: Where::Global, key_type: 0 });
    assert_eq!(expect(4), PsbtError::DuplicateKey { at: Where::Input(0), key_type: 0 });
    assert_eq!(expect(7), PsbtError::InvalidKey { at: Where::Input(0), key_type: 2 });
    let v2 = vectors("bip370_psbtv2_vectors.json");
    for c in v2["invalid"].as_array().unwrap() {
        let d = c["description"].as_str().unwrap();
        let err = Psbt::from_bytes(&unhex(c["hex"].as_str().unwrap())).unwrap_err();
        let kind_ok = if d.starts_with("PSBTv0 but with") || d.contains("but with PSBT_GLOBAL_UNSIGNED_TX") {
            matches!(err, PsbtError::WrongVersionField { .. })
        } else if d.contains("missing") {
            matches!(err, PsbtError::MissingField { .. })
        } else {
            matches!(err, PsbtError::InvalidValue { at: Where::Input(0), .. })
        };
        assert!(kind_ok, "{d}: {err:?}");
    }
    let v371 = vectors("bip371_taproot_psbt_vectors.json");
    for c in v371["invalid"].as_array().unwrap() {
        let d = c["description"].as_str().unwrap();
        let err = Psbt::from_bytes(&unhex(c["hex"].as_str().unwrap())).unwrap_err();
        assert!(matches!(err, PsbtError::InvalidKey { .. } | PsbtError::InvalidValue { .. }), "{d}: {err:?}");
    }
}

#[test]
fn every_valid_vector_parses_and_writes_back_the_same_bytes() {
    let mut n = 0;
    for file in FILES {
        let v = vectors(file);
        for section in ["valid", "timelock_determination"] {
            if v[section].is_null() {
                continue;
            }
            for (d, bytes) in cases(&v, section) {
                let psbt = Psbt::from_bytes(&bytes).unwrap_or_else(|e| panic!("{d}: {e}"));
                assert_eq!(hex(&psbt.to_bytes()), hex(&bytes), "{d}");
                // The base64 given parses to the same PSBT, and text input works both ways.
                let b64 = v[section].as_array().unwrap().iter().find(|c| c["description"] == d).unwrap()["base64"]
                    .as_str()
                    .unwrap();
                assert_eq!(Psbt::from_text(b64).unwrap(), psbt, "{d}");
                assert_eq!(Psbt::from_any(hex(&bytes).as_bytes()).unwrap(), psbt, "{d}");
                assert_eq!(
                    Psbt::from_any(format!("\u{feff}{b64}\r\n").as_bytes()).unwrap(),
                    psbt,
                    "{d}: a saved text file"
                );
                assert_eq!(psbt.to_base64(), b64, "{d}");
                n += 1;
            }
        }
    }
    assert_eq!(n, 10 + 14 + 9 + 6);
}

#[test]
fn versions_convert_both_ways_without_loss() {
    for file in FILES {
        let v = vectors(file);
        for (d, bytes) in cases(&v, "valid") {
            let psbt = Psbt::from_bytes(&bytes).unwrap();
            let other = if psbt.version == 0 { 2 } else { 0 };
            let converted = psbt.to_version(other).unwrap();
            let reparsed = Psbt::from_bytes(&converted.to_bytes()).unwrap();
            assert_eq!(reparsed, converted, "{d}");
            assert_eq!(reparsed.unsigned_tx().unwrap(), psbt.unsigned_tx().unwrap(), "{d}: same transaction");
            if psbt.version == 0 {
                assert_eq!(reparsed.to_version(0).unwrap().to_bytes(), bytes, "{d}: v0 → v2 → v0");
            }
        }
    }
}

#[test]
fn bip370_lock_time_determination() {
    let v = vectors("bip370_psbtv2_vectors.json");
    for c in v["timelock_determination"].as_array().unwrap() {
        let psbt = Psbt::from_bytes(&unhex(c["hex"].as_str().unwrap())).unwrap();
        let d = c["description"].as_str().unwrap();
        match c["expected_locktime"].as_u64() {
            Some(t) => assert_eq!(psbt.lock_time().unwrap(), t as u32, "{d}"),
            None => assert_eq!(psbt.lock_time(), Err(PsbtError::LockTimeConflict), "{d}"),
        }
    }
}

#[test]
fn bip174_combiner_finalizer_and_extractor_roles_byte_for_byte() {
    let w = &vectors("bip174_psbt_vectors.json")["workflow"];
    let signed: Vec<Psbt> =
        w["signers"].as_array().unwrap().iter().map(|s| Psbt::from_bytes(&psbt_hex(s)).unwrap()).collect();
    let mut combined = signed[0].clone();
    combined.combine(&signed[1]).unwrap();
    assert_eq!(hex(&combined.to_bytes()), hex(&psbt_hex(&w["combiner"])));
    // Combining is symmetric here: the two signers touched different keys.
    let mut other_way = signed[1].clone();
    other_way.combine(&signed[0]).unwrap();
    assert_eq!(other_way, combined);

    // A v2 copy of one signer's PSBT combines with the other's v0 into the same result.
    let mut mixed = signed[0].clone();
    mixed.combine(&signed[1].to_version(2).unwrap()).unwrap();
    assert_eq!(mixed, combined);

    let report = combined.finalize().unwrap();
    assert_eq!((report.finalized, report.complete), (vec![0, 1], true));
    assert_eq!(hex(&combined.to_bytes()), hex(&psbt_hex(&w["finalizer"])));
    let tx = combined.extract().unwrap();
    assert_eq!(hex(&tx.to_bytes()), w["extractor"]["expected_tx_hex"].as_str().unwrap());

    // One call does both, from base64 text.
    let done = peerpage::btc::psbt::finalize_and_extract(
        w["combiner"]["expected_psbt"]["base64"].as_str().unwrap().as_bytes(),
    )
    .unwrap();
    assert_eq!(hex(&done.tx.unwrap()), w["extractor"]["expected_tx_hex"].as_str().unwrap());
    assert_eq!(done.txid.unwrap(), tx.txid().to_string());

    // A single signer's PSBT cannot be finalized (2-of-2 multisig needs both) nor extracted.
    let mut half = signed[0].clone();
    let report = half.finalize().unwrap();
    assert!(!report.complete && report.pending.len() == 2, "{report:?}");
    assert_eq!(half.extract(), Err(PsbtError::NotFinalized(0)));

    // A cosigner's signature that does not verify (P2SH 2-of-2, P2SH-P2WSH 2-of-2): the
    // finalizer refuses, naming the input, and changes nothing.
    let good = Psbt::from_bytes(&psbt_hex(&w["combiner"])).unwrap();
    for i in 0..2 {
        for k in 0..2 {
            let mut bad = good.clone();
            bad.inputs[i].partial_sigs.values_mut().nth(k).unwrap()[12] ^= 0x10;
            let before = bad.clone();
            assert_eq!(bad.finalize(), Err(PsbtError::InvalidSignature(i)));
            assert_eq!(bad, before);
        }
    }
}

#[test]
fn bip174_combiner_keeps_unknown_fields_of_both() {
    let c = &vectors("bip174_psbt_vectors.json")["workflow"]["combiner_unknown"];
    let parts: Vec<Psbt> = c["psbts_hex"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| Psbt::from_bytes(&unhex(h.as_str().unwrap())).unwrap())
        .collect();
    let mut combined = parts[0].clone();
    combined.combine(&parts[1]).unwrap();
    assert_eq!(hex(&combined.to_bytes()), hex(&psbt_hex(c)));
}

#[test]
fn combining_psbts_of_different_transactions_is_refused() {
    let v = vectors("bip174_psbt_vectors.json");
    let a = Psbt::from_bytes(&unhex(v["valid"][0]["hex"].as_str().unwrap())).unwrap();
    let b = Psbt::from_bytes(&unhex(v["valid"][3]["hex"].as_str().unwrap())).unwrap();
    assert_eq!(a.clone().combine(&b), Err(PsbtError::DifferentTransactions));
}

#[test]
fn hostile_variations_of_valid_vectors_never_panic() {
    // Every truncation and every single-byte change of each valid vector: errors are fine,
    // panics are not, and anything that parses round-trips.
    for file in FILES {
        let v = vectors(file);
        for (_, bytes) in cases(&v, "valid") {
            for cut in 0..bytes.len() {
                peerpage::btc::psbt::fuzz_parse(&bytes[..cut]);
            }
            for i in (0..bytes.len()).step_by(3) {
                let mut m = bytes.clone();
                m[i] ^= 0x41;
                peerpage::btc::psbt::fuzz_parse(&m);
            }
        }
    }
}

#[test]
fn published_signatures_verify_and_a_flipped_byte_is_caught() {
    // BIP-174's signers (ECDSA, P2SH and P2SH-P2WSH multisig) and BIP-371's (key path and
    // script path) all verify against their transactions; one flipped byte does not.
    let v174 = vectors("bip174_psbt_vectors.json");
    let v371 = vectors("bip371_taproot_psbt_vectors.json");
    let mut signed = vec![Psbt::from_bytes(&psbt_hex(&v174["workflow"]["combiner"])).unwrap()];
    for c in v371["valid"].as_array().unwrap() {
        let p = Psbt::from_bytes(&unhex(c["hex"].as_str().unwrap())).unwrap();
        if p.inputs.iter().any(|i| i.tap_key_sig.is_some() || !i.tap_script_sigs.is_empty()) {
            signed.push(p);
        }
    }
    assert_eq!(signed.len(), 3);
    for psbt in signed {
        assert_eq!(psbt.invalid_signatures(), Vec::<usize>::new());
        for i in 0..psbt.inputs.len() {
            let mut bad = psbt.clone();
            let input = &mut bad.inputs[i];
            let sig = match (input.partial_sigs.values_mut().next(), input.tap_key_sig.as_mut()) {
                (Some(s), _) | (None, Some(s)) => s,
                _ => input.tap_script_sigs.values_mut().next().unwrap(),
            };
            sig[12] ^= 0x10;
            assert_eq!(bad.invalid_signatures(), vec![i]);
        }
    }
}

#[test]
fn the_interpreter_judges_bip174_multisig_spends_signature_order_included() {
    use peerpage::btc::interpreter::{verify_input, Verdict};
    use peerpage::btc::sighash::SighashCache;
    use peerpage::btc::tx::TxOut;
    let w = &vectors("bip174_psbt_vectors.json")["workflow"];
    let combined = Psbt::from_bytes(&psbt_hex(&w["combiner"])).unwrap();
    let spent: Vec<TxOut> = combined.spent_outputs().into_iter().map(Option::unwrap).collect();
    let tx =
        peerpage::btc::Transaction::from_bytes(&unhex(w["extractor"]["expected_tx_hex"].as_str().unwrap())).unwrap();
    let verdicts = |tx: &peerpage::btc::Transaction| {
        let mut cache = SighashCache::new(tx);
        (0..2).map(|i| verify_input(&mut cache, i, &spent)).collect::<Vec<_>>()
    };
    // Input 0: P2SH 2-of-2 (legacy); input 1: P2SH-P2WSH 2-of-2.
    assert_eq!(verdicts(&tx), vec![Verdict::Valid, Verdict::Valid]);
    // CHECKMULTISIG matches signatures to keys in order: swapped, they fail (NULLFAIL).
    let mut swapped = tx.clone();
    swapped.inputs[1].witness.swap(1, 2);
    assert_eq!(verdicts(&swapped)[1], Verdict::Invalid("CHECKMULTISIG failed with non-empty signatures (NULLFAIL)"));
    // One signature of the two, with an empty one for the other: not enough.
    let mut short = tx.clone();
    short.inputs[1].witness[2].clear();
    assert!(matches!(verdicts(&short)[1], Verdict::Invalid(_)));
}
