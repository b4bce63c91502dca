//! Time to sign, and to finalize, a 100-input P2WPKH PSBT with a BIP-84 keystore: the
//! workload issue #5 compares with bitcoinjs-lib (about 44 ms to sign there). Native here;
//! the page runs the same code as wasm. Run with
//! `cargo run --release --example psbt_sign [inputs]`; prints one JSON line.
//!
//! The result is checked before it is timed: every input gets one signature and the PSBT
//! finalizes completely.

use peerpage::btc::psbt::{Input, KeySource, Output, Psbt};
use peerpage::btc::script;
use peerpage::btc::tx::{OutPoint, TxOut, Txid};
use peerpage::btc::{hash::hash160, Amount, Network};
use peerpage::wallet::hd::compressed;
use peerpage::wallet::psbt::{sign, SignOptions};
use peerpage::wallet::{DerivationPath, Keystore};
use std::time::Instant;

const PHRASE: &str = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

fn psbt(store: &Keystore, n: u32) -> Psbt {
    let fingerprint = store.fingerprint().unwrap();
    let inputs = (0..n)
        .map(|i| {
            let path = DerivationPath::parse(&format!("m/84'/1'/0'/0/{i}")).unwrap();
            let pk = compressed(&store.public_key(Some(&path)).unwrap());
            Input {
                previous_output: OutPoint { txid: Txid([i as u8 ^ 0x5a; 32]), vout: i },
                sequence: Some(0xffff_fffd),
                witness_utxo: Some(TxOut {
                    value: Amount::from_sat(10_000),
                    script_pubkey: script::p2wpkh(&hash160(&pk)),
                }),
                bip32_derivation: [(pk.to_vec(), KeySource { fingerprint, path: path.0 })].into(),
                ..Input::default()
            }
        })
        .collect();
    let outputs = vec![Output {
        amount: Amount::from_sat(9_000 * u64::from(n)),
        script_pubkey: script::p2wpkh(&[7; 20]),
        ..Output::default()
    }];
    Psbt { version: 0, tx_version: 2, fallback_locktime: Some(0), inputs, outputs, ..Psbt::default() }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let n: u32 = std::env::args().nth(1).map_or(100, |s| s.parse().unwrap());
    let store = Keystore::from_mnemonic(PHRASE, "", Network::Testnet).unwrap();
    let unsigned = psbt(&store, n).to_bytes();
    let (mut sign_ms, mut finalize_ms) = (Vec::new(), Vec::new());
    for _ in 0..9 {
        let started = Instant::now();
        let mut p = Psbt::from_bytes(&unsigned).unwrap();
        let report = sign(&store, &mut p, &SignOptions::default()).unwrap();
        let signed = p.to_bytes();
        sign_ms.push(started.elapsed().as_secs_f64() * 1e3);
        assert_eq!(report.signatures, n as usize);
        let started = Instant::now();
        let mut p = Psbt::from_bytes(&signed).unwrap();
        let done = p.finalize().unwrap();
        let tx = p.extract().unwrap().to_bytes();
        finalize_ms.push(started.elapsed().as_secs_f64() * 1e3);
        assert!(done.complete && !tx.is_empty());
    }
    println!("{{\"inputs\":{n},\"sign_ms\":{:.2},\"finalize_ms\":{:.2}}}", median(sign_ms), median(finalize_ms));
}
