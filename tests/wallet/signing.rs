//! Signing judged by BIP-340, BIP-341, BIP-143 vectors and libsecp256k1's low-R grinding.

use k256::SecretKey;
use peerpage::btc::hash::tagged_hash;
use peerpage::wallet::sign::{
    ecdsa_sign, ecdsa_verify, schnorr_sign, schnorr_verify, taproot_key_sign, taptweak, tweak_secret, NonceMode,
};
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

fn arr32(s: &str) -> [u8; 32] {
    unhex(s).try_into().unwrap()
}

#[test]
fn bip340_every_row_signs_and_verifies_as_published() {
    let path = format!("{}/tests/vectors/bip340_test_vectors.csv", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    let (mut signed, mut rows) = (0, 0);
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (secret, public, aux, msg, sig, ok) = (f[1], f[2], f[3], unhex(f[4]), unhex(f[5]), f[6] == "TRUE");
        if !secret.is_empty() {
            let key = SecretKey::from_slice(&unhex(secret)).unwrap();
            let ours = schnorr_sign(&key, &msg, &arr32(aux)).unwrap();
            assert_eq!(hex(&ours), sig.iter().map(|b| format!("{b:02x}")).collect::<String>(), "row {}", f[0]);
            signed += 1;
        }
        assert_eq!(schnorr_verify(&unhex(public), &msg, &sig), ok, "row {}: {}", f[0], f[7]);
        rows += 1;
    }
    assert_eq!((signed, rows), (8, 19));
}

#[test]
fn bip341_key_path_spends_sign_with_the_tweaked_key() {
    let v = vectors("bip341_wallet_test_vectors.json");
    let mut n = 0;
    for input in v["keyPathSpending"][0]["inputSpending"].as_array().unwrap() {
        let given = &input["given"];
        let inter = &input["intermediary"];
        let key = SecretKey::from_slice(&unhex(given["internalPrivkey"].as_str().unwrap())).unwrap();
        let root = given["merkleRoot"].as_str().map(arr32);
        assert_eq!(
            hex(&taptweak(&arr32(inter["internalPubkey"].as_str().unwrap()), root.as_ref()).unwrap().to_bytes()),
            inter["tweak"].as_str().unwrap()
        );
        assert_eq!(
            hex(&tweak_secret(&key, root.as_ref()).unwrap().to_bytes()),
            inter["tweakedPrivkey"].as_str().unwrap()
        );
        // The sighash is the TapSighash tagged hash of the published message.
        let sighash = tagged_hash("TapSighash", &[&unhex(inter["sigMsg"].as_str().unwrap())]);
        assert_eq!(hex(&sighash), inter["sigHash"].as_str().unwrap());
        // BIP-341's vectors were signed with all-zero auxiliary randomness.
        let sig = taproot_key_sign(&key, root.as_ref(), &sighash, &[0; 32]).unwrap();
        let mut witness = sig.to_vec();
        let hash_type = given["hashType"].as_u64().unwrap() as u8;
        if hash_type != 0 {
            witness.push(hash_type);
        }
        assert_eq!(hex(&witness), input["expected"]["witness"][0].as_str().unwrap());
        n += 1;
    }
    assert_eq!(n, 7);
}

#[test]
fn bip143_signatures_are_plain_rfc6979() {
    let v = vectors("bip143_vectors.json");
    for case in v["vectors"].as_array().unwrap() {
        let index = case["signed_input_index"].as_u64().unwrap() as usize;
        let input =
            case["inputs"].as_array().unwrap().iter().find(|i| i["index"].as_u64() == Some(index as u64)).unwrap();
        let key = SecretKey::from_slice(&unhex(input["private_key"].as_str().unwrap())).unwrap();
        let sighash = arr32(case["sighash"].as_str().unwrap());
        let sig = ecdsa_sign(&key, &sighash, NonceMode::Plain).unwrap();
        let expected = case["signature"].as_str().unwrap();
        assert_eq!(hex(&sig.to_der()), expected[..expected.len() - 2], "{}", case["name"]);
        assert!(ecdsa_verify(&key.public_key(), &sighash, &sig.to_der()));
    }
}

#[test]
fn ecdsa_matches_libsecp256k1_plain_and_with_low_r_grinding() {
    let v = vectors("ecdsa_low_r_vectors.json");
    let mut ground = 0;
    for case in v["cases"].as_array().unwrap() {
        let key = SecretKey::from_slice(&unhex(case["private_key"].as_str().unwrap())).unwrap();
        let digest = arr32(case["digest"].as_str().unwrap());
        let plain = ecdsa_sign(&key, &digest, NonceMode::Plain).unwrap();
        assert_eq!(hex(&plain.signature.to_bytes()), case["plain_compact"].as_str().unwrap());
        let low = ecdsa_sign(&key, &digest, NonceMode::LowR).unwrap();
        assert_eq!(hex(&low.signature.to_bytes()), case["low_r_compact"].as_str().unwrap());
        assert!(low.to_der().len() <= 70, "a low-R DER signature is at most 70 bytes");
        if case["plain_r_high"].as_bool().unwrap() {
            ground += 1;
        }
    }
    assert!(ground > 0, "the fixture exercises the grinding loop");
}

#[test]
fn grinding_keeps_every_r_low_and_s_low() {
    for i in 0u8..64 {
        let key = SecretKey::from_slice(&[i.wrapping_add(1); 32]).unwrap();
        let digest = [i ^ 0x5a; 32];
        let sig = ecdsa_sign(&key, &digest, NonceMode::LowR).unwrap();
        assert!(sig.signature.r().to_bytes()[0] < 0x80);
        assert!(sig.signature.normalize_s().is_none(), "s is already low");
        assert!(sig.to_der().len() <= 70);
        assert!(ecdsa_verify(&key.public_key(), &digest, &sig.to_der()));
        let mut flipped = sig.to_der();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(!ecdsa_verify(&key.public_key(), &digest, &flipped));
    }
}
