//! Bitcoin Core's own script interpreter (`bitcoinconsensus`, Core 26) judges transactions
//! peerpage signs and finalizes: P2PKH, P2SH-P2WPKH, P2WPKH, P2WSH 2-of-3, P2TR key path and
//! P2TR script path (single key and 2-of-2 CHECKSIGADD), all in one transaction. Each is
//! accepted, and each is rejected once one byte of one of its signatures is flipped.

use peerpage::btc::psbt::taproot::output_key;
use peerpage::btc::psbt::{Input, KeySource, Output, Psbt, PsbtError, TapKeySource};
use peerpage::btc::script::{self, op};
use peerpage::btc::sighash::{tapbranch_hash, tapleaf_hash};
use peerpage::btc::tx::{OutPoint, Transaction, TxIn, TxOut};
use peerpage::btc::{hash::hash160, Amount, Network};
use peerpage::wallet::hd::compressed;
use peerpage::wallet::psbt::{sign, SignOptions};
use peerpage::wallet::{DerivationPath, Keystore, NonceMode};

use super::core_judge::core_verdicts;

pub const ABANDON: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
pub const OTHER: &str = "legal winner thank year wave sausage worth useful legal winner thank yellow";
/// BIP-341's provably unspendable internal key H (its "NUMS" point).
const NUMS: &str = "50929b74c1a04954b78b4b6035e97a5e078a5a0f28ec96d547bfee9ace803ac0";
const VALUE: u64 = 100_000;

fn key(store: &Keystore, path: &str) -> ([u8; 33], KeySource) {
    let p = DerivationPath::parse(path).unwrap();
    let pk = compressed(&store.public_key(Some(&p)).unwrap());
    (pk, KeySource { fingerprint: store.fingerprint().unwrap(), path: p.0 })
}

fn xonly(pk: &[u8; 33]) -> [u8; 32] {
    pk[1..].try_into().unwrap()
}

fn tap_source(source: KeySource, leaves: Vec<[u8; 32]>) -> TapKeySource {
    TapKeySource { leaf_hashes: leaves, source }
}

/// A PSBT spending one output of each kind from a made-up funding transaction, paying one
/// stranger and our change. Returns it with the scripts and amounts spent, in input order.
pub fn mixed_psbt(ours: &Keystore) -> Psbt {
    let stranger = Keystore::from_mnemonic(OTHER, "", Network::Testnet).unwrap();
    let mut inputs: Vec<Input> = Vec::new();
    let mut spks: Vec<Vec<u8>> = Vec::new();

    // 0: P2PKH (BIP-44).
    let (pk, src) = key(ours, "m/44'/1'/0'/0/0");
    spks.push(script::p2pkh(&hash160(&pk)));
    inputs.push(Input { bip32_derivation: [(pk.to_vec(), src)].into(), ..Input::default() });

    // 1: P2SH-P2WPKH (BIP-49).
    let (pk, src) = key(ours, "m/49'/1'/0'/0/0");
    let redeem = script::p2wpkh(&hash160(&pk));
    spks.push(script::p2sh_of(&redeem));
    inputs.push(Input {
        redeem_script: Some(redeem),
        bip32_derivation: [(pk.to_vec(), src)].into(),
        ..Input::default()
    });

    // 2: P2WPKH (BIP-84).
    let (pk, src) = key(ours, "m/84'/1'/0'/0/0");
    spks.push(script::p2wpkh(&hash160(&pk)));
    inputs.push(Input { bip32_derivation: [(pk.to_vec(), src)].into(), ..Input::default() });

    // 3: P2WSH 2-of-3, two keys ours (BIP-48 paths), one a stranger's.
    let (a, sa) = key(ours, "m/48'/1'/0'/2'/0/0");
    let (b, sb) = key(ours, "m/48'/1'/0'/2'/0/1");
    let (c, sc) = key(&stranger, "m/48'/1'/0'/2'/0/0");
    let ws = script::multisig(2, &[&a, &b, &c]).unwrap();
    spks.push(script::p2wsh_of(&ws));
    inputs.push(Input {
        witness_script: Some(ws),
        bip32_derivation: [(a.to_vec(), sa), (b.to_vec(), sb), (c.to_vec(), sc)].into(),
        ..Input::default()
    });

    // 4: P2TR key path (BIP-86).
    let (pk, src) = key(ours, "m/86'/1'/0'/0/0");
    let x = xonly(&pk);
    spks.push(script::p2tr(&output_key(&x, None).unwrap().0));
    inputs.push(Input {
        tap_internal_key: Some(x),
        tap_bip32_derivation: [(x, tap_source(src, vec![]))].into(),
        ..Input::default()
    });

    // 5: P2TR script path, two leaves under the unspendable key: <ours> CHECKSIG, and a
    // 2-of-2 CHECKSIGADD with a stranger (only one signature: the finalizer must pick leaf 1).
    let nums: [u8; 32] = peerpage::btc::encoding::from_hex(NUMS).unwrap().try_into().unwrap();
    let (k1, s1) = key(ours, "m/86'/1'/0'/0/1");
    let (k2, s2) = key(ours, "m/86'/1'/0'/0/2");
    let (k3, s3) = key(&stranger, "m/86'/1'/0'/0/2");
    let leaf1 = script::Builder::new().push(&xonly(&k1)).op(op::OP_CHECKSIG).into_bytes();
    let leaf2 = threshold(&xonly(&k2), &xonly(&k3));
    let (h1, h2) = (tapleaf_hash(0xc0, &leaf1), tapleaf_hash(0xc0, &leaf2));
    let root = tapbranch_hash(&h1, &h2);
    let (q, parity) = output_key(&nums, Some(&root)).unwrap();
    spks.push(script::p2tr(&q));
    let cb = |sibling: &[u8; 32]| [&[0xc0 | parity][..], &nums, sibling].concat();
    inputs.push(Input {
        tap_internal_key: Some(nums),
        tap_merkle_root: Some(root),
        tap_leaf_scripts: [(cb(&h2), (leaf1, 0xc0)), (cb(&h1), (leaf2, 0xc0))].into(),
        tap_bip32_derivation: [
            (xonly(&k1), tap_source(s1, vec![h1])),
            (xonly(&k2), tap_source(s2, vec![h2])),
            (xonly(&k3), tap_source(s3, vec![h2])),
        ]
        .into(),
        ..Input::default()
    });

    // 6: P2TR script path, one leaf: 2-of-2 CHECKSIGADD, both keys ours.
    let (k4, s4) = key(ours, "m/86'/1'/0'/0/3");
    let (k5, s5) = key(ours, "m/86'/1'/0'/0/4");
    let leaf = threshold(&xonly(&k4), &xonly(&k5));
    let h = tapleaf_hash(0xc0, &leaf);
    let (q, parity) = output_key(&nums, Some(&h)).unwrap();
    spks.push(script::p2tr(&q));
    inputs.push(Input {
        tap_internal_key: Some(nums),
        tap_merkle_root: Some(h),
        tap_leaf_scripts: [([&[0xc0 | parity][..], &nums].concat(), (leaf, 0xc0))].into(),
        tap_bip32_derivation: [(xonly(&k4), tap_source(s4, vec![h])), (xonly(&k5), tap_source(s5, vec![h]))].into(),
        ..Input::default()
    });

    // The funding transaction: one output per script above.
    let funding = Transaction {
        version: 2,
        inputs: vec![TxIn {
            previous_output: OutPoint::default(),
            script_sig: vec![0x51],
            sequence: 0xffff_ffff,
            witness: vec![],
        }],
        outputs: spks.iter().map(|s| TxOut { value: Amount::from_sat(VALUE), script_pubkey: s.clone() }).collect(),
        lock_time: 0,
    };
    let txid = funding.txid();
    for (i, input) in inputs.iter_mut().enumerate() {
        input.previous_output = OutPoint { txid, vout: i as u32 };
        input.sequence = Some(0xffff_fffd);
        input.witness_utxo = Some(funding.outputs[i].clone());
        // Legacy and segwit v0 inputs carry the whole funding transaction (BIP-174), all
        // but the P2WPKH one (as many wallets send them).
        if i < 4 && i != 2 {
            input.non_witness_utxo = Some(funding.clone());
        }
    }
    inputs[0].witness_utxo = None;

    let (stranger_pk, _) = key(&stranger, "m/84'/1'/0'/0/0");
    let (change_pk, change_src) = key(ours, "m/84'/1'/0'/1/0");
    let outputs = vec![
        Output {
            amount: Amount::from_sat(500_000),
            script_pubkey: script::p2wpkh(&hash160(&stranger_pk)),
            ..Output::default()
        },
        Output {
            amount: Amount::from_sat(190_000),
            script_pubkey: script::p2wpkh(&hash160(&change_pk)),
            bip32_derivation: [(change_pk.to_vec(), change_src)].into(),
            ..Output::default()
        },
    ];
    Psbt { version: 0, tx_version: 2, fallback_locktime: Some(0), inputs, outputs, ..Psbt::default() }
}

/// `<a> OP_CHECKSIG <b> OP_CHECKSIGADD 2 OP_NUMEQUAL` (BIP-342 2-of-2).
fn threshold(a: &[u8; 32], b: &[u8; 32]) -> Vec<u8> {
    script::Builder::new().push(a).op(op::OP_CHECKSIG).push(b).op(op::OP_CHECKSIGADD).int(2).op(0x9c).into_bytes()
}

/// Core's verdict on every input of `psbt` once finalized and extracted.
pub fn verdicts(psbt: &Psbt) -> Vec<Result<(), bitcoinconsensus::Error>> {
    let (tx, spent) = finalized(psbt);
    core_verdicts(&tx, &spent)
}

/// The transaction `psbt` finalizes to, and the outputs its inputs spend.
fn finalized(psbt: &Psbt) -> (Transaction, Vec<TxOut>) {
    let mut psbt = psbt.clone();
    let report = psbt.finalize().unwrap();
    assert!(report.complete, "{report:?}");
    let spent = psbt.spent_outputs().into_iter().map(Option::unwrap).collect();
    (psbt.extract().unwrap(), spent)
}

fn signed(options: &SignOptions, version: u32) -> Psbt {
    let store = Keystore::from_mnemonic(ABANDON, "", Network::Testnet).unwrap();
    let mut psbt = mixed_psbt(&store).to_version(version).unwrap();
    let report = sign(&store, &mut psbt, options).unwrap();
    assert!(report.refused.is_empty(), "{report:?}");
    // One signature each, two for the 2-of-3, two leaves for input 5, two keys for input 6.
    assert_eq!(report.signed, vec![(0, 1), (1, 1), (2, 1), (3, 2), (4, 1), (5, 2), (6, 2)]);
    psbt
}

#[test]
fn core_accepts_every_input_we_sign_and_rejects_each_with_a_flipped_signature_byte() {
    for options in [
        SignOptions::default(),
        SignOptions { nonce_mode: NonceMode::Plain, aux_rand: [7; 32], ..SignOptions::default() },
    ] {
        let psbt = signed(&options, 0);
        assert!(verdicts(&psbt).iter().all(Result::is_ok), "{:?}", verdicts(&psbt));
        if options.nonce_mode == NonceMode::LowR {
            // Grinding: every DER signature with its sighash byte is at most 71 bytes.
            assert!(psbt.inputs.iter().flat_map(|i| i.partial_sigs.values()).all(|s| s.len() <= 71));
        }
        // The finalizer refuses a signature that does not verify, so the byte is flipped in
        // the finished transaction: in the first of the input's signatures it carries.
        let (tx, spent) = finalized(&psbt);
        for i in 0..psbt.inputs.len() {
            let mut bad = tx.clone();
            let sigs = signatures(&mut psbt.clone(), i).into_iter().map(|s| s.clone()).collect::<Vec<_>>();
            let txin = &mut bad.inputs[i];
            if let Some(item) = txin.witness.iter_mut().find(|w| sigs.contains(w)) {
                item[10] ^= 0x01;
            } else {
                let at =
                    sigs.iter().find_map(|s| txin.script_sig.windows(s.len()).position(|w| w == s.as_slice())).unwrap();
                txin.script_sig[at + 10] ^= 0x01;
            }
            let v = core_verdicts(&bad, &spent);
            assert!(v[i].is_err(), "input {i} accepted with a flipped byte");
            assert!(v.iter().enumerate().all(|(j, r)| j == i || r.is_ok()), "only input {i} fails: {v:?}");
        }
    }
}

/// Every signature input `i` carries: ECDSA partial signatures, then taproot ones.
fn signatures(psbt: &mut Psbt, i: usize) -> Vec<&mut Vec<u8>> {
    let input = &mut psbt.inputs[i];
    input
        .partial_sigs
        .values_mut()
        .chain(input.tap_key_sig.as_mut())
        .chain(input.tap_script_sigs.values_mut())
        .collect()
}

#[test]
fn finalize_refuses_a_signature_that_does_not_verify_for_every_script_type() {
    // P2PKH, P2SH-P2WPKH, P2WPKH, P2WSH 2-of-3, P2TR key path, P2TR script path (single key
    // and 2-of-2): each signature in turn with a flipped byte, then with another sighash
    // byte (a signature of another message). BIP-174's P2SH multisig: tests/bitcoin/psbt.rs.
    let psbt = signed(&SignOptions::default(), 0);
    let mut cases = 0;
    for i in 0..psbt.inputs.len() {
        for j in 0..signatures(&mut psbt.clone(), i).len() {
            let flip = |s: &mut Vec<u8>| s[10] ^= 0x01;
            let other_type = |s: &mut Vec<u8>| match s.len() {
                64 => s.push(0x01),
                _ => *s.last_mut().unwrap() = 0x81,
            };
            for corrupt in [&flip as &dyn Fn(&mut Vec<u8>), &other_type] {
                let mut bad = psbt.clone();
                corrupt(signatures(&mut bad, i)[j]);
                let before = bad.clone();
                assert_eq!(bad.finalize(), Err(PsbtError::InvalidSignature(i)), "input {i}, signature {j}");
                assert_eq!(bad, before, "a refused finalize changes nothing");
                let err = peerpage::btc::psbt::finalize_and_extract(&before.to_bytes()).unwrap_err();
                assert_eq!(peerpage::error::CoreError::code(&err), "btc.psbt.invalid-signature");
                cases += 1;
            }
        }
    }
    // 1 + 1 + 1 + 2 + 1 + 2 + 2 signatures, two corruptions each.
    assert_eq!(cases, 20);
    assert!(psbt.clone().finalize().unwrap().complete);

    // Without input 0's coin, taproot signatures (which sign every spent amount) cannot be
    // checked: those inputs stay pending rather than be finalized unchecked.
    let mut partial = psbt.clone();
    partial.inputs[0].non_witness_utxo = None;
    let report = partial.finalize().unwrap();
    assert_eq!(report.finalized, vec![1, 2, 3]);
    assert_eq!(report.pending.iter().map(|p| p.0).collect::<Vec<_>>(), vec![0, 4, 5, 6]);
    assert!(report.pending[1].1.contains("cannot be checked"), "{report:?}");
}

#[test]
fn a_v2_psbt_signs_to_the_same_transaction_as_its_v0_form() {
    let options = SignOptions::default();
    let mut v0 = signed(&options, 0);
    let mut v2 = signed(&options, 2);
    assert!(verdicts(&v2).iter().all(Result::is_ok));
    v0.finalize().unwrap();
    v2.finalize().unwrap();
    assert_eq!(v0.extract().unwrap(), v2.extract().unwrap());
    // And the signed v2 PSBT survives its own serialization.
    assert_eq!(Psbt::from_bytes(&v2.to_bytes()).unwrap(), v2);
}

#[test]
fn bip371_signed_vectors_finalize_into_spends_core_accepts() {
    // BIP-371's PSBTs with a key-path signature and with script-path signatures: finalized
    // by peerpage (choosing among the leaves), their transactions pass Core's interpreter.
    let path = format!("{}/tests/vectors/bip371_taproot_psbt_vectors.json", env!("CARGO_MANIFEST_DIR"));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let mut checked = 0;
    for case in v["valid"].as_array().unwrap() {
        let psbt =
            Psbt::from_bytes(&peerpage::btc::encoding::from_hex(case["hex"].as_str().unwrap()).unwrap()).unwrap();
        let signed = psbt.inputs.iter().all(|i| i.tap_key_sig.is_some() || !i.tap_script_sigs.is_empty());
        if signed {
            assert!(verdicts(&psbt).iter().all(Result::is_ok), "{}", case["description"]);
            checked += 1;
        }
    }
    assert_eq!(checked, 2);
}

#[test]
fn an_imported_uncompressed_key_signs_its_old_p2pkh_coin() {
    use k256::elliptic_curve::sec1::ToEncodedPoint;
    // Private key 1 as uncompressed WIF, paying to the P2PKH of its 65-byte public key.
    let store = Keystore::from_wif("5HpHagT65TZzG1PH3CSu63k8DbpvD8s5ip4nEB3kEsreAnchuDf").unwrap();
    let pk = store.public_key(None).unwrap().to_encoded_point(false).as_bytes().to_vec();
    let spk = script::p2pkh(&hash160(&pk));
    let funding = Transaction {
        version: 1,
        inputs: vec![TxIn {
            previous_output: OutPoint::default(),
            script_sig: vec![0x51],
            sequence: 0xffff_ffff,
            witness: vec![],
        }],
        outputs: vec![TxOut { value: Amount::from_sat(VALUE), script_pubkey: spk }],
        lock_time: 0,
    };
    let source = KeySource { fingerprint: hash160(&pk)[..4].try_into().unwrap(), path: vec![] };
    let mut psbt = Psbt {
        tx_version: 2,
        fallback_locktime: Some(0),
        inputs: vec![Input {
            previous_output: OutPoint { txid: funding.txid(), vout: 0 },
            sequence: Some(0xffff_ffff),
            non_witness_utxo: Some(funding),
            bip32_derivation: [(pk.clone(), source)].into(),
            ..Input::default()
        }],
        outputs: vec![Output {
            amount: Amount::from_sat(VALUE - 1_000),
            script_pubkey: script::p2wpkh(&[9; 20]),
            ..Output::default()
        }],
        ..Psbt::default()
    };
    let report = sign(&store, &mut psbt, &SignOptions::default()).unwrap();
    assert_eq!(report.signatures, 1);
    assert!(psbt.inputs[0].partial_sigs.contains_key(&pk));
    assert!(verdicts(&psbt)[0].is_ok());
}
