use peerpage::btc::Network;
use peerpage::error::CoreError;
use peerpage::wallet::account::{descriptor_checksum, taproot_output_key, x_only};
use peerpage::wallet::{Account, DerivationPath, ExtendedPrivKey, ExtendedPubKey, Language, Mnemonic, ScriptType};
use serde_json::Value;

fn vectors(name: &str) -> Value {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn unhex(s: &str) -> Vec<u8> {
    let s = s.trim_start_matches("0x");
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn bip32_derivation_vectors() {
    let v = vectors("bip32_vectors.json");
    let mut steps = 0;
    for case in v["valid"].as_array().unwrap() {
        let master = ExtendedPrivKey::master(&unhex(case["seed_hex"].as_str().unwrap()), Network::Mainnet).unwrap();
        let mut parent_pub: Option<ExtendedPubKey> = None;
        for step in case["chains"].as_array().unwrap() {
            let path = DerivationPath::parse(step["path"].as_str().unwrap()).unwrap();
            let key = master.derive_path(&path).unwrap();
            assert_eq!(*key.to_base58(), step["ext_prv"].as_str().unwrap(), "{path}");
            assert_eq!(key.to_public().to_base58(), step["ext_pub"].as_str().unwrap(), "{path}");
            // Public derivation agrees for normal steps.
            if let (Some(parent), Some(&last)) = (&parent_pub, path.0.last()) {
                if last < peerpage::wallet::HARDENED {
                    assert_eq!(parent.derive_child(last).unwrap(), key.to_public(), "{path}");
                }
            }
            // Serialisation round-trips.
            assert_eq!(*ExtendedPrivKey::from_base58(&key.to_base58()).unwrap().to_base58(), *key.to_base58());
            assert_eq!(ExtendedPubKey::from_base58(&key.to_public().to_base58()).unwrap(), key.to_public());
            parent_pub = Some(key.to_public());
            steps += 1;
        }
    }
    assert_eq!(steps, 17);
}

#[test]
fn bip32_invalid_extended_keys_are_refused_with_a_typed_error() {
    let v = vectors("bip32_vectors.json");
    for case in v["invalid"].as_array().unwrap() {
        let key = case["key"].as_str().unwrap();
        let as_prv = ExtendedPrivKey::from_base58(key);
        let as_pub = ExtendedPubKey::from_base58(key);
        assert!(as_prv.is_err() && as_pub.is_err(), "{key}: {}", case["reason"]);
        assert_eq!(as_pub.unwrap_err().code(), "wallet.bad-extended-key");
    }
}

#[test]
fn bip39_vectors_in_every_official_language() {
    let v = vectors("bip39_vectors.json");
    let languages = [
        ("english", Language::English),
        ("chinese_simplified", Language::SimplifiedChinese),
        ("chinese_traditional", Language::TraditionalChinese),
        ("czech", Language::Czech),
        ("french", Language::French),
        ("italian", Language::Italian),
        ("japanese", Language::Japanese),
        ("korean", Language::Korean),
        ("portuguese", Language::Portuguese),
        ("spanish", Language::Spanish),
    ];
    // python-mnemonic also carries Russian and Turkish lists, which are not BIP-39's official
    // lists; no wallet that follows the BIP reads them.
    let mut checked = 0;
    for (name, language) in languages {
        for case in v[name].as_array().unwrap() {
            let (entropy, phrase, seed, xprv) = (
                case[0].as_str().unwrap(),
                case[1].as_str().unwrap(),
                case[2].as_str().unwrap(),
                case[3].as_str().unwrap(),
            );
            let m = Mnemonic::from_entropy(&unhex(entropy), language).unwrap();
            let words: Vec<&str> = phrase.split_whitespace().collect();
            assert_eq!(m.phrase().split_whitespace().collect::<Vec<_>>(), words, "{name}");
            let parsed = Mnemonic::parse(phrase).unwrap_or_else(|e| panic!("{name}: {e}"));
            let s = parsed.to_seed("TREZOR");
            assert_eq!(hex(&s[..]), seed, "{name}");
            let master = ExtendedPrivKey::master(&s[..], Network::Mainnet).unwrap();
            assert_eq!(*master.to_base58(), xprv, "{name}");
            checked += 1;
        }
    }
    assert_eq!(checked, 240);
}

#[test]
fn bad_phrases_say_what_is_wrong_without_echoing_secrets() {
    let cases = [
        ("abandon abandon abandon", "3 words"),
        ("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon", "checksum"),
        ("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon zzzz", "word 12"),
    ];
    for (phrase, words) in cases {
        let err = Mnemonic::parse(phrase).unwrap_err();
        assert_eq!(err.code(), "wallet.bad-mnemonic");
        assert!(err.to_string().contains(words), "{err}");
        assert!(!err.to_string().contains("abandon"), "no words in errors");
    }
    let m = Mnemonic::parse(
        "ABANDON  abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
    )
    .unwrap();
    assert_eq!(format!("{m:?}"), "Mnemonic(12 words, English)");
    assert!(Mnemonic::from_entropy(&[0; 15], Language::English).is_err());
}

fn master_of(phrase: &str, network: Network) -> ExtendedPrivKey {
    ExtendedPrivKey::master(&Mnemonic::parse(phrase).unwrap().to_seed("")[..], network).unwrap()
}

/// All string values of a BIP-49/84/86 vector group list, to find what the BIP printed.
fn strings(groups: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for g in groups.as_array().unwrap() {
        for v in g.as_object().unwrap().values() {
            if let Some(s) = v.as_str() {
                out.push(s.trim_start_matches("0x").to_string());
            }
        }
    }
    out
}

#[test]
fn bip84_and_bip86_account_vectors() {
    let v = vectors("bip49_84_86_derivation_vectors.json");
    let phrase = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
    let master = master_of(phrase, Network::Mainnet);

    let g84 = &v["bip84"]["groups"];
    assert_eq!(
        *master.clone().with_version(ScriptType::P2wpkh.version(Network::Mainnet)).to_base58(),
        g84[0]["rootpriv"].as_str().unwrap()
    );
    let acct = Account::derive(&master, ScriptType::P2wpkh, Network::Mainnet, 0).unwrap();
    assert_eq!(acct.xpub.to_base58(), g84[1]["xpub"].as_str().unwrap());
    assert_eq!(acct.address(0, 0).unwrap().to_string(), g84[2]["address"].as_str().unwrap());
    assert_eq!(acct.address(0, 1).unwrap().to_string(), g84[3]["address"].as_str().unwrap());
    assert_eq!(acct.address(1, 0).unwrap().to_string(), g84[4]["address"].as_str().unwrap());
    let desc = acct.descriptor(0);
    assert!(desc.starts_with("wpkh([73c5da0a/84'/0'/0']xpub"), "{desc}");
    assert!(desc.contains("/0/*)#"), "{desc}");

    let g86 = &v["bip86"]["groups"];
    let acct = Account::derive(&master, ScriptType::P2tr, Network::Mainnet, 0).unwrap();
    assert_eq!(acct.xpub.to_base58(), g86[1]["xpub"].as_str().unwrap());
    for (i, (chain, index)) in [(0, 0), (0, 1), (1, 0)].into_iter().enumerate() {
        let g = &g86[2 + i];
        let key = acct.xpub.derive_child(chain).unwrap().derive_child(index).unwrap();
        assert_eq!(key.to_base58(), g["xpub"].as_str().unwrap());
        assert_eq!(hex(&x_only(&key.key)), g["internal_key"].as_str().unwrap());
        assert_eq!(hex(&taproot_output_key(&key.key)), g["output_key"].as_str().unwrap());
        let address = acct.address(chain, index).unwrap();
        assert_eq!(address.to_string(), g["address"].as_str().unwrap());
        assert_eq!(hex(&address.script_pubkey()), g["scriptPubKey"].as_str().unwrap());
    }
}

#[test]
fn bip49_testnet_account_vectors() {
    let v = vectors("bip49_84_86_derivation_vectors.json");
    let g = &v["bip49"]["groups"];
    let master = master_of(g[0]["masterseedWords"].as_str().unwrap(), Network::Testnet);
    let version = ScriptType::P2shP2wpkh.version(Network::Testnet);
    assert_eq!(*master.clone().with_version(version).to_base58(), g[0]["masterseed"].as_str().unwrap());
    let acct = Account::derive(&master, ScriptType::P2shP2wpkh, Network::Testnet, 0).unwrap();
    assert_eq!(acct.xpub.to_base58(), g[1]["account0Xpub"].as_str().unwrap());
    let key = acct.xpub.derive_child(0).unwrap().derive_child(0).unwrap();
    let printed = strings(g);
    assert!(printed.contains(&hex(&peerpage::wallet::hd::compressed(&key.key))));
    let address = acct.address(0, 0).unwrap().to_string();
    assert!(address.starts_with('2'));
    let script = hex(&acct.address(0, 0).unwrap().script_pubkey());
    assert!(printed.iter().any(|s| *s == address || s.contains(&script[4..44])), "{address} / {script}");
}

#[test]
fn derivation_paths_parse_and_print() {
    let p = DerivationPath::parse("m/84'/0h/0H/1/5").unwrap();
    assert_eq!(p.to_string(), "m/84'/0'/0'/1/5");
    for bad in ["", "84'/0", "m/x", "m/2147483648", "m//1", "m/1/"] {
        assert_eq!(DerivationPath::parse(bad).unwrap_err().code(), "wallet.bad-path", "{bad}");
    }
    assert_eq!(descriptor_checksum("raw(deadbeef)").map(|c| c.len()), Some(8));
    assert_ne!(descriptor_checksum("raw(deadbeef)"), descriptor_checksum("raw(deadbeee)"));
    assert_eq!(descriptor_checksum("raw(\u{e9})"), None);
}

#[test]
fn extended_private_keys_never_print_secrets() {
    let master = master_of(
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
        Network::Mainnet,
    );
    let debug = format!("{master:?}");
    assert!(debug.contains("secret hidden"));
    assert!(!debug.contains(&master.to_base58()[4..20]));
}
