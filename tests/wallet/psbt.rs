//! The PSBT signer judged by BIP-174's signer vectors (byte for byte, grinding off) and by
//! its own checks; review judged on PSBTs built here from known keys.

use peerpage::btc::psbt::Psbt;
use peerpage::btc::Network;
use peerpage::wallet::psbt::{sign, SignOptions};
use peerpage::wallet::{Keystore, NonceMode};
use serde_json::Value;

fn vectors(name: &str) -> Value {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn expected(v: &Value) -> Vec<u8> {
    unhex(v["expected_psbt"]["hex"].as_str().unwrap())
}

const PLAIN: SignOptions = SignOptions { nonce_mode: NonceMode::Plain, aux_rand: [0; 32] };

#[test]
fn bip174_signers_produce_the_published_psbts_byte_for_byte() {
    let w = &vectors("bip174_psbt_vectors.json")["workflow"];
    let updated = expected(&w["updater_sighash_all"]);
    for signer in w["signers"].as_array().unwrap() {
        let mut psbt = Psbt::from_bytes(&updated).unwrap();
        // Each signer holds two single keys (WIF); sign with one, then the other.
        for key in signer["keys"].as_array().unwrap() {
            let store = Keystore::from_wif(key["wif"].as_str().unwrap()).unwrap();
            let report = sign(&store, &mut psbt, &PLAIN).unwrap();
            assert_eq!(report.signatures, 1, "{}", key["path"]);
            assert!(report.refused.is_empty());
        }
        assert_eq!(hex(&psbt.to_bytes()), hex(&expected(signer)));
    }
}

#[test]
fn the_master_key_signs_all_four_keys_as_the_combined_signers_did() {
    let w = &vectors("bip174_psbt_vectors.json")["workflow"];
    let store = Keystore::from_xprv(w["master_xprv"].as_str().unwrap()).unwrap();
    let (signed, report) = peerpage::wallet::psbt_sign(&store, &expected(&w["updater_sighash_all"]), &PLAIN).unwrap();
    assert_eq!(report.signatures, 4);
    assert_eq!(hex(&signed), hex(&expected(&w["combiner"])));
    // Base64 in, the same bytes out.
    let b64 = w["updater_sighash_all"]["expected_psbt"]["base64"].as_str().unwrap();
    assert_eq!(peerpage::wallet::psbt_sign(&store, b64.as_bytes(), &PLAIN).unwrap().0, signed);
    // Signing twice changes nothing (RFC 6979 is deterministic).
    assert_eq!(peerpage::wallet::psbt_sign(&store, &signed, &PLAIN).unwrap().0, signed);
}
