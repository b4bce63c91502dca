//! The PSBT Signer (BIP-174 "Signer", BIP-371 for taproot): signs the inputs whose keys are
//! ours, found by their BIP-32 derivations (`PSBT_IN_BIP32_DERIVATION`) and taproot key
//! origins (`PSBT_IN_TAP_BIP32_DERIVATION`), after the checks BIP-174 asks of a signer: the
//! UTXO matches the outpoint, scripts hash to what they claim, a legacy input comes with its
//! whole previous transaction.
//!
//! Speed: the sighash midstates every input shares (BIP-143 and BIP-341) are computed once
//! per transaction ([`SighashCache`]), and keys are derived once per parent path, so signing
//! n inputs of one account costs n child derivations and n signatures.

use super::account::Account;
use super::error::WalletError;
use super::hd::{compressed, ExtendedPrivKey, ExtendedPubKey};
use super::keystore::Keystore;
use super::path::DerivationPath;
use super::sign::{ecdsa_sign, public_key_of, schnorr_sign, taproot_key_sign, NonceMode};
use crate::btc::psbt::taproot::{control_block_commits, output_key};
use crate::btc::psbt::verify::{script_code, ScriptCode};
use crate::btc::psbt::{review, Input, KeyOwner, KeySource, Psbt, Review};
use crate::btc::script::{self, ScriptKind};
use crate::btc::sighash::{is_default_sighash, tapleaf_hash, SighashCache, TaprootSpend, SIGHASH_ALL, SIGHASH_SINGLE};
use crate::btc::tx::TxOut;
use k256::SecretKey;
use std::cell::RefCell;
use std::collections::HashMap;

/// How to sign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignOptions {
    /// ECDSA nonces: low-R grinding (Core's default, the default here) or plain RFC 6979
    /// (BIP-174's signer vectors).
    pub nonce_mode: NonceMode,
    /// BIP-340 auxiliary randomness for Schnorr signatures. All zeros is deterministic and
    /// valid; the page passes fresh random bytes (the core draws no randomness itself).
    pub aux_rand: [u8; 32],
    /// Sign inputs that ask for a sighash type other than SIGHASH_ALL (or taproot's
    /// SIGHASH_DEFAULT): NONE, SINGLE, ANYONECANPAY. Off by default: such a signature lets
    /// others change the transaction, so the user must ask for it, having seen the review.
    pub allow_non_default_sighash: bool,
}

impl Default for SignOptions {
    fn default() -> Self {
        SignOptions { nonce_mode: NonceMode::LowR, aux_rand: [0; 32], allow_non_default_sighash: false }
    }
}

/// What the signer did with each input.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignReport {
    /// (input, signatures added) for every input we signed.
    pub signed: Vec<(usize, usize)>,
    /// (input, reason) for inputs with a key of ours that we refused to sign.
    pub refused: Vec<(usize, &'static str)>,
    /// Total signatures added.
    pub signatures: usize,
}

/// Longer key paths are never ours: real wallets stay below ten steps (BIP-48's are six),
/// and a hostile PSBT must not make us derive 255 levels for each of thousands of keys.
const MAX_PATH_LEN: usize = 32;

/// A parent key on a derivation path and its compressed public key (`None`: not ours).
type Parent = Option<(ExtendedPrivKey, [u8; 33])>;

/// Keys of this keystore by key origin, derived once per parent path.
struct Keys<'k> {
    keystore: &'k Keystore,
    fingerprint: Option<[u8; 4]>,
    parents: RefCell<HashMap<Vec<u32>, Parent>>,
}

impl<'k> Keys<'k> {
    fn new(keystore: &'k Keystore) -> Self {
        Keys { keystore, fingerprint: keystore.fingerprint().ok(), parents: RefCell::new(HashMap::new()) }
    }

    /// Our secret key for `source` if it is ours and its public key is `pubkey` (33 bytes,
    /// or 32 x-only). A single-key keystore matches by public key alone (such PSBTs name the
    /// key's own fingerprint and an empty path).
    fn secret(&self, pubkey: &[u8], source: &KeySource) -> Option<SecretKey> {
        if let Some(single) = self.keystore.single_key() {
            // An imported WIF key may stand for its uncompressed form (old P2PKH coins).
            use k256::elliptic_curve::sec1::ToEncodedPoint;
            let public = public_key_of(single);
            let ours = crate::btc::psbt::review::same_key(pubkey, &compressed(&public))
                || public.to_encoded_point(false).as_bytes() == pubkey;
            return ours.then(|| single.clone());
        }
        if Some(source.fingerprint) != self.fingerprint || source.path.len() > MAX_PATH_LEN {
            return None;
        }
        let (&last, parent_path) = source.path.split_last()?;
        let mut parents = self.parents.borrow_mut();
        let parent = parents.entry(parent_path.to_vec()).or_insert_with(|| {
            let key = self.keystore.derive_xprv(&DerivationPath(parent_path.to_vec())).ok()?;
            let public = compressed(&key.public_key());
            Some((key, public))
        });
        let (parent, parent_public) = parent.as_ref()?;
        let secret = parent.child_secret(parent_public, last).ok()?;
        crate::btc::psbt::review::same_key(pubkey, &compressed(&public_key_of(&secret))).then_some(secret)
    }
}

impl KeyOwner for Keys<'_> {
    fn owns(&self, pubkey: &[u8], source: &KeySource) -> bool {
        self.secret(pubkey, source).is_some()
    }
}

/// Watch-only ownership: keys below these accounts' xpubs (each with its master fingerprint
/// and path), derived publicly, so a locked wallet can still review a PSBT.
pub struct AccountKeys<'a> {
    accounts: &'a [Account],
    chains: RefCell<ChainCache>,
}

/// Public chain keys already derived, by (account, path below it).
type ChainCache = HashMap<(usize, Vec<u32>), Option<ExtendedPubKey>>;

impl<'a> AccountKeys<'a> {
    /// Ownership by `accounts`.
    pub fn new(accounts: &'a [Account]) -> Self {
        AccountKeys { accounts, chains: RefCell::new(HashMap::new()) }
    }
}

impl KeyOwner for AccountKeys<'_> {
    fn owns(&self, pubkey: &[u8], source: &KeySource) -> bool {
        self.accounts.iter().enumerate().any(|(n, account)| {
            let Some(rest) = source.path.strip_prefix(account.path.0.as_slice()) else { return false };
            let Some((&last, chain)) = rest.split_last() else { return false };
            if rest.len() > MAX_PATH_LEN {
                return false;
            }
            if source.fingerprint != account.master_fingerprint {
                return false;
            }
            let mut chains = self.chains.borrow_mut();
            let parent = chains
                .entry((n, chain.to_vec()))
                .or_insert_with(|| chain.iter().try_fold(account.xpub.clone(), |k, &i| k.derive_child(i)).ok());
            let Some(child) = parent.as_ref().and_then(|p| p.derive_child(last).ok()) else { return false };
            crate::btc::psbt::review::same_key(pubkey, &compressed(&child.key))
        })
    }
}

/// Reviews a PSBT for a watch-only wallet made of `accounts` on `network`.
pub fn review_with_accounts(accounts: &[Account], network: crate::btc::Network, psbt: &Psbt) -> Review {
    review(psbt, network, &AccountKeys::new(accounts))
}

/// Reviews a PSBT for this keystore's wallet (its network, its keys).
pub fn review_with_keystore(keystore: &Keystore, psbt: &Psbt) -> Review {
    review(psbt, keystore.network(), &Keys::new(keystore))
}

/// Parses `bytes` (binary, base64 or hex) and reviews it for this keystore.
pub fn psbt_review(keystore: &Keystore, bytes: &[u8]) -> Result<Review, WalletError> {
    Ok(review_with_keystore(keystore, &Psbt::from_any(bytes)?))
}

/// Parses `bytes` (binary, base64 or hex), signs every input of ours, and returns the
/// signed PSBT's binary form with what was done.
pub fn psbt_sign(
    keystore: &Keystore,
    bytes: &[u8],
    options: &SignOptions,
) -> Result<(Vec<u8>, SignReport), WalletError> {
    let mut psbt = Psbt::from_any(bytes)?;
    let report = sign(keystore, &mut psbt, options)?;
    Ok((psbt.to_bytes(), report))
}

/// Signs every input of `psbt` that has a key of ours. Inputs already finalized, or not
/// ours, are left alone; inputs of ours that fail a check are listed in `refused`.
///
/// An input of ours asking for a non-default sighash type is
/// [`WalletError::NonDefaultSighash`], and nothing is signed, unless
/// `options.allow_non_default_sighash` is set.
pub fn sign(keystore: &Keystore, psbt: &mut Psbt, options: &SignOptions) -> Result<SignReport, WalletError> {
    let keys = Keys::new(keystore);
    let tx = psbt.unsigned_tx()?;
    let spent = psbt.spent_outputs();
    if !options.allow_non_default_sighash {
        check_sighash_types(&keys, psbt, &spent)?;
    }
    let all_spent: Option<Vec<TxOut>> = spent.iter().cloned().collect();
    let mut cache = SighashCache::new(&tx);
    let mut report = SignReport::default();
    for (i, (input, out)) in psbt.inputs.iter_mut().zip(&spent).enumerate() {
        if input.is_finalized() {
            continue;
        }
        let result = match out {
            Some(out) if matches!(ScriptKind::of(&out.script_pubkey), ScriptKind::P2tr(_)) => {
                sign_taproot(&keys, &mut cache, i, input, out, all_spent.as_deref(), options)
            }
            Some(out) => sign_ecdsa(&keys, &mut cache, i, input, out, options),
            None => {
                let ours = input.bip32_derivation.iter().any(|(k, s)| keys.owns(k, s))
                    || input.tap_bip32_derivation.iter().any(|(x, s)| keys.owns(x, &s.source));
                if ours {
                    Err("the coin spent is not described, or its previous transaction does not match")
                } else {
                    Ok(0)
                }
            }
        };
        match result {
            Ok(0) => {}
            Ok(n) => {
                report.signed.push((i, n));
                report.signatures += n;
            }
            Err(why) => report.refused.push((i, why)),
        }
    }
    Ok(report)
}

/// The first input of ours (not finalized, its coin known) asking for a non-default
/// sighash type, as an error. Ownership is asked only of such inputs.
fn check_sighash_types(keys: &Keys<'_>, psbt: &Psbt, spent: &[Option<TxOut>]) -> Result<(), WalletError> {
    for (i, (input, out)) in psbt.inputs.iter().zip(spent).enumerate() {
        let (Some(t), Some(out), false) = (input.sighash_type, out, input.is_finalized()) else { continue };
        let taproot = matches!(ScriptKind::of(&out.script_pubkey), ScriptKind::P2tr(_));
        if is_default_sighash(t, taproot) {
            continue;
        }
        let ours = if taproot {
            input.tap_bip32_derivation.iter().any(|(x, s)| keys.owns(x, &s.source))
        } else {
            input.bip32_derivation.iter().any(|(k, s)| keys.owns(k, s))
        };
        if ours {
            return Err(WalletError::NonDefaultSighash { input: i, sighash_type: t });
        }
    }
    Ok(())
}

fn sign_ecdsa(
    keys: &Keys<'_>,
    cache: &mut SighashCache<'_>,
    index: usize,
    input: &mut Input,
    out: &TxOut,
    options: &SignOptions,
) -> Result<usize, &'static str> {
    let ours: Vec<(Vec<u8>, SecretKey)> = input
        .bip32_derivation
        .iter()
        .filter_map(|(k, s)| keys.secret(k, s).map(|secret| (k.clone(), secret)))
        .collect();
    if ours.is_empty() {
        return Ok(0);
    }
    let hash_type = input.sighash_type.unwrap_or(SIGHASH_ALL);
    if !matches!(hash_type & !0x80, 1..=3) {
        return Err("unsupported sighash type");
    }
    // Legacy SIGHASH_SINGLE without an output of this index signs the constant 1: such a
    // signature would spend this coin in any transaction at all. Never make one.
    if hash_type & 0x1f == SIGHASH_SINGLE && index >= cache.transaction().outputs.len() {
        return Err("SIGHASH_SINGLE without a matching output");
    }
    let mut signed = 0;
    for (pk, secret) in ours {
        let digest = match script_code(input, &out.script_pubkey, &pk)? {
            None => continue,
            Some(ScriptCode::SegwitV0(code)) => {
                cache.segwit_v0(index, &code, out.value, hash_type).map_err(|_| "sighash failed")?
            }
            Some(ScriptCode::Legacy(code)) => {
                // BIP-174: a non-segwit input must come with its whole previous transaction.
                if input.non_witness_utxo.is_none() {
                    return Err("a legacy input needs its previous transaction");
                }
                cache.legacy(index, &code, hash_type).map_err(|_| "sighash failed")?
            }
        };
        let mut sig = ecdsa_sign(&secret, &digest, options.nonce_mode).map_err(|_| "signing failed")?.to_der();
        sig.push(hash_type as u8);
        input.partial_sigs.insert(pk, sig);
        signed += 1;
    }
    Ok(signed)
}

fn sign_taproot(
    keys: &Keys<'_>,
    cache: &mut SighashCache<'_>,
    index: usize,
    input: &mut Input,
    out: &TxOut,
    all_spent: Option<&[TxOut]>,
    options: &SignOptions,
) -> Result<usize, &'static str> {
    let ScriptKind::P2tr(q) = ScriptKind::of(&out.script_pubkey) else { return Ok(0) };
    let ours: Vec<([u8; 32], Vec<[u8; 32]>, SecretKey)> = input
        .tap_bip32_derivation
        .iter()
        .filter_map(|(x, s)| keys.secret(x, &s.source).map(|secret| (*x, s.leaf_hashes.clone(), secret)))
        .collect();
    if ours.is_empty() {
        return Ok(0);
    }
    let hash_type = match input.sighash_type {
        None => 0u8,
        Some(t @ (0x00..=0x03 | 0x81..=0x83)) => t as u8,
        Some(_) => return Err("unsupported sighash type"),
    };
    if u32::from(hash_type) & 3 == SIGHASH_SINGLE && index >= cache.transaction().outputs.len() {
        return Err("SIGHASH_SINGLE without a matching output");
    }
    // BIP-341 signs every spent amount and script, except with ANYONECANPAY: then only this
    // input's, and the others may be unknown (the sighash code reads none of them, and
    // computes the all-inputs hashes only without ANYONECANPAY, from the full list).
    let acp_list;
    let spent = match all_spent {
        Some(all) => all,
        None if hash_type & 0x80 != 0 => {
            acp_list = (0..cache.transaction().inputs.len())
                .map(|j| if j == index { out.clone() } else { TxOut::default() })
                .collect::<Vec<_>>();
            &acp_list
        }
        None => return Err("taproot signing needs every input's spent output"),
    };
    let with_type = |sig: [u8; 64]| {
        let mut v = sig.to_vec();
        if hash_type != 0 {
            v.push(hash_type);
        }
        v
    };
    let mut signed = 0;
    for (x, leaf_hashes, secret) in ours {
        if input.tap_internal_key == Some(x) {
            if output_key(&x, input.tap_merkle_root.as_ref()).map(|k| k.0) != Some(q) {
                return Err("the internal key and merkle root do not make this output's key");
            }
            let digest = cache
                .taproot(index, spent, hash_type, TaprootSpend::KeyPath { annex: None })
                .map_err(|_| "sighash failed")?;
            let sig = taproot_key_sign(&secret, input.tap_merkle_root.as_ref(), &digest, &options.aux_rand)
                .map_err(|_| "signing failed")?;
            input.tap_key_sig = Some(with_type(sig));
            signed += 1;
        }
        for leaf_hash in leaf_hashes {
            let leaf = input
                .tap_leaf_scripts
                .iter()
                .find(|(cb, (s, v))| tapleaf_hash(*v, s) == leaf_hash && control_block_commits(cb, s, *v, &q));
            let Some((_, (leaf_script, _))) = leaf else { continue };
            // The key must appear in the leaf (as a 32-byte push) for the signature to count.
            let in_script = script::instructions(leaf_script)
                .is_some_and(|ins| ins.iter().any(|i| *i == script::Instruction::Push(&x[..])));
            if !in_script {
                continue;
            }
            let spend = TaprootSpend::ScriptPath { annex: None, leaf_hash, codesep_pos: 0xffff_ffff };
            let digest = cache.taproot(index, spent, hash_type, spend).map_err(|_| "sighash failed")?;
            let sig = schnorr_sign(&secret, &digest, &options.aux_rand).map_err(|_| "signing failed")?;
            input.tap_script_sigs.insert((x, leaf_hash), with_type(sig));
            signed += 1;
        }
    }
    Ok(signed)
}

/// Fuzz entry point: hostile PSBT bytes reviewed and signed by a wallet that owns keys in
/// the committed seeds (the BIP-39 "abandon … about" testnet master), then finalized and
/// extracted. Errors and refusals are fine; panics are not, and a signed PSBT parses back.
#[doc(hidden)]
pub fn fuzz_sign(data: &[u8]) {
    const MASTER: &str = "tprv8ZgxMBicQKsPe5YMU9gHen4Ez3ApihUfykaqUorj9t6FDqy3nP6eoXiAo2ssvpAjoLroQxHqr3R5nE3a5dU3DHTjTgJDd7zrbniJr6nrCzd";
    let Ok(mut psbt) = Psbt::from_any(data) else { return };
    let Ok(store) = Keystore::from_xprv(MASTER) else { return };
    let _ = review_with_keystore(&store, &psbt);
    for mode in [NonceMode::LowR, NonceMode::Plain] {
        let options = SignOptions { nonce_mode: mode, aux_rand: [1; 32], allow_non_default_sighash: true };
        if sign(&store, &mut psbt, &options).is_ok() {
            assert_eq!(Psbt::from_bytes(&psbt.to_bytes()).as_ref(), Ok(&psbt), "a signed PSBT parses back");
        }
    }
    let _ = psbt.finalize();
    let _ = psbt.extract();
}
