//! The PSBT signer judged by BIP-174's signer vectors (byte for byte, grinding off) and by
//! its own checks; review judged on PSBTs built here from known keys.

use peerpage::btc::psbt::Psbt;
use peerpage::btc::{Amount, Network};
use peerpage::wallet::psbt::{sign, SignOptions};
use peerpage::wallet::{DerivationPath, Keystore, NonceMode};
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

const PLAIN: SignOptions =
    SignOptions { nonce_mode: NonceMode::Plain, aux_rand: [0; 32], allow_non_default_sighash: false };
/// The default options, and signing whatever sighash type an input asks for.
const ANY_SIGHASH: SignOptions =
    SignOptions { nonce_mode: NonceMode::LowR, aux_rand: [0; 32], allow_non_default_sighash: true };

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

use super::psbt_consensus::{mixed_psbt, ABANDON, OTHER};
use peerpage::btc::psbt::review::Review;
use peerpage::btc::psbt::{KeySource, TapKeySource};
use peerpage::wallet::psbt::review_with_keystore;

fn ours() -> Keystore {
    Keystore::from_mnemonic(ABANDON, "", Network::Testnet).unwrap()
}

fn codes(r: &Review) -> Vec<(&'static str, Option<usize>)> {
    r.warnings.iter().map(|w| (w.code, w.input)).collect()
}

#[test]
fn review_shows_values_owners_change_fee_and_the_size_once_signed() {
    let store = ours();
    let psbt = mixed_psbt(&store);
    let r = review_with_keystore(&store, &psbt);
    assert_eq!(r.inputs.len(), 7);
    assert!(r.inputs.iter().all(|i| i.ours && i.value == Some(100_000)), "{:?}", r.inputs);
    assert_eq!(r.inputs[0].path.as_deref(), Some("m/44'/1'/0'/0/0"));
    assert_eq!(r.inputs[4].script_type, "p2tr");
    assert_eq!((r.total_in, r.total_out, r.fee, r.sent), (Some(700_000), Some(690_000), Some(10_000), Some(500_000)));
    assert!(!r.outputs[0].ours && !r.outputs[0].change);
    assert!(r.outputs[1].ours && r.outputs[1].change);
    assert_eq!(r.outputs[1].path.as_deref(), Some("m/84'/1'/0'/1/0"));
    assert!(r.outputs[1].address.as_deref().unwrap().starts_with("tb1q"));
    // Only the P2WPKH input lacks its previous transaction (the taproot ones need none).
    assert_eq!(codes(&r), vec![("witness-utxo-only", Some(2))]);

    // The estimate bounds the real signed size from above, by a byte per ECDSA signature.
    let mut signed = psbt.clone();
    sign(&store, &mut signed, &SignOptions::default()).unwrap();
    signed.finalize().unwrap();
    let tx = signed.extract().unwrap();
    let estimate = r.estimated_vsize.unwrap() as usize;
    assert!(estimate >= tx.vsize() && estimate <= tx.vsize() + 6, "estimate {estimate}, real {}", tx.vsize());
    let rate = r.fee_rate.unwrap();
    assert!((rate - 10_000.0 / estimate as f64).abs() < 1e-9);
    // Our signatures verify; a flipped byte is flagged before anyone finalizes it.
    let mut unfinal = psbt.clone();
    sign(&store, &mut unfinal, &SignOptions::default()).unwrap();
    assert!(review_with_keystore(&store, &unfinal).warnings.iter().all(|w| w.code != "invalid-signature"));
    unfinal.inputs[5].tap_script_sigs.values_mut().next().unwrap()[3] ^= 1;
    assert!(codes(&review_with_keystore(&store, &unfinal)).contains(&("invalid-signature", Some(5))));
    // After signing and finalizing, the review says so and measures the real size.
    let done = review_with_keystore(&store, &signed);
    assert!(done.complete && done.inputs.iter().all(|i| i.finalized));
    assert_eq!(done.estimated_vsize, Some(tx.vsize() as u64));
}

#[test]
fn a_watch_only_wallet_of_account_xpubs_reviews_as_the_keystore_does() {
    use peerpage::wallet::psbt::review_with_accounts;
    use peerpage::wallet::ScriptType;
    let store = ours();
    let psbt = mixed_psbt(&store);
    let full = review_with_keystore(&store, &psbt);
    // Every account the PSBT touches, as xpubs only.
    let mut accounts: Vec<_> = [ScriptType::P2pkh, ScriptType::P2shP2wpkh, ScriptType::P2wpkh, ScriptType::P2tr]
        .iter()
        .map(|t| store.account(*t, 0).unwrap())
        .collect();
    let multisig = DerivationPath::parse("m/48'/1'/0'/2'").unwrap();
    let mut ms = accounts[2].clone();
    ms.path = multisig.clone();
    let seed = peerpage::wallet::Mnemonic::parse(ABANDON).unwrap().to_seed("");
    let master = peerpage::wallet::ExtendedPrivKey::master(&seed[..], Network::Testnet).unwrap();
    ms.xpub = master.derive_path(&multisig).unwrap().to_public();
    accounts.push(ms);
    let watch = review_with_accounts(&accounts, Network::Testnet, &psbt);
    assert_eq!(watch, full);
    assert!(watch.inputs.iter().all(|i| i.ours) && watch.outputs[1].change);
    // Without the BIP-84 account, its input and the change are no longer ours.
    accounts.remove(2);
    let partial = review_with_accounts(&accounts, Network::Testnet, &psbt);
    assert!(!partial.inputs[2].ours && partial.inputs[0].ours && !partial.outputs[1].ours);
}

#[test]
fn change_is_ours_only_if_its_script_pays_our_key() {
    let store = ours();
    let mut psbt = mixed_psbt(&store);
    // The stranger's output claims our change key: the script is not ours, so neither is it.
    let claimed = psbt.outputs[1].bip32_derivation.clone();
    psbt.outputs[0].bip32_derivation = claimed;
    // A taproot change output: our BIP-86 key, verified by tweaking it here.
    let path = DerivationPath::parse("m/86'/1'/0'/1/0").unwrap();
    let pk = peerpage::wallet::hd::compressed(&store.public_key(Some(&path)).unwrap());
    let x: [u8; 32] = pk[1..].try_into().unwrap();
    let q = peerpage::btc::psbt::taproot::output_key(&x, None).unwrap().0;
    psbt.outputs[1].script_pubkey = peerpage::btc::script::p2tr(&q);
    psbt.outputs[1].bip32_derivation.clear();
    psbt.outputs[1].tap_internal_key = Some(x);
    let source = KeySource { fingerprint: store.fingerprint().unwrap(), path: path.0.clone() };
    psbt.outputs[1].tap_bip32_derivation = [(x, TapKeySource { leaf_hashes: vec![], source })].into();
    let r = review_with_keystore(&store, &psbt);
    assert!(!r.outputs[0].ours);
    assert!(r.outputs[1].ours && r.outputs[1].change, "{:?}", r.outputs[1]);
    assert!(r.outputs[1].address.as_deref().unwrap().starts_with("tb1p"));
    // A stranger's taproot output that lists our change key among its key origins: neither
    // its internal key nor any leaf of its tree is our key, so it is not our change.
    let theirs = peerpage::wallet::hd::compressed(
        &Keystore::from_mnemonic(OTHER, "", Network::Testnet).unwrap().public_key(Some(&path)).unwrap(),
    );
    let xs: [u8; 32] = theirs[1..].try_into().unwrap();
    let leaf = |x: &[u8; 32]| {
        peerpage::btc::script::Builder::new().push(x).op(peerpage::btc::script::op::OP_CHECKSIG).into_bytes()
    };
    let tapret = |internal: &[u8; 32], tree: Option<Vec<u8>>| {
        let mut p = psbt.clone();
        let root = tree.as_ref().map(|script| peerpage::btc::sighash::tapleaf_hash(0xc0, script));
        let q = peerpage::btc::psbt::taproot::output_key(internal, root.as_ref()).unwrap().0;
        p.outputs[1].script_pubkey = peerpage::btc::script::p2tr(&q);
        p.outputs[1].tap_internal_key = Some(*internal);
        p.outputs[1].tap_tree =
            tree.map(|script| vec![peerpage::btc::psbt::TapTreeLeaf { depth: 0, leaf_version: 0xc0, script }]);
        review_with_keystore(&store, &p).outputs[1].clone()
    };
    assert!(!tapret(&xs, None).ours);
    assert!(!tapret(&xs, Some(leaf(&xs))).ours);
    // Our key in its only leaf (a script-path output of ours): ours again.
    assert!(tapret(&xs, Some(leaf(&x))).ours && tapret(&xs, Some(leaf(&x))).change);
    assert!(tapret(&x, None).change);
    // Another wallet sees nothing of its own.
    let other =
        Keystore::from_mnemonic("zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong", "", Network::Testnet).unwrap();
    let r = review_with_keystore(&other, &psbt);
    assert!(r.inputs.iter().all(|i| !i.ours) && r.outputs.iter().all(|o| !o.ours));
}

#[test]
fn review_warns_about_fee_attacks_sighash_types_absurd_fees_and_networks() {
    let store = ours();
    let base = mixed_psbt(&store);

    let mut p = base.clone();
    p.inputs[0].non_witness_utxo = None;
    let r = review_with_keystore(&store, &p);
    assert!(codes(&r).contains(&("missing-utxo", Some(0))));
    assert_eq!((r.total_in, r.fee, r.fee_rate), (None, None, None));

    // A previous transaction that is not the one spent: the amount is a lie.
    let mut p = base.clone();
    p.inputs[1].non_witness_utxo.as_mut().unwrap().lock_time = 1;
    assert!(codes(&review_with_keystore(&store, &p)).contains(&("utxo-mismatch", Some(1))));
    // It is refused, and so are the taproot inputs: BIP-341 signs every amount spent.
    let report = sign(&store, &mut p, &SignOptions::default()).unwrap();
    assert_eq!(report.refused.iter().map(|r| r.0).collect::<Vec<_>>(), vec![1, 4, 5, 6]);
    assert_eq!(report.signed.iter().map(|r| r.0).collect::<Vec<_>>(), vec![0, 2, 3]);
    // A witness UTXO that disagrees with the previous transaction (BIP-143 fee attack).
    let mut p = base.clone();
    p.inputs[3].witness_utxo.as_mut().unwrap().value = Amount::from_sat(1);
    assert!(codes(&review_with_keystore(&store, &p)).contains(&("utxo-mismatch", Some(3))));

    let mut p = base.clone();
    p.inputs[2].sighash_type = Some(0x83);
    let c = codes(&review_with_keystore(&store, &p));
    assert!(
        c.contains(&("non-default-sighash", Some(2))) && c.contains(&("sighash-single-without-output", Some(2))),
        "{c:?}"
    );
    let mut p = base.clone();
    p.inputs[4].sighash_type = Some(0);
    assert!(
        !codes(&review_with_keystore(&store, &p)).iter().any(|c| c.0 == "non-default-sighash"),
        "taproot's default"
    );

    // A fee above what is sent, and a fee rate above 1,000 sat/vB, are absurd; 284 sat/vB
    // paying less than the amount sent is only high.
    let mut p = base.clone();
    p.outputs[1].amount = Amount::from_sat(1_000);
    assert!(!codes(&review_with_keystore(&store, &p)).iter().any(|c| c.0 == "absurd-fee"));
    p.outputs[0].amount = Amount::from_sat(100_000);
    assert!(codes(&review_with_keystore(&store, &p)).contains(&("absurd-fee", None)));
    let mut p = base.clone();
    p.inputs[2].witness_utxo.as_mut().unwrap().value = Amount::from_sat(5_000_000);
    p.outputs[0].amount = Amount::from_sat(3_000_000);
    let r = review_with_keystore(&store, &p);
    assert!(r.fee_rate.unwrap() > 1_000.0 && r.fee < r.total_out);
    assert!(codes(&review_with_keystore(&store, &p)).contains(&("absurd-fee", None)));
    let mut p = base.clone();
    p.outputs[1].amount = Amount::from_sat(900_000);
    let r = review_with_keystore(&store, &p);
    assert!(codes(&r).contains(&("negative-fee", None)) && r.fee.is_none());

    let mut p = base.clone();
    p.inputs[6].previous_output = p.inputs[2].previous_output;
    assert!(codes(&review_with_keystore(&store, &p)).contains(&("duplicate-input", Some(6))));

    // Testnet key paths reviewed by a mainnet wallet.
    let main = Keystore::from_mnemonic(ABANDON, "", Network::Mainnet).unwrap();
    assert!(codes(&review_with_keystore(&main, &base)).contains(&("mixed-networks", None)));
}

#[test]
fn the_signer_refuses_what_bip174_tells_signers_to_refuse() {
    let store = ours();
    let base = mixed_psbt(&store);
    let refused = |p: &mut Psbt| sign(&store, p, &SignOptions::default()).unwrap().refused;
    // A witness UTXO alone for a legacy (P2PKH) input.
    let mut p = base.clone();
    p.inputs[0].witness_utxo = p.inputs[0].non_witness_utxo.as_ref().map(|t| t.outputs[0].clone());
    p.inputs[0].non_witness_utxo = None;
    assert_eq!(refused(&mut p), vec![(0, "a legacy input needs its previous transaction")]);
    // A redeem script that does not hash to the output (with either UTXO form).
    let mut p = base.clone();
    p.inputs[1].redeem_script.as_mut().unwrap()[2] ^= 1;
    assert_eq!(refused(&mut p), vec![(1, "the redeem script does not match the output")]);
    let mut p = base.clone();
    p.inputs[1].non_witness_utxo = None;
    p.inputs[1].redeem_script.as_mut().unwrap()[2] ^= 1;
    assert_eq!(refused(&mut p), vec![(1, "the redeem script does not match the output")]);
    // A witness script that does not hash to the output.
    let mut p = base.clone();
    p.inputs[3].witness_script.as_mut().unwrap().insert(0, 0x51);
    assert_eq!(refused(&mut p), vec![(3, "the witness script does not match")]);
    // Nothing was signed in any refused input.
    assert!(p.inputs[3].partial_sigs.is_empty());
    // SIGHASH_SINGLE on an input with no output of its index: legacy would sign the
    // constant 1 (a signature valid in any transaction), so no input type signs it, even
    // with non-default sighash types allowed.
    let refused_any = |p: &mut Psbt| sign(&store, p, &ANY_SIGHASH).unwrap().refused;
    for i in [0, 2, 3, 4] {
        let mut p = base.clone();
        p.inputs[i].sighash_type = Some(3);
        if i == 0 {
            p.outputs.clear();
        }
        assert!(refused_any(&mut p).contains(&(i, "SIGHASH_SINGLE without a matching output")), "input {i}");
        assert!(p.inputs[i].partial_sigs.is_empty() && p.inputs[i].tap_key_sig.is_none());
    }
    // With a matching output it signs (input 0 has output 0), and Core accepts it.
    let mut p = base.clone();
    p.inputs[0].sighash_type = Some(3);
    p.inputs[1].sighash_type = Some(0x81);
    assert!(refused_any(&mut p).is_empty());
    assert_eq!(p.inputs[0].partial_sigs.values().next().unwrap().last(), Some(&3));
    assert!(super::psbt_consensus::verdicts(&p).iter().all(Result::is_ok));
}

#[test]
fn non_default_sighash_types_are_signed_only_when_allowed() {
    use peerpage::wallet::WalletError;
    let store = ours();
    let base = mixed_psbt(&store);
    // ALL everywhere and taproot's DEFAULT, asked for explicitly, sign as usual.
    let mut p = base.clone();
    for (i, input) in p.inputs.iter_mut().enumerate() {
        input.sighash_type = Some(if i >= 4 && i % 2 == 0 { 0 } else { 1 });
    }
    assert_eq!(sign(&store, &mut p, &SignOptions::default()).unwrap().signed.len(), 7);
    // Any other type on any input of ours (ECDSA and taproot): a typed error naming the
    // input, and nothing signed, not even the inputs before it.
    for i in 0..base.inputs.len() {
        for t in [0x02, 0x03, 0x81, 0x82, 0x83] {
            let mut p = base.clone();
            p.inputs[i].sighash_type = Some(t);
            let before = p.clone();
            let err = sign(&store, &mut p, &SignOptions::default()).unwrap_err();
            assert_eq!(err, WalletError::NonDefaultSighash { input: i, sighash_type: t });
            assert_eq!(peerpage::error::CoreError::code(&err), "wallet.non-default-sighash");
            assert_eq!(p, before, "input {i}, type {t:#x}");
            // Allowed, it signs (SIGHASH_SINGLE only where output i exists).
            let report = sign(&store, &mut p, &ANY_SIGHASH).unwrap();
            assert_eq!(
                report.signed.iter().any(|s| s.0 == i),
                t & 3 != 3 || i < 2,
                "input {i}, type {t:#x}: {report:?}"
            );
        }
    }
    // ECDSA has no DEFAULT: 0 on a P2WPKH input is not ALL.
    let mut p = base.clone();
    p.inputs[2].sighash_type = Some(0);
    assert_eq!(
        sign(&store, &mut p, &SignOptions::default()),
        Err(WalletError::NonDefaultSighash { input: 2, sighash_type: 0 })
    );
    // Another wallet's input may ask for what it likes: we sign only ours, as usual.
    let other =
        Keystore::from_mnemonic("zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong", "", Network::Testnet).unwrap();
    let mut p = base.clone();
    p.inputs[3].sighash_type = Some(0x82);
    assert_eq!(sign(&other, &mut p, &SignOptions::default()).unwrap().signatures, 0);
    // The byte-level API says the same.
    let err = peerpage::wallet::psbt_sign(&store, &p.to_bytes(), &PLAIN).unwrap_err();
    assert_eq!(err, WalletError::NonDefaultSighash { input: 3, sighash_type: 0x82 });
}

#[test]
fn taproot_anyonecanpay_signs_without_the_other_inputs_coins() {
    let store = ours();
    let base = mixed_psbt(&store);
    let mut p = base.clone();
    p.inputs[0].non_witness_utxo = None;
    p.inputs[4].sighash_type = Some(0x81);
    p.inputs[5].sighash_type = Some(0x01);
    let report = sign(&store, &mut p, &ANY_SIGHASH).unwrap();
    // Input 4 (ALL|ANYONECANPAY) signs; input 5 (ALL) needs every coin and is refused.
    assert!(report.signed.iter().any(|s| s.0 == 4));
    assert!(report.refused.contains(&(5, "taproot signing needs every input's spent output")));
    let acp_sig = p.inputs[4].tap_key_sig.clone().unwrap();
    assert_eq!(acp_sig.len(), 65);
    // With every coin known again, the same signature is made, and Core accepts it.
    let mut full = base.clone();
    full.inputs[4].sighash_type = Some(0x81);
    sign(&store, &mut full, &ANY_SIGHASH).unwrap();
    assert_eq!(full.inputs[4].tap_key_sig.as_ref(), Some(&acp_sig));
    assert!(super::psbt_consensus::verdicts(&full).iter().all(Result::is_ok));
}

#[test]
fn absurdly_deep_key_paths_are_never_ours() {
    // A hostile PSBT must not make the wallet derive hundreds of levels per key.
    let store = ours();
    let mut p = mixed_psbt(&store);
    for source in p.inputs[2].bip32_derivation.values_mut() {
        source.path = vec![1; 40];
    }
    assert!(!review_with_keystore(&store, &p).inputs[2].ours);
    let report = sign(&store, &mut p, &SignOptions::default()).unwrap();
    assert!(report.signed.iter().all(|s| s.0 != 2) && p.inputs[2].partial_sigs.is_empty());
}

#[test]
fn bip174_signer_check_vectors_parse_and_are_not_signed_by_strangers() {
    // Their keys are not published; these PSBTs must at least parse, review and leave a
    // wallet that owns none of their keys signing nothing.
    let v = vectors("bip174_psbt_vectors.json");
    for c in v["fails_signer_checks"].as_array().unwrap() {
        let mut psbt = Psbt::from_bytes(&unhex(c["hex"].as_str().unwrap())).unwrap();
        let r = review_with_keystore(&ours(), &psbt);
        assert!(r.inputs.iter().all(|i| !i.ours));
        assert_eq!(sign(&ours(), &mut psbt, &SignOptions::default()).unwrap().signatures, 0);
    }
}
