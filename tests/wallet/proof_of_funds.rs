//! Making BIP-322 proofs of funds: our proofs verify with our verifier and, input by input,
//! with Bitcoin Core's interpreter; a modified proof fails both; bad coins get typed errors.

use super::bip322::core_judges_every_input;
use base64ct::{Base64, Encoding};
use peerpage::btc::psbt::Psbt;
use peerpage::btc::{Address, Amount, Network, OutPoint, TxOut, Txid};
use peerpage::wallet::bip322::{parse_outpoint, verify};
use peerpage::wallet::{Bip322Verdict, Coin, DerivationPath, Keystore, ScriptType, WalletError};

const ABANDON: &str = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
const MESSAGE: &str = "these coins are mine";

fn coin(n: u8, sat: u64, address: &Address) -> Coin {
    Coin {
        outpoint: OutPoint { txid: Txid([n; 32]), vout: u32::from(n) },
        output: TxOut { value: Amount::from_sat(sat), script_pubkey: address.script_pubkey() },
    }
}

fn address(store: &Keystore, script_type: ScriptType, chain: u32, index: u32) -> Address {
    store.account(script_type, 0).unwrap().address(chain, index).unwrap()
}

fn path(store: &Keystore, script_type: ScriptType, chain: u32, index: u32) -> DerivationPath {
    DerivationPath::parse(&format!("{}/{chain}/{index}", store.account(script_type, 0).unwrap().path)).unwrap()
}

/// Rewrites one input of a proof: `edit` changes its PSBT input map.
fn edited(sig: &str, input: usize, edit: impl Fn(&mut peerpage::btc::psbt::Input)) -> String {
    let mut psbt = Psbt::from_bytes(&Base64::decode_vec(&sig[3..]).unwrap()).unwrap();
    edit(&mut psbt.inputs[input]);
    format!("pof{}", Base64::encode_string(&psbt.to_bytes()))
}

#[test]
fn proofs_of_every_script_type_verify_for_us_and_for_core() {
    let store = Keystore::from_mnemonic(ABANDON, "", Network::Mainnet).unwrap();
    let coins = vec![
        coin(1, 150_000, &address(&store, ScriptType::P2wpkh, 0, 5)),
        coin(2, 2_500_000, &address(&store, ScriptType::P2tr, 0, 2)),
        coin(3, 99_999, &address(&store, ScriptType::P2shP2wpkh, 1, 3)),
        coin(4, 1, &address(&store, ScriptType::P2wpkh, 1, 999)),
    ];
    for signer in [ScriptType::P2pkh, ScriptType::P2shP2wpkh, ScriptType::P2wpkh, ScriptType::P2tr] {
        let a = address(&store, signer, 0, 1);
        let sig = store
            .sign_bip322_proof_of_funds(
                Some(&path(&store, signer, 0, 1)),
                signer,
                0,
                MESSAGE.as_bytes(),
                &coins,
                &[9; 32],
            )
            .unwrap();
        assert!(sig.starts_with("pof"), "{sig}");
        assert_eq!(
            verify(&a, MESSAGE.as_bytes(), &sig).unwrap(),
            Bip322Verdict::Valid { lock_time: 0, sequence: 0 },
            "{signer:?}"
        );
        core_judges_every_input(&a, MESSAGE, &sig).unwrap_or_else(|e| panic!("{signer:?}: {e}"));
        // The proof names exactly the coins given, in order, with their outputs.
        let psbt = Psbt::from_bytes(&Base64::decode_vec(&sig[3..]).unwrap()).unwrap();
        assert_eq!(psbt.inputs.len(), 1 + coins.len());
        for (input, c) in psbt.inputs[1..].iter().zip(&coins) {
            assert_eq!((input.previous_output, input.witness_utxo.clone()), (c.outpoint, Some(c.output.clone())));
        }
        // Another message, another address: invalid.
        assert!(matches!(verify(&a, b"these coins are yours", &sig).unwrap(), Bip322Verdict::Invalid(_)));
        assert!(matches!(
            verify(&address(&store, signer, 0, 2), MESSAGE.as_bytes(), &sig).unwrap(),
            Bip322Verdict::Invalid(_)
        ));
    }
}

#[test]
fn a_modified_proof_fails_for_us_and_for_core() {
    let store = Keystore::from_mnemonic(ABANDON, "", Network::Mainnet).unwrap();
    let coins = vec![
        coin(1, 150_000, &address(&store, ScriptType::P2wpkh, 0, 0)),
        coin(2, 70_000, &address(&store, ScriptType::P2tr, 1, 0)),
    ];
    let a = address(&store, ScriptType::P2wpkh, 0, 7);
    let sig = store
        .sign_bip322_proof_of_funds(
            Some(&path(&store, ScriptType::P2wpkh, 0, 7)),
            ScriptType::P2wpkh,
            0,
            MESSAGE.as_bytes(),
            &coins,
            &[0; 32],
        )
        .unwrap();
    assert!(core_judges_every_input(&a, MESSAGE, &sig).is_ok());
    let flip = |w: &mut Vec<Vec<u8>>| w[0][10] ^= 1;
    let cases = [
        // A byte of each input's signature.
        edited(&sig, 0, |i| flip(i.final_script_witness.as_mut().unwrap())),
        edited(&sig, 1, |i| flip(i.final_script_witness.as_mut().unwrap())),
        edited(&sig, 2, |i| flip(i.final_script_witness.as_mut().unwrap())),
        // A coin's amount (BIP-143 and BIP-341 commit to it) and its outpoint.
        edited(&sig, 1, |i| i.witness_utxo.as_mut().unwrap().value = Amount::from_sat(150_001)),
        edited(&sig, 2, |i| i.previous_output.vout ^= 1),
    ];
    for (n, bad) in cases.iter().enumerate() {
        assert!(matches!(verify(&a, MESSAGE.as_bytes(), bad).unwrap(), Bip322Verdict::Invalid(_)), "case {n}");
        assert!(core_judges_every_input(&a, MESSAGE, bad).is_err(), "Core accepts modified proof {n}");
    }
}

#[test]
fn a_single_key_proves_its_own_coins() {
    let wif = "L3VFeEujGtevx9w18HD1fhRbCH67Az2dpCymeRE1SoPK6XQtaN2k";
    let store = Keystore::from_wif(wif).unwrap();
    let public = store.public_key(None).unwrap();
    let coins = vec![
        coin(5, 10_000, &ScriptType::P2tr.address(&public, Network::Mainnet)),
        coin(6, 20_000, &ScriptType::P2shP2wpkh.address(&public, Network::Mainnet)),
    ];
    let a = ScriptType::P2wpkh.address(&public, Network::Mainnet);
    let sig =
        store.sign_bip322_proof_of_funds(None, ScriptType::P2wpkh, 0, MESSAGE.as_bytes(), &coins, &[1; 32]).unwrap();
    assert_eq!(verify(&a, MESSAGE.as_bytes(), &sig).unwrap(), Bip322Verdict::Valid { lock_time: 0, sequence: 0 });
    core_judges_every_input(&a, MESSAGE, &sig).unwrap();
}

#[test]
fn coins_that_are_not_ours_or_malformed_get_typed_errors() {
    let store = Keystore::from_mnemonic(ABANDON, "", Network::Mainnet).unwrap();
    let other = Keystore::from_mnemonic(
        "legal winner thank year wave sausage worth useful legal winner thank yellow",
        "",
        Network::Mainnet,
    )
    .unwrap();
    let signer = path(&store, ScriptType::P2wpkh, 0, 0);
    let sign = |coins: &[Coin]| {
        store.sign_bip322_proof_of_funds(Some(&signer), ScriptType::P2wpkh, 0, MESSAGE.as_bytes(), coins, &[0; 32])
    };
    let ours = coin(1, 1000, &address(&store, ScriptType::P2wpkh, 0, 3));
    // Someone else's coin, ours past the search window, ours in another account.
    assert_eq!(
        sign(&[ours.clone(), coin(2, 1000, &address(&other, ScriptType::P2wpkh, 0, 0))]).unwrap_err(),
        WalletError::CoinNotOurs(1)
    );
    assert_eq!(
        sign(&[coin(2, 1000, &address(&store, ScriptType::P2wpkh, 0, 1000))]).unwrap_err(),
        WalletError::CoinNotOurs(0)
    );
    let account1 = store.account(ScriptType::P2wpkh, 1).unwrap().address(0, 0).unwrap();
    assert_eq!(sign(&[coin(2, 1000, &account1)]).unwrap_err(), WalletError::CoinNotOurs(0));
    // A P2WSH coin: no key of ours can be its only signer.
    let p2wsh =
        Address::parse("bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3", Network::Mainnet).unwrap();
    assert_eq!(sign(&[coin(2, 1000, &p2wsh)]).unwrap_err(), WalletError::CoinNotOurs(0));
    // A legacy coin needs its previous transaction, which a proof of funds would have to carry.
    assert_eq!(
        sign(&[coin(2, 1000, &address(&store, ScriptType::P2pkh, 0, 0))]).unwrap_err(),
        WalletError::UnsupportedAddress
    );
    // The same coin twice.
    assert!(matches!(sign(&[ours.clone(), ours.clone()]).unwrap_err(), WalletError::BadCoin(_)));
    // Outpoints as text.
    let txid = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b";
    assert_eq!(
        parse_outpoint(&format!(" {txid}:7 ")).unwrap(),
        OutPoint { txid: Txid::from_display_hex(txid).unwrap(), vout: 7 }
    );
    for bad in [
        txid.to_string(),
        format!("{txid}:"),
        format!("{txid}:-1"),
        format!("{txid}:+1"),
        format!("{txid}:4294967296"),
        format!("{}:0", &txid[1..]),
        format!("{}x:0", &txid[1..]),
        String::new(),
        ":".into(),
    ] {
        assert!(matches!(parse_outpoint(&bad), Err(WalletError::BadCoin(_))), "{bad:?}");
    }
}
