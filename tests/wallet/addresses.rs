use peerpage::btc::{base58, bech32, Address, AddressError, Network, Payload};
use peerpage::error::CoreError;
use serde_json::Value;

fn vectors(name: &str) -> Value {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn bech32_and_bech32m_vectors() {
    let v = vectors("bech32_bech32m_vectors.json");
    for (key, variant) in [("bech32_valid", bech32::Variant::Bech32), ("bech32m_valid", bech32::Variant::Bech32m)] {
        for case in v[key].as_array().unwrap() {
            let s = case["string"].as_str().unwrap();
            let (_, _, got) = bech32::decode(s).unwrap_or_else(|e| panic!("{s}: {e:?}"));
            assert_eq!(got, variant, "{s}");
        }
    }
    for key in ["bech32_invalid", "bech32m_invalid"] {
        for case in v[key].as_array().unwrap() {
            let s = case["string"].as_str().unwrap();
            let variant = if key == "bech32_invalid" { bech32::Variant::Bech32 } else { bech32::Variant::Bech32m };
            assert!(bech32::decode(s).map(|(_, _, v)| v) != Ok(variant), "{s} must be invalid: {}", case["reason"]);
        }
    }
    for case in v["segwit_address_valid"].as_array().unwrap() {
        let s = case["address"].as_str().unwrap();
        let a = Address::parse_any(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(hex(&a.script_pubkey()), case["scriptPubKey"].as_str().unwrap(), "{s}");
        if matches!(a.network, Network::Mainnet | Network::Testnet) {
            assert_eq!(a.to_string(), s.to_lowercase(), "{s}");
        }
    }
    for case in v["segwit_address_invalid"].as_array().unwrap() {
        let s = case["string"].as_str().unwrap();
        let parsed = Address::parse_any(s);
        assert!(!matches!(parsed, Ok(Address { payload: Payload::Segwit { .. }, .. })), "{s}: {}", case["reason"]);
    }
}

#[test]
fn base58_vectors_from_bitcoin_core() {
    for pair in vectors("core_base58_encode_decode.json").as_array().unwrap() {
        let (h, b58) = (pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
        let bytes: Vec<u8> = (0..h.len()).step_by(2).map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap()).collect();
        assert_eq!(base58::encode(&bytes), b58);
        assert_eq!(base58::decode(b58).unwrap(), bytes);
    }
    let mut addresses = 0;
    for case in vectors("core_base58_keys_valid.json").as_array().unwrap() {
        let meta = &case[2];
        if meta["isPrivkey"].as_bool().unwrap() {
            continue;
        }
        let s = case[0].as_str().unwrap();
        let a = Address::parse_any(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        let hash = match &a.payload {
            Payload::P2pkh(h) => {
                assert_eq!(meta["addrType"], "pubkey");
                h
            }
            Payload::P2sh(h) => {
                assert_eq!(meta["addrType"], "script");
                h
            }
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(hex(hash), case[1].as_str().unwrap());
        assert_eq!(a.network == Network::Testnet, meta["isTestnet"].as_bool().unwrap());
        assert_eq!(a.to_string(), s);
        addresses += 1;
    }
    assert!(addresses >= 20);
    for case in vectors("core_base58_keys_invalid.json").as_array().unwrap() {
        let s = case[0].as_str().unwrap();
        assert!(Address::parse_any(s).is_err(), "{s}");
    }
}

#[test]
fn an_address_of_the_wrong_network_is_refused_in_words() {
    let err = Address::parse("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", Network::Mainnet).unwrap_err();
    assert_eq!(err, AddressError::WrongNetwork { found: Network::Testnet, expected: Network::Mainnet });
    assert_eq!(err.code(), "address.wrong-network");
    assert!(err.to_string().contains("testnet"));
    assert!(Address::parse("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", Network::Signet).is_ok());
    assert_eq!(
        Address::parse("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", Network::Mainnet),
        Err(AddressError::Invalid)
    );
}
