//! WIF, BIP-137 messages, the vault and the keystore: round trips, published keys, and
//! hostile input giving typed errors.

use peerpage::btc::{Address, Network};
use peerpage::error::{CoreError, Fault};
use peerpage::wallet::message::verify_message;
use peerpage::wallet::vault::{open, seal};
use peerpage::wallet::{DerivationPath, Keystore, NonceMode, ScriptType, VaultParams, WifKey};
use serde_json::Value;

const ABANDON: &str = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
const FAST: VaultParams = VaultParams { log_n: 10, r: 8, p: 1 };

fn vectors(name: &str) -> Value {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn wif_keys_from_bitcoin_core_round_trip() {
    let v = vectors("core_base58_keys_valid.json");
    let mut n = 0;
    for case in v.as_array().unwrap() {
        let (text, payload, meta) = (case[0].as_str().unwrap(), case[1].as_str().unwrap(), &case[2]);
        if meta["isPrivkey"].as_bool() != Some(true) {
            continue;
        }
        let key = WifKey::parse(text).unwrap();
        assert_eq!(key.compressed, meta["isCompressed"].as_bool().unwrap());
        assert_eq!(key.network == Network::Mainnet, !meta["isTestnet"].as_bool().unwrap());
        assert_eq!(key.to_wif().as_str(), text);
        let debug = format!("{key:?}");
        assert!(!debug.contains(payload) && debug.contains("hidden"));
        n += 1;
    }
    assert!(n >= 8, "{n} WIF keys");
}

#[test]
fn hostile_wif_gives_typed_errors() {
    let v = vectors("core_base58_keys_invalid.json");
    for case in v.as_array().unwrap() {
        let err = WifKey::parse(case[0].as_str().unwrap()).unwrap_err();
        assert_eq!(err.code(), "wallet.bad-wif");
    }
    for text in ["", "5", "KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWm", "xprv9s21ZrQH143K"] {
        assert!(WifKey::parse(text).is_err(), "{text}");
    }
}

#[test]
fn message_signatures_verify_for_each_address_type_and_fail_when_altered() {
    let store = Keystore::from_mnemonic(ABANDON, "", Network::Mainnet).unwrap();
    for (script_type, purpose) in [(ScriptType::P2pkh, 44), (ScriptType::P2shP2wpkh, 49), (ScriptType::P2wpkh, 84)] {
        let path = DerivationPath::parse(&format!("m/{purpose}'/0'/0'/0/0")).unwrap();
        let address = store.account(script_type, 0).unwrap().address(0, 0).unwrap();
        let sig = store.sign_message(Some(&path), script_type, b"peerpage").unwrap();
        assert!(verify_message(&address, b"peerpage", &sig).unwrap(), "{script_type:?}");
        assert!(!verify_message(&address, b"peerpagf", &sig).unwrap());
        let other = store.account(script_type, 0).unwrap().address(0, 1).unwrap();
        assert!(!verify_message(&other, b"peerpage", &sig).unwrap());
    }
    assert_eq!(
        store
            .sign_message(Some(&DerivationPath::parse("m/86'/0'/0'/0/0").unwrap()), ScriptType::P2tr, b"x")
            .unwrap_err()
            .code(),
        "wallet.unsupported-address"
    );
}

#[test]
fn message_signature_of_the_uncompressed_key_one() {
    // Private key 1: its uncompressed P2PKH address is the well-known 1EHNa6Q4….
    let key = WifKey::parse("5HpHagT65TZzG1PH3CSu63k8DbpvD8s5ip4nEB3kEsreAnchuDf").unwrap();
    let address = Address::parse("1EHNa6Q4Jz2uvNExL497mE43ikXhwF6kZm", Network::Mainnet).unwrap();
    let store = Keystore::from_wif(&key.to_wif()).unwrap();
    let sig = store.sign_message(None, ScriptType::P2pkh, b"hello").unwrap();
    assert!(verify_message(&address, b"hello", &sig).unwrap());
}

#[test]
fn hostile_message_signatures_are_typed_errors() {
    let address = Address::parse("1EHNa6Q4Jz2uvNExL497mE43ikXhwF6kZm", Network::Mainnet).unwrap();
    for bad in ["", "!!!!", "AAAA", &"A".repeat(88), &"/".repeat(88)] {
        match verify_message(&address, b"m", bad) {
            Ok(ok) => assert!(!ok),
            Err(e) => assert_eq!(e.fault(), Fault::BadInput, "{bad}"),
        }
    }
}

#[test]
fn vault_round_trips_and_refuses_a_wrong_passphrase_or_altered_byte() {
    let salt = [7u8; 16];
    let nonce = [9u8; 24];
    let blob = seal(ABANDON, "TREZOR", "correct horse", FAST, &salt, &nonce).unwrap();
    let opened = open(&blob, "correct horse").unwrap();
    assert_eq!(opened.phrase.as_str(), ABANDON);
    assert_eq!(opened.bip39_passphrase.as_str(), "TREZOR");
    assert!(!format!("{opened:?}").contains("abandon"));
    let wrong = open(&blob, "correct horsf").unwrap_err();
    assert_eq!((wrong.code(), wrong.fault()), ("wallet.refused", Fault::Refused));
    for i in 0..blob.len() {
        let mut altered = blob.clone();
        altered[i] ^= 1;
        assert!(open(&altered, "correct horse").is_err(), "byte {i}");
    }
    for cut in [0, 10, 56, 57, blob.len() - 1] {
        assert!(open(&blob[..cut], "correct horse").is_err());
    }
    // A hostile header asking for 2^40 rounds is refused before any work.
    let mut greedy = blob.clone();
    greedy[8] = 40;
    assert_eq!(open(&greedy, "correct horse").unwrap_err().code(), "wallet.bad-vault");
}

#[test]
fn keystore_unlocks_from_its_vault_to_the_same_keys_and_hides_its_secrets() {
    let store = Keystore::from_mnemonic(ABANDON, "", Network::Mainnet).unwrap();
    assert_eq!(hex(&store.fingerprint().unwrap()), "73c5da0a");
    let debug = format!("{store:?}");
    assert!(!debug.contains("abandon") && debug.contains("hidden"));
    let blob = store.seal("pw", FAST, &[1; 16], &[2; 24]).unwrap();
    let again = Keystore::unlock(&blob, "pw", Network::Mainnet).unwrap();
    assert_eq!(again.backup_phrase().unwrap().as_str(), ABANDON);
    let path = DerivationPath::parse("m/84'/0'/0'/0/0").unwrap();
    assert_eq!(
        store.sign_ecdsa(Some(&path), &[3; 32], NonceMode::LowR).unwrap(),
        again.sign_ecdsa(Some(&path), &[3; 32], NonceMode::LowR).unwrap()
    );
    assert_eq!(Keystore::unlock(&blob, "pW", Network::Mainnet).unwrap_err().code(), "wallet.refused");
    let xprv = Keystore::from_xprv("xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi").unwrap();
    assert!(xprv.backup_phrase().is_none());
    assert_eq!(xprv.seal("pw", FAST, &[1; 16], &[2; 24]).unwrap_err().code(), "wallet.needs-private-key");
    assert!(Keystore::from_xprv("xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8").is_err());
}
