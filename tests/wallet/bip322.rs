//! BIP-322 messages judged by the BIP's own vectors (basic and generated), and every spend
//! we call valid judged again by Bitcoin Core's interpreter (crate `bitcoinconsensus`).

use base64ct::{Base64, Encoding};
use peerpage::btc::{Address, Network, Transaction};
use peerpage::wallet::bip322::{message_hash, to_sign, to_spend, verify};
use peerpage::wallet::{Bip322Format, Bip322Verdict, DerivationPath, Keystore, ScriptType, WalletError, WifKey};
use serde_json::Value;

use super::core_judge::{core_verdicts, CORE_FLAGS};

const ABANDON: &str = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

fn vectors(name: &str) -> Value {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn addr(s: &str) -> Address {
    Address::parse_any(s).unwrap()
}

/// Core's verdict on input 0 of a full `to_sign` for `address` and `message`.
fn core_accepts(address: &Address, to_sign_bytes: &[u8]) -> bool {
    let challenge = address.script_pubkey();
    let utxo = [bitcoinconsensus::Utxo {
        script_pubkey: challenge.as_ptr(),
        script_pubkey_len: challenge.len() as u32,
        value: 0,
    }];
    bitcoinconsensus::verify_with_flags(&challenge, 0, to_sign_bytes, Some(&utxo), 0, CORE_FLAGS).is_ok()
}

/// The full `to_sign` transaction a signature stands for (simple ones rebuilt).
fn as_full(address: &Address, message: &str, signature: &str) -> Vec<u8> {
    if let Some(body) = signature.strip_prefix("ful") {
        return Base64::decode_vec(body).unwrap();
    }
    let body = signature.strip_prefix("smp").unwrap_or(signature);
    let bytes = Base64::decode_vec(body).unwrap();
    let spend = to_spend(&address.script_pubkey(), message.as_bytes());
    let mut tx = to_sign(&spend, 0, 0, 0);
    let mut r = peerpage::btc::Reader::new(&bytes);
    let n = r.compact_size().unwrap();
    tx.inputs[0].witness = (0..n).map(|_| r.var_bytes().unwrap().to_vec()).collect();
    tx.to_bytes()
}

fn flip_signature_byte(signature: &str) -> String {
    let (prefix, body) =
        signature.split_at(if signature.starts_with("smp") || signature.starts_with("ful") { 3 } else { 0 });
    let mut bytes = Base64::decode_vec(body).unwrap();
    // A byte inside the first signature: for a witness stack it follows the item count and
    // length; for a full transaction, the last witness/scriptSig bytes are signatures or keys,
    // so flip a byte well inside the first large item instead.
    let at = if prefix == "ful" {
        let tx = Transaction::from_bytes(&bytes).unwrap();
        let first = tx.inputs[0]
            .witness
            .iter()
            .find(|w| w.len() >= 64)
            .cloned()
            .unwrap_or_else(|| tx.inputs[0].script_sig.clone());
        let pos = bytes.windows(first.len()).position(|w| w == first.as_slice()).unwrap();
        pos + 10
    } else {
        let mut i = 1;
        while bytes[i] == 0 {
            i += 1;
        }
        i + 10
    };
    bytes[at] ^= 0x01;
    format!("{prefix}{}", Base64::encode_string(&bytes))
}

#[test]
fn message_hashes_and_virtual_transactions_match_the_bip() {
    let v = vectors("bip322_basic_test_vectors.json");
    for case in v["tx_hashes"].as_array().unwrap() {
        let message = case["message"].as_str().unwrap().as_bytes();
        assert_eq!(hex(&message_hash(message)), case["message_hash"].as_str().unwrap());
        let spend = to_spend(&addr(case["address"].as_str().unwrap()).script_pubkey(), message);
        assert_eq!(spend.txid().to_string(), case["to_spend_tx_hash"].as_str().unwrap());
        assert_eq!(to_sign(&spend, 0, 0, 0).txid().to_string(), case["to_sign_tx_hash"].as_str().unwrap());
    }
}

fn all_valid_cases() -> Vec<(String, String, String, u32, u32)> {
    let mut out = Vec::new();
    for (file, kinds) in [
        ("bip322_basic_test_vectors.json", &["simple"][..]),
        ("bip322_generated_test_vectors.json", &["simple", "full"][..]),
    ] {
        let v = vectors(file);
        for kind in kinds {
            for case in v[*kind].as_array().unwrap() {
                let lock = case["lock_time"].as_u64().unwrap_or(0) as u32;
                let seq = case["sequence"].as_u64().unwrap_or(0) as u32;
                for sig in case["bip322_signatures"].as_array().unwrap() {
                    out.push((
                        case["address"].as_str().unwrap().to_string(),
                        case["message"].as_str().unwrap().to_string(),
                        sig.as_str().unwrap().to_string(),
                        lock,
                        seq,
                    ));
                }
            }
        }
    }
    out
}

#[test]
fn every_published_signature_verifies_and_core_agrees() {
    let cases = all_valid_cases();
    assert!(cases.len() >= 18, "{} cases", cases.len());
    for (address, message, signature, lock_time, sequence) in &cases {
        let a = addr(address);
        assert_eq!(
            verify(&a, message.as_bytes(), signature).unwrap(),
            Bip322Verdict::Valid { lock_time: *lock_time, sequence: *sequence },
            "{address} {message:?}"
        );
        assert!(core_accepts(&a, &as_full(&a, message, signature)), "Core rejects {address} {message:?}");
    }
}

#[test]
fn one_flipped_signature_byte_is_invalid_for_us_and_for_core() {
    // The flipped byte lies inside a signature, so the bytes still decode: the verdict must
    // be Invalid, not a decoding error. A simple signature is the witness of the full
    // to_sign transaction, so Core judges every case, simple ones rebuilt as full.
    let mut judged = 0;
    for (address, message, signature, _, _) in all_valid_cases() {
        let a = addr(&address);
        let bad = flip_signature_byte(&signature);
        match verify(&a, message.as_bytes(), &bad) {
            Ok(Bip322Verdict::Invalid(_)) => {}
            other => panic!("{address}: flipped signature {bad} gave {other:?}"),
        }
        assert!(core_accepts(&a, &as_full(&a, &message, &signature)), "Core rejects the unflipped {address}");
        assert!(!core_accepts(&a, &as_full(&a, &message, &bad)), "Core accepts a flipped {address}");
        judged += 1;
    }
    assert!(judged >= 18, "{judged} cases");
}

#[test]
fn error_vectors_are_errors_or_invalid_never_valid() {
    for file in ["bip322_basic_test_vectors.json", "bip322_generated_test_vectors.json"] {
        for case in vectors(file)["error"].as_array().unwrap() {
            let a = addr(case["address"].as_str().unwrap());
            let got = verify(&a, case["message"].as_str().unwrap().as_bytes(), case["signature"].as_str().unwrap());
            let want_invalid = case["error_substr"].as_str().unwrap() == "invalid signature";
            match got {
                Ok(Bip322Verdict::Invalid(_)) if want_invalid => {}
                Err(WalletError::BadSignature(_)) if !want_invalid => {}
                other => panic!("{}: {other:?}", case["description"]),
            }
        }
    }
}

#[test]
fn proofs_of_funds_verify_and_core_agrees_on_every_input() {
    for case in vectors("bip322_generated_test_vectors.json")["proof_of_funds"].as_array().unwrap() {
        let a = addr(case["address"].as_str().unwrap());
        let message = case["message"].as_str().unwrap();
        let sig = case["bip322_signatures"][0].as_str().unwrap();
        let got = verify(&a, message.as_bytes(), sig).unwrap();
        assert_eq!(got, Bip322Verdict::Valid { lock_time: 123, sequence: 456 }, "{}", case["type"]);
        assert!(matches!(verify(&a, b"not the message", sig).unwrap(), Bip322Verdict::Invalid(_)));
        core_judges_every_input(&a, message, sig).unwrap_or_else(|e| panic!("{}: {e}", case["type"]));
    }
}

/// Core's verdict on every input of a proof of funds (`pof…`), each judged with all the
/// coins the PSBT says it spends: `Err` names the first input Core rejects.
pub(crate) fn core_judges_every_input(a: &Address, message: &str, sig: &str) -> Result<(), String> {
    let psbt = peerpage::btc::psbt::Psbt::from_bytes(&Base64::decode_vec(&sig[3..]).unwrap()).unwrap();
    let tx = psbt.extract().unwrap();
    let mut spent = vec![to_spend(&a.script_pubkey(), message.as_bytes()).outputs[0].clone()];
    for (i, input) in psbt.inputs.iter().enumerate().skip(1) {
        let out = input.spent_output().or_else(|| {
            let prev = psbt.inputs[..i]
                .iter()
                .find_map(|e| e.non_witness_utxo.clone().filter(|p| p.txid() == tx.inputs[i].previous_output.txid))?;
            prev.outputs.get(tx.inputs[i].previous_output.vout as usize).cloned()
        });
        spent.push(out.unwrap());
    }
    for (i, verdict) in core_verdicts(&tx, &spent).into_iter().enumerate() {
        verdict.map_err(|e| format!("Core rejects input {i}: {e:?}"))?;
    }
    Ok(())
}

#[test]
fn our_simple_signatures_equal_the_published_ones() {
    // ECDSA with Core's low-R grinding and BIP-340 with zero aux randomness are both
    // deterministic, so the bytes can be compared, not only verified.
    let mut compared = 0;
    for file in ["bip322_basic_test_vectors.json", "bip322_generated_test_vectors.json"] {
        for case in vectors(file)["simple"].as_array().unwrap() {
            let keys = case["private_keys"].as_array().unwrap();
            let script_type = match case["type"].as_str().unwrap() {
                "p2wpkh" => ScriptType::P2wpkh,
                "p2tr" => ScriptType::P2tr,
                _ => continue,
            };
            let wif = WifKey::parse(keys[0].as_str().unwrap()).unwrap();
            let store = Keystore::from_wif(keys[0].as_str().unwrap()).unwrap();
            let message = case["message"].as_str().unwrap();
            let ours =
                store.sign_bip322(None, script_type, message.as_bytes(), Bip322Format::Simple, &[0; 32]).unwrap();
            let published: Vec<&str> =
                case["bip322_signatures"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
            let ours_unprefixed = ours.strip_prefix("smp").unwrap();
            // The BIP's own examples come from Core (low R); the generated file's signer
            // does not grind, so those are verified but not compared.
            if script_type == ScriptType::P2wpkh && file.contains("basic") {
                assert!(
                    published.iter().any(|p| p.strip_prefix("smp").unwrap_or(p) == ours_unprefixed),
                    "{message:?}: {ours}"
                );
                compared += 1;
            }
            let a = addr(case["address"].as_str().unwrap());
            assert_eq!(script_type.address(&wif.public_key(), Network::Mainnet), a);
            assert_eq!(
                verify(&a, message.as_bytes(), &ours).unwrap(),
                Bip322Verdict::Valid { lock_time: 0, sequence: 0 }
            );
        }
    }
    assert!(compared >= 2, "{compared}");
}

#[test]
fn keystore_signs_every_script_type_in_both_forms_and_core_agrees() {
    let store = Keystore::from_mnemonic(ABANDON, "", Network::Mainnet).unwrap();
    for script_type in [ScriptType::P2pkh, ScriptType::P2shP2wpkh, ScriptType::P2wpkh, ScriptType::P2tr] {
        let account = store.account(script_type, 0).unwrap();
        let address = account.address(0, 3).unwrap();
        let path = DerivationPath::parse(&format!("{}/0/3", account.path)).unwrap();
        for format in [Bip322Format::Simple, Bip322Format::Full] {
            let message = "peerpage says hello";
            let got = store.sign_bip322(Some(&path), script_type, message.as_bytes(), format, &[7; 32]);
            let native = matches!(script_type, ScriptType::P2wpkh | ScriptType::P2tr);
            if format == Bip322Format::Simple && !native {
                assert_eq!(got.unwrap_err(), WalletError::UnsupportedAddress);
                continue;
            }
            let sig = got.unwrap();
            assert_eq!(
                verify(&address, message.as_bytes(), &sig).unwrap(),
                Bip322Verdict::Valid { lock_time: 0, sequence: 0 },
                "{script_type:?}"
            );
            assert!(matches!(verify(&address, b"another message", &sig).unwrap(), Bip322Verdict::Invalid(_)));
            let other = account.address(0, 4).unwrap();
            assert!(matches!(verify(&other, message.as_bytes(), &sig).unwrap(), Bip322Verdict::Invalid(_)));
            assert!(core_accepts(&address, &as_full(&address, message, &sig)), "{script_type:?} {format:?}");
        }
    }
}

#[test]
fn hostile_signatures_never_panic() {
    let a = addr("bc1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0l");
    let seed = "smpAkcwRAIgM2gBAQqvZX15ZiysmKmQpDrG83avLIT492QBzLnQIxYCIBaTpOaD20qRlEylyxFSeEA2ba9YOixpX8z46TSDtS40ASECx/EgAxlkQpQ9hYjgGu6EBCPMVPwVIVJqO4XCsMvViHI=";
    let bytes = Base64::decode_vec(&seed[3..]).unwrap();
    for i in 0..bytes.len() {
        for delta in [1u8, 0x80, 0xff] {
            let mut b = bytes.clone();
            b[i] = b[i].wrapping_add(delta);
            let _ = verify(&a, b"", &format!("smp{}", Base64::encode_string(&b)));
            let _ = verify(&a, b"", &format!("ful{}", Base64::encode_string(&b)));
        }
        let _ = verify(&a, b"", &format!("smp{}", Base64::encode_string(&bytes[..i])));
    }
}

#[test]
fn the_interpreter_never_calls_valid_what_core_rejects() {
    // Differential check over mutated spends: flip bytes anywhere in each published full
    // signature (scripts, signatures, keys, sequence, lock time) and in simple ones. Whenever
    // our interpreter says valid, Bitcoin Core's must accept too.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut judged, mut valid) = (0, 0);
    for (address, message, signature, _, _) in all_valid_cases() {
        let a = addr(&address);
        let full = as_full(&a, &message, &signature);
        for _ in 0..150 {
            let mut bytes = full.clone();
            for _ in 0..1 + next() % 3 {
                let at = (next() % bytes.len() as u64) as usize;
                bytes[at] ^= 1 << (next() % 8);
            }
            let sig = format!("ful{}", Base64::encode_string(&bytes));
            let Ok(verdict) = verify(&a, message.as_bytes(), &sig) else { continue };
            judged += 1;
            if matches!(verdict, Bip322Verdict::Valid { .. }) {
                valid += 1;
                assert!(core_accepts(&a, &bytes), "{address}: we call valid a spend Core rejects: {}", hex(&bytes));
            }
        }
    }
    assert!(judged > 1000, "{judged} mutated spends judged ({valid} still valid)");
}
