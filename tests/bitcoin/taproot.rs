//! BIP-341 output construction: leaf hashes, merkle roots, tweaks, output keys, control
//! blocks, from the BIP's wallet vectors (public data only; signing is the wallet's).

use super::common::{hex, unhex, unhex32, vectors};
use k256::elliptic_curve::sec1::ToEncodedPoint;
use peerpage::btc::sighash::{merkle_root_from_path, tapbranch_hash, tapleaf_hash, taptweak_hash};
use peerpage::btc::{script, Address, Network};
use serde_json::Value;

/// Leaf hashes in tree order and the root hash of a BIP-341 vector's script tree.
fn tree_hash(tree: &Value, leaves: &mut Vec<[u8; 32]>) -> [u8; 32] {
    match tree {
        Value::Array(children) => {
            let a = tree_hash(&children[0], leaves);
            let b = tree_hash(&children[1], leaves);
            tapbranch_hash(&a, &b)
        }
        leaf => {
            let h = tapleaf_hash(leaf["leafVersion"].as_u64().unwrap() as u8, &unhex(leaf["script"].as_str().unwrap()));
            leaves.push(h);
            h
        }
    }
}

/// Q = lift_x(P) + tG (BIP-341 taproot_tweak_pubkey), x-only, with the parity of Q.
fn tweak_key(internal: &[u8; 32], tweak: &[u8; 32]) -> ([u8; 32], u8) {
    let mut sec1 = vec![2u8];
    sec1.extend_from_slice(internal);
    let p = k256::PublicKey::from_sec1_bytes(&sec1).unwrap();
    let t = k256::NonZeroScalar::try_from(&tweak[..]).unwrap();
    let q = (p.to_projective() + k256::ProjectivePoint::GENERATOR * *t).to_affine();
    let enc = q.to_encoded_point(true);
    (enc.x().unwrap()[..].try_into().unwrap(), enc.as_bytes()[0] - 2)
}

#[test]
fn bip341_script_pubkeys_from_internal_keys_and_trees() {
    let v = vectors("bip341_wallet_test_vectors.json");
    for (n, case) in v["scriptPubKey"].as_array().unwrap().iter().enumerate() {
        let internal = unhex32(case["given"]["internalPubkey"].as_str().unwrap());
        let mut leaves = Vec::new();
        let root = match &case["given"]["scriptTree"] {
            Value::Null => None,
            tree => Some(tree_hash(tree, &mut leaves)),
        };
        let inter = &case["intermediary"];
        let want_leaves: Vec<String> = inter["leafHashes"]
            .as_array()
            .map(|a| a.iter().map(|h| h.as_str().unwrap().to_string()).collect())
            .unwrap_or_default();
        assert_eq!(leaves.iter().map(|l| hex(l)).collect::<Vec<_>>(), want_leaves, "case {n}");
        assert_eq!(root.map(|r| hex(&r)), inter["merkleRoot"].as_str().map(str::to_string), "case {n}");
        let tweak = taptweak_hash(&internal, root.as_ref());
        assert_eq!(hex(&tweak), inter["tweak"].as_str().unwrap(), "case {n}");
        let (output_key, parity) = tweak_key(&internal, &tweak);
        assert_eq!(hex(&output_key), inter["tweakedPubkey"].as_str().unwrap(), "case {n}");
        let spk = script::p2tr(&output_key);
        assert_eq!(hex(&spk), case["expected"]["scriptPubKey"].as_str().unwrap());
        let address = Address::from_script(&spk, Network::Mainnet).unwrap();
        assert_eq!(address.to_string(), case["expected"]["bip350Address"].as_str().unwrap());
        // Every control block proves its leaf up to this root, and carries our parity.
        for (i, cb) in case["expected"]["scriptPathControlBlocks"].as_array().into_iter().flatten().enumerate() {
            let cb = unhex(cb.as_str().unwrap());
            assert_eq!(cb[0] & 1, parity, "case {n} block {i}");
            assert_eq!(&cb[1..33], &internal);
            let leaf_version = cb[0] & 0xfe;
            let leaf_script = leaf_script(&case["given"]["scriptTree"], i);
            let leaf = tapleaf_hash(leaf_version, &leaf_script);
            assert_eq!(merkle_root_from_path(leaf, &cb[33..]), root, "case {n} block {i}");
        }
    }
}

/// The script of the leaf whose `id` is `id` (control blocks are listed by leaf id).
fn leaf_script(tree: &Value, id: usize) -> Vec<u8> {
    fn walk(t: &Value, out: &mut Vec<(u64, Vec<u8>)>) {
        match t {
            Value::Array(c) => c.iter().for_each(|x| walk(x, out)),
            leaf => out.push((leaf["id"].as_u64().unwrap(), unhex(leaf["script"].as_str().unwrap()))),
        }
    }
    let mut all = Vec::new();
    walk(tree, &mut all);
    all.into_iter().find(|(i, _)| *i == id as u64).unwrap().1
}
