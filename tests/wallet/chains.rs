//! Receive/change chains with a gap limit, and BIP-21 payment URIs.

use peerpage::btc::bip21::{parse_btc, PaymentUri, UriError};
use peerpage::btc::{Address, Amount, Network};
use peerpage::error::CoreError;
use peerpage::wallet::chain::scan;
use peerpage::wallet::{Chain, Keystore, ScriptType, DEFAULT_GAP_LIMIT};
use std::collections::HashSet;

const ABANDON: &str = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
/// BIP-84's published first receive and change addresses of the "abandon … about" wallet.
const BIP84_RECEIVE_0: &str = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu";
const BIP84_RECEIVE_1: &str = "bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g";
const BIP84_CHANGE_0: &str = "bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el";

fn account() -> peerpage::wallet::Account {
    Keystore::from_mnemonic(ABANDON, "", Network::Mainnet).unwrap().account(ScriptType::P2wpkh, 0).unwrap()
}

#[test]
fn an_empty_wallet_hands_out_index_zero_and_watches_one_gap() {
    let a = account();
    let s = scan(&a, Chain::Receive, DEFAULT_GAP_LIMIT, |_| false).unwrap();
    assert_eq!((s.used.len(), s.next_unused, s.addresses.len()), (0, 0, 20));
    assert_eq!(s.addresses[0].to_string(), BIP84_RECEIVE_0);
    assert_eq!(s.addresses[1].to_string(), BIP84_RECEIVE_1);
    let c = scan(&a, Chain::Change, DEFAULT_GAP_LIMIT, |_| false).unwrap();
    assert_eq!(c.addresses[0].to_string(), BIP84_CHANGE_0);
}

#[test]
fn used_addresses_move_the_next_one_and_the_window() {
    let a = account();
    let used: HashSet<String> = [0, 3, 22].iter().map(|&i| a.address(0, i).unwrap().to_string()).collect();
    let s = scan(&a, Chain::Receive, DEFAULT_GAP_LIMIT, |addr| used.contains(&addr.to_string())).unwrap();
    // 22 is within 20 of 3, so it is found; the window then runs to 23 + 20.
    assert_eq!(s.used, vec![0, 3, 22]);
    assert_eq!(s.next_unused, 23);
    assert_eq!(s.addresses.len(), 43);
    assert_eq!(s.addresses[23], a.address(0, 23).unwrap());
    // Beyond the gap, a used address is not discovered (as in every BIP-44 wallet).
    let far: HashSet<String> = [1, 40].iter().map(|&i| a.address(0, i).unwrap().to_string()).collect();
    let s = scan(&a, Chain::Receive, DEFAULT_GAP_LIMIT, |addr| far.contains(&addr.to_string())).unwrap();
    assert_eq!((s.used.clone(), s.next_unused), (vec![1], 2));
    // A smaller gap limit stops sooner; the change chain is independent.
    let s = scan(&a, Chain::Receive, 2, |addr| used.contains(&addr.to_string())).unwrap();
    assert_eq!((s.used.clone(), s.next_unused, s.addresses.len()), (vec![0], 1, 3));
    let c = scan(&a, Chain::Change, DEFAULT_GAP_LIMIT, |addr| used.contains(&addr.to_string())).unwrap();
    assert_eq!(c.next_unused, 0);
}

fn uri(text: &str) -> Result<PaymentUri, UriError> {
    PaymentUri::parse(text, Network::Mainnet)
}

#[test]
fn bip21_examples_parse_with_a_real_address() {
    // The BIP-21 text's examples, its deliberately invalid address replaced by BIP-84's.
    let a = BIP84_RECEIVE_0;
    let u = uri(&format!("bitcoin:{a}")).unwrap();
    assert_eq!((u.address.to_string(), u.amount, u.label), (a.to_string(), None, None));
    let u = uri(&format!("bitcoin:{a}?label=Luke-Jr")).unwrap();
    assert_eq!(u.label.as_deref(), Some("Luke-Jr"));
    let u = uri(&format!("bitcoin:{a}?amount=20.3&label=Luke-Jr")).unwrap();
    assert_eq!(u.amount, Some(Amount::from_sat(2_030_000_000)));
    let u = uri(&format!("bitcoin:{a}?amount=50&label=Luke-Jr&message=Donation%20for%20project%20xyz")).unwrap();
    assert_eq!(
        (u.amount, u.message.as_deref()),
        (Some(Amount::from_sat(5_000_000_000)), Some("Donation for project xyz"))
    );
    let e = uri(&format!("bitcoin:{a}?req-somethingyoudontunderstand=50&req-somethingelseyoudontget=999")).unwrap_err();
    assert_eq!(e, UriError::UnknownRequired("req-somethingyoudontunderstand".into()));
    let u = uri(&format!("bitcoin:{a}?somethingyoudontunderstand=50&somethingelseyoudontget=999")).unwrap();
    assert_eq!(u.other.len(), 2);
}

#[test]
fn bip21_round_trips_and_refuses_bad_requests() {
    let address = Address::parse(BIP84_RECEIVE_0, Network::Mainnet).unwrap();
    let mut u = PaymentUri::new(address.clone());
    // A bare bech32 request is upper-cased so a QR code can use alphanumeric mode.
    assert_eq!(u.to_uri(), format!("BITCOIN:{}", BIP84_RECEIVE_0.to_uppercase()));
    assert_eq!(uri(&u.to_uri()).unwrap(), u);
    u.amount = Some(Amount::from_sat(1_500));
    u.label = Some("Café & bar / 50% off?".into());
    let text = u.to_uri();
    assert_eq!(
        text,
        format!("bitcoin:{BIP84_RECEIVE_0}?amount=0.000015&label=Caf%C3%A9%20%26%20bar%20%2F%2050%25%20off%3F")
    );
    assert_eq!(uri(&text).unwrap(), u);
    assert_eq!(Amount::from_sat(2_100_000_000_000_000).to_btc_string(), "21000000");
    assert_eq!(Amount::from_sat(1_500).to_string(), "0.000015 BTC");
    for bad in ["1e-3", "0.000000001", "-1", "21000000.00000001", "", ".", "1,5", "0x10", " 1"] {
        assert_eq!(parse_btc(bad), None, "{bad:?}");
    }
    assert_eq!(parse_btc(".5"), Some(Amount::from_sat(50_000_000)));
    let cases = [
        ("http://example.com", "bip21.not-bitcoin-uri"),
        (&format!("bitcoin:{BIP84_RECEIVE_0}?amount=1e3") as &str, "bip21.bad-amount"),
        (&format!("bitcoin:{BIP84_RECEIVE_0}?amount=1&amount=2"), "bip21.duplicate"),
        (&format!("bitcoin:{BIP84_RECEIVE_0}?label=%ff"), "bip21.bad-encoding"),
        (&format!("bitcoin:{BIP84_RECEIVE_0}?label=%4"), "bip21.bad-encoding"),
        ("bitcoin:tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", "address.wrong-network"),
        ("bitcoin:bc1qnotanaddress", "address.invalid"),
    ];
    for (text, code) in cases {
        assert_eq!(uri(text).unwrap_err().code(), code, "{text}");
    }
    // Scheme case is ignored; percent-escapes in the address part are decoded.
    assert!(uri(&format!("BitCoin:{BIP84_RECEIVE_0}")).is_ok());
}
