//! Script recognition, building and ASM display.

use super::common::unhex;
use peerpage::btc::script::{self, to_asm, Builder, ScriptKind};
use peerpage::btc::Amount;

#[test]
fn recognises_every_standard_output() {
    let key = unhex("025476c2e83188368da1ff3e292e7acafcdb3566bb0ad253f62fc70f07aeee6357");
    let h = [0x11u8; 20];
    let w = [0x22u8; 32];
    assert_eq!(ScriptKind::of(&script::p2pkh(&h)), ScriptKind::P2pkh(h));
    assert_eq!(ScriptKind::of(&script::p2sh(&h)), ScriptKind::P2sh(h));
    assert_eq!(ScriptKind::of(&script::p2wpkh(&h)), ScriptKind::P2wpkh(h));
    assert_eq!(ScriptKind::of(&script::p2tr(&w)), ScriptKind::P2tr(w));
    assert!(matches!(ScriptKind::of(&script::p2wsh_of(b"x")), ScriptKind::P2wsh(_)));
    let ms = script::multisig(2, &[&key, &key, &key]).unwrap();
    assert_eq!(ScriptKind::of(&ms), ScriptKind::Multisig { required: 2, keys: vec![key.clone(); 3] });
    assert_eq!(script::multisig(4, &[&key, &key, &key]), None);
    let ret = Builder::new().op(script::op::OP_RETURN).push(b"hello").into_bytes();
    assert_eq!(ScriptKind::of(&ret), ScriptKind::OpReturn(b"hello".to_vec()));
    assert_eq!(ScriptKind::of(&[0x52, 0x02, 1, 2]), ScriptKind::WitnessUnknown { version: 2, program: vec![1, 2] });
    assert_eq!(ScriptKind::of(&[0x00, 0x03, 1, 2, 3]), ScriptKind::NonStandard);
    assert_eq!(ScriptKind::of(&[0x4c]), ScriptKind::NonStandard);
    let p2pk = Builder::new().push(&key).op(script::op::OP_CHECKSIG).into_bytes();
    assert_eq!(ScriptKind::of(&p2pk).name(), "p2pk");
}

#[test]
fn asm_reads_like_bitcoin_core() {
    let h = unhex("1d0f172a0ecb48aee1be1f2687d2963ae33f71a1");
    assert_eq!(
        to_asm(&script::p2pkh(&h.clone().try_into().unwrap())),
        "OP_DUP OP_HASH160 1d0f172a0ecb48aee1be1f2687d2963ae33f71a1 OP_EQUALVERIFY OP_CHECKSIG"
    );
    assert_eq!(to_asm(&[0x00, 0x51, 0x60, 0x02, 0xff, 0x00, 0x01, 0x81]), "0 1 16 255 -1");
    assert_eq!(to_asm(&[0x6a, 0x4c, 0x05, 1]), "OP_RETURN [error]");
}

#[test]
fn builder_uses_minimal_pushes() {
    assert_eq!(Builder::new().push(&[]).push(&[5]).push(&[0x81]).into_bytes(), [0x00, 0x55, 0x4f]);
    let long = vec![7u8; 300];
    let s = Builder::new().push(&long).into_bytes();
    assert_eq!(&s[..3], &[0x4d, 0x2c, 0x01]);
    assert_eq!(script::instructions(&s).unwrap().len(), 1);
}

#[test]
fn amounts_are_checked() {
    let max = Amount::from_sat(u64::MAX);
    assert_eq!(max.checked_add(Amount::from_sat(1)), None);
    assert_eq!(Amount::from_sat(1).checked_sub(Amount::from_sat(2)), None);
    assert_eq!(Amount::checked_sum([Amount::from_sat(3), Amount::from_sat(4)]), Some(Amount::from_sat(7)));
    assert!(!Amount::from_sat(21_000_000 * 100_000_000 + 1).is_money_range());
    assert_eq!(Amount::from_sat(150_000_000).to_string(), "1.5 BTC");
    assert_eq!(Amount::from_sat(10_000).to_string(), "0.0001 BTC");
}

#[test]
fn the_interpreter_checks_key_encodings_even_for_empty_signatures() {
    // Core's CheckPubKeyEncoding runs before an empty signature is found false, and on every
    // key CHECKMULTISIG walks past: in segwit an uncompressed key fails the spend
    // (WITNESS_PUBKEYTYPE) even where a false result would have been fine.
    use peerpage::btc::interpreter::{verify_input, Verdict};
    use peerpage::btc::script::op;
    use peerpage::btc::sighash::SighashCache;
    use peerpage::btc::tx::{OutPoint, Transaction, TxIn, TxOut};
    let compressed = unhex("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
    let mut uncompressed = unhex("0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
    uncompressed.extend(unhex("483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8"));
    let judge = |ws: Vec<u8>, args: Vec<Vec<u8>>| {
        let spent = vec![TxOut { value: Amount::from_sat(1_000), script_pubkey: script::p2wsh_of(&ws) }];
        let mut witness = args;
        witness.push(ws);
        let tx = Transaction {
            version: 2,
            inputs: vec![TxIn { previous_output: OutPoint::default(), script_sig: vec![], sequence: 0, witness }],
            outputs: vec![TxOut { value: Amount::from_sat(900), script_pubkey: vec![op::OP_RETURN] }],
            lock_time: 0,
        };
        verify_input(&mut SighashCache::new(&tx), 0, &spent)
    };
    // <key> CHECKSIG NOTIF 1 ENDIF: an empty signature makes it true, if the key is proper.
    let notif = |key: &[u8]| Builder::new().push(key).op(op::OP_CHECKSIG).op(0x64).op(op::OP_1).op(0x68).into_bytes();
    assert_eq!(judge(notif(&compressed), vec![vec![]]), Verdict::Valid);
    assert_eq!(judge(notif(&uncompressed), vec![vec![]]), Verdict::Invalid("public key not compressed (or malformed)"));
    // 1-of-2 CHECKMULTISIG NOTIF 1 ENDIF with an empty signature walks both keys.
    let multi = |a: &[u8], b: &[u8]| {
        Builder::new().op(op::OP_1).push(a).push(b).op(0x52).op(0xae).op(0x64).op(op::OP_1).op(0x68).into_bytes()
    };
    assert_eq!(judge(multi(&compressed, &compressed), vec![vec![], vec![]]), Verdict::Valid);
    assert_eq!(
        judge(multi(&compressed, &uncompressed), vec![vec![], vec![]]),
        Verdict::Invalid("public key not compressed (or malformed)")
    );
}
