//! Transactions: parsing hostile bytes, round trips, ids, weight.

use super::common::{hex, unhex, vectors};
use peerpage::btc::encoding::{witness_len, write_compact_size, write_witness, Reader};
use peerpage::btc::{DecodeError, Transaction};
use peerpage::error::CoreError;

#[test]
fn segwit_transaction_ids_weight_and_vsize() {
    // BIP-143's signed native P2WPKH example: one P2PK input (scriptSig) and one P2WPKH.
    let v = vectors("bip143_vectors.json");
    let signed = unhex(v["vectors"][0]["signed_tx"].as_str().unwrap());
    let tx = Transaction::from_bytes(&signed).unwrap();
    assert!(tx.has_witness());
    let base = tx.to_bytes_no_witness().len();
    assert_eq!(tx.base_size(), base);
    assert_eq!(tx.weight(), base * 3 + signed.len());
    assert_eq!(tx.vsize(), tx.weight().div_ceil(4));
    // The txid is the legacy serialization's hash: stripping witnesses keeps it.
    let stripped = Transaction::from_bytes(&tx.to_bytes_no_witness()).unwrap();
    assert_eq!(stripped.txid(), tx.txid());
    assert_eq!(stripped.wtxid(), stripped.txid());
    assert_eq!(stripped.weight(), base * 4);
}

#[test]
fn txid_displays_reversed() {
    // The BIP-341 vector's first input spends 9c4e333b...:1 shown in explorers' order.
    let v = vectors("bip341_wallet_test_vectors.json");
    let tx =
        Transaction::from_bytes(&unhex(v["keyPathSpending"][0]["given"]["rawUnsignedTx"].as_str().unwrap())).unwrap();
    let shown = tx.inputs[0].previous_output.txid.to_string();
    assert_eq!(peerpage::btc::Txid::from_display_hex(&shown), Some(tx.inputs[0].previous_output.txid));
    assert_eq!(shown, "9c4e333b5f116359b5f5578fe4a74c6f58b3bab9d28149a583da86f6bf0ce27d");
}

#[test]
fn hostile_bytes_get_typed_errors() {
    let v = vectors("bip143_vectors.json");
    let good = unhex(v["vectors"][0]["signed_tx"].as_str().unwrap());
    // Every truncation fails cleanly.
    for n in 0..good.len() {
        let err = Transaction::from_bytes(&good[..n]).unwrap_err();
        assert!(err.code().starts_with("btc.encoding."), "{n}: {err}");
    }
    let mut trailing = good.clone();
    trailing.push(0);
    assert_eq!(Transaction::from_bytes(&trailing).unwrap_err(), DecodeError::TrailingData { extra: 1 });
    // A count of 2^25 inputs in a tiny input fails before any allocation.
    let mut huge = vec![1, 0, 0, 0];
    write_compact_size(&mut huge, 0x0200_0000);
    assert!(matches!(Transaction::from_bytes(&huge), Err(DecodeError::UnexpectedEof { .. })));
    // Segwit marker with flag 2 is unknown optional data.
    let mut bad_flag = good.clone();
    bad_flag[5] = 2;
    assert_eq!(Transaction::from_bytes(&bad_flag).unwrap_err(), DecodeError::BadWitnessFlag);
    // A witness flag with only empty witnesses is superfluous (BIP-144).
    let mut tx = Transaction::from_bytes(&good).unwrap();
    for i in &mut tx.inputs {
        i.witness.clear();
    }
    let mut forced = tx.to_bytes_no_witness();
    forced.splice(4..4, [0, 1]);
    let lock_at = forced.len() - 4;
    forced.splice(lock_at..lock_at, vec![0; tx.inputs.len()]);
    assert_eq!(Transaction::from_bytes(&forced).unwrap_err(), DecodeError::BadWitnessFlag);
}

#[test]
fn compact_sizes_must_be_canonical() {
    assert_eq!(Reader::new(&[0xfd, 0xfc, 0x00]).compact_size(), Err(DecodeError::NonCanonicalCompactSize));
    assert_eq!(Reader::new(&[0xfd, 0xfd, 0x00]).compact_size(), Ok(0xfd));
    assert_eq!(Reader::new(&[0xfe, 0xff, 0xff, 0, 0]).compact_size(), Err(DecodeError::NonCanonicalCompactSize));
    assert_eq!(Reader::new(&[0xfe, 0x01, 0x00, 0x00, 0x02]).compact_size(), Err(DecodeError::TooLarge));
    for n in [0u64, 0xfc, 0xfd, 0xffff, 0x1_0000, 0x1_0000_0000] {
        let mut b = Vec::new();
        write_compact_size(&mut b, n);
        assert_eq!(Reader::new(&b).compact_size_unbounded(), Ok(n), "{}", hex(&b));
    }
}

#[test]
fn witness_stacks_round_trip_and_hostile_counts_fail_before_allocating() {
    let stack = vec![vec![], vec![0xab; 0xfd], vec![1, 2, 3]];
    let mut b = Vec::new();
    write_witness(&mut b, &stack);
    assert_eq!(b.len(), witness_len(&stack));
    assert_eq!(&b[..3], &[3, 0, 0xfd]);
    let mut r = Reader::new(&b);
    assert_eq!(r.witness(), Ok(stack));
    assert_eq!(r.finish(), Ok(()));
    // An empty stack is the single byte 0.
    assert_eq!(Reader::new(&[0]).witness(), Ok(vec![]));
    // A count of 0x02000000 items in four bytes, and an item longer than the input.
    assert!(matches!(Reader::new(&[0xfe, 0, 0, 0, 2]).witness(), Err(DecodeError::UnexpectedEof { .. })));
    assert!(matches!(Reader::new(&[1, 5, 1, 2]).witness(), Err(DecodeError::UnexpectedEof { .. })));
}
