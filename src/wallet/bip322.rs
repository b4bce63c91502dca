//! BIP-322 generic signed messages (version 2.0.0 of the BIP): a message is "signed" by
//! spending a virtual output locked to the address (`to_spend`) in a virtual transaction
//! (`to_sign`) that commits to the message's tagged hash. Signatures carry their variant:
//! `smp` (the witness stack only), `ful` (the whole `to_sign` transaction) or `pof` (a
//! finalized PSBT of `to_sign` with more inputs: a proof of funds), base64.
//!
//! Verification runs the spend through [`crate::btc::interpreter`], so any script it
//! understands can be proven (multisig, time locks, taproot script paths), and anything
//! it does not is reported as inconclusive rather than valid.

use super::account::ScriptType;
use super::error::WalletError;
use super::sign::{ecdsa_sign, taproot_key_sign, NonceMode};
use crate::btc::encoding::{witness_len, write_witness, Reader};
use crate::btc::hash::{hash160, tagged_hash};
use crate::btc::interpreter::{verify_input, Verdict};
use crate::btc::psbt::Psbt;
use crate::btc::sighash::SighashCache;
use crate::btc::{script, Address, Amount, Network, OutPoint, Transaction, TxIn, TxOut, Txid};
use base64ct::{Base64, Encoding};
use k256::elliptic_curve::sec1::ToEncodedPoint;
use k256::SecretKey;

/// Messages are capped so a hostile paste cannot make us hash gigabytes.
pub const MAX_MESSAGE_LEN: usize = 1 << 20;

/// Which encoding a signature uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bip322Format {
    /// `smp`: the witness stack; native segwit addresses only (P2WPKH, P2WSH, P2TR).
    Simple,
    /// `ful`: the signed `to_sign` transaction; any address.
    Full,
}

/// The outcome of a verification (BIP-322 "Verification Process").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Bip322Verdict {
    /// Valid at time `lock_time` and age `sequence` (both 0 for a plain signature).
    Valid {
        /// nLockTime of `to_sign`.
        lock_time: u32,
        /// nSequence of `to_sign`'s first input.
        sequence: u32,
    },
    /// A check failed: the signature does not prove the message for this address.
    Invalid(&'static str),
    /// The scripts use something this verifier does not judge.
    Inconclusive(&'static str),
}

/// sha256_tag("BIP0322-signed-message", m).
pub fn message_hash(message: &[u8]) -> [u8; 32] {
    tagged_hash("BIP0322-signed-message", &[message])
}

/// The virtual transaction whose only output is locked to `challenge` (a scriptPubKey).
pub fn to_spend(challenge: &[u8], message: &[u8]) -> Transaction {
    let script_sig = [&[0x00, 0x20][..], &message_hash(message)].concat();
    Transaction {
        version: 0,
        inputs: vec![TxIn {
            previous_output: OutPoint { txid: Txid([0; 32]), vout: 0xffff_ffff },
            script_sig,
            sequence: 0,
            witness: Vec::new(),
        }],
        outputs: vec![TxOut { value: Amount::ZERO, script_pubkey: challenge.to_vec() }],
        lock_time: 0,
    }
}

/// The unsigned virtual transaction spending `to_spend`'s output to a bare OP_RETURN.
pub fn to_sign(to_spend: &Transaction, version: i32, lock_time: u32, sequence: u32) -> Transaction {
    Transaction {
        version,
        inputs: vec![TxIn {
            previous_output: OutPoint { txid: to_spend.txid(), vout: 0 },
            script_sig: Vec::new(),
            sequence,
            witness: Vec::new(),
        }],
        outputs: vec![TxOut { value: Amount::ZERO, script_pubkey: vec![script::op::OP_RETURN] }],
        lock_time,
    }
}

fn encode_witness(witness: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(witness_len(witness));
    write_witness(&mut out, witness);
    out
}

fn decode_witness(bytes: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut r = Reader::new(bytes);
    let items = r.witness().ok()?;
    r.finish().ok()?;
    Some(items)
}

/// A key of ours that spends one input of `to_sign`, and how (its script type; an
/// uncompressed key can only be P2PKH).
pub struct InputKey {
    /// The secret key (zeroized on drop by k256).
    pub key: SecretKey,
    /// Whether the public key is serialized compressed.
    pub compressed: bool,
    /// The script the input spends.
    pub script_type: ScriptType,
}

impl InputKey {
    /// The scriptPubKey this key spends as `script_type` on `network`.
    fn script_pubkey(&self, network: Network) -> Result<Vec<u8>, WalletError> {
        let public = key_public(&self.key);
        if !self.compressed && self.script_type != ScriptType::P2pkh {
            return Err(WalletError::UnsupportedAddress);
        }
        Ok(if self.compressed {
            self.script_type.address(&public, network).script_pubkey()
        } else {
            script::p2pkh(&hash160(public.to_encoded_point(false).as_bytes()))
        })
    }
}

fn key_public(key: &SecretKey) -> k256::PublicKey {
    super::sign::public_key_of(key)
}

/// A coin shown in a proof of funds, as the user names it (we have no chain to look it
/// up): its outpoint and the output it is (amount and scriptPubKey).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coin {
    /// The output being proven (`txid:vout`).
    pub outpoint: OutPoint,
    /// Its amount and scriptPubKey.
    pub output: TxOut,
}

/// At most this many coins in one proof, so a paste cannot make us search keys for ever.
pub const MAX_COINS: usize = 256;

/// Parses an outpoint written `txid:vout`, the txid in the usual (reversed) hex.
pub fn parse_outpoint(text: &str) -> Result<OutPoint, WalletError> {
    let (txid, vout) = text.trim().split_once(':').ok_or(WalletError::BadCoin("write it as txid:vout"))?;
    let txid = Txid::from_display_hex(txid).ok_or(WalletError::BadCoin("the txid must be 64 hex digits"))?;
    if vout.is_empty() || !vout.bytes().all(|b| b.is_ascii_digit()) {
        return Err(WalletError::BadCoin("the output index must be a number"));
    }
    let vout = vout.parse::<u32>().map_err(|_| WalletError::BadCoin("the output index must be below 2^32"))?;
    Ok(OutPoint { txid, vout })
}

/// Signs input `index` of the cache's transaction (spending `spent`) with `signer`:
/// returns its scriptSig and witness. ECDSA grinds low R as Core does; taproot signs with
/// the BIP-86 tweak, SIGHASH_DEFAULT and `aux_rand`.
fn sign_input(
    cache: &mut SighashCache<'_>,
    index: usize,
    signer: &InputKey,
    spent: &[TxOut],
    aux_rand: &[u8; 32],
) -> Result<(Vec<u8>, Vec<Vec<u8>>), WalletError> {
    let hash_err = |_| WalletError::SigningFailed;
    let public = key_public(&signer.key);
    let pubkey = public.to_encoded_point(signer.compressed).as_bytes().to_vec();
    let der_all = |digest: [u8; 32]| -> Result<Vec<u8>, WalletError> {
        let mut sig = ecdsa_sign(&signer.key, &digest, NonceMode::LowR)?.to_der();
        sig.push(0x01);
        Ok(sig)
    };
    let keyhash = hash160(&pubkey);
    Ok(match signer.script_type {
        ScriptType::P2pkh => {
            let sig = der_all(cache.legacy(index, &spent[index].script_pubkey, 1).map_err(hash_err)?)?;
            (script::Builder::new().push(&sig).push(&pubkey).into_bytes(), Vec::new())
        }
        ScriptType::P2wpkh | ScriptType::P2shP2wpkh => {
            let code = script::p2wpkh_script_code(&keyhash);
            let sig = der_all(cache.segwit_v0(index, &code, spent[index].value, 1).map_err(hash_err)?)?;
            let script_sig = if signer.script_type == ScriptType::P2shP2wpkh {
                script::Builder::new().push(&script::p2wpkh(&keyhash)).into_bytes()
            } else {
                Vec::new()
            };
            (script_sig, vec![sig, pubkey])
        }
        ScriptType::P2tr => {
            let digest = cache
                .taproot(index, spent, 0x00, crate::btc::TaprootSpend::KeyPath { annex: None })
                .map_err(hash_err)?;
            (Vec::new(), vec![taproot_key_sign(&signer.key, None, &digest, aux_rand)?.to_vec()])
        }
    })
}

fn check_message(message: &[u8]) -> Result<(), WalletError> {
    if message.len() > MAX_MESSAGE_LEN {
        return Err(WalletError::BadSignature("message longer than 1 MiB"));
    }
    Ok(())
}

/// Signs `message` for the address of `key` under `script_type` on `network`. ECDSA uses
/// low-R grinding as Core does; taproot signs with the BIP-86 tweak and `aux_rand`
/// (fresh randomness from the caller; zeros make it deterministic).
pub fn sign(
    key: &SecretKey,
    compressed: bool,
    script_type: ScriptType,
    network: Network,
    message: &[u8],
    format: Bip322Format,
    aux_rand: &[u8; 32],
) -> Result<String, WalletError> {
    check_message(message)?;
    if format == Bip322Format::Simple && matches!(script_type, ScriptType::P2pkh | ScriptType::P2shP2wpkh) {
        // The simple form has no scriptSig, so only native segwit can use it.
        return Err(WalletError::UnsupportedAddress);
    }
    let signer = InputKey { key: key.clone(), compressed, script_type };
    let spend = to_spend(&signer.script_pubkey(network)?, message);
    let mut tx = to_sign(&spend, 0, 0, 0);
    let spent = [spend.outputs[0].clone()];
    let unsigned = tx.clone();
    let (script_sig, witness) = sign_input(&mut SighashCache::new(&unsigned), 0, &signer, &spent, aux_rand)?;
    tx.inputs[0].script_sig = script_sig;
    tx.inputs[0].witness = witness;
    Ok(match format {
        Bip322Format::Simple => format!("smp{}", Base64::encode_string(&encode_witness(&tx.inputs[0].witness))),
        Bip322Format::Full => format!("ful{}", Base64::encode_string(&tx.to_bytes())),
    })
}

/// A BIP-322 proof of funds (`pof…`, "Full (Proof of Funds)"): `to_sign` for `message` and
/// the address of `signer`, with every coin as a further input, each input signed as if it
/// were spent, as a finalized PSBT (each input with its UTXO, so a verifier can judge it).
/// The caller has matched each coin to the key in `coins` that spends it; a coin listed
/// twice or the message's own outpoint is refused. Proves control of the coins' keys, not
/// that the coins exist or are unspent: a verifier checks that against the chain.
pub fn sign_proof_of_funds(
    signer: &InputKey,
    network: Network,
    message: &[u8],
    coins: &[(Coin, InputKey)],
    aux_rand: &[u8; 32],
) -> Result<String, WalletError> {
    check_message(message)?;
    if coins.len() > MAX_COINS {
        return Err(WalletError::BadCoin("too many coins in one proof (at most 256)"));
    }
    let spend = to_spend(&signer.script_pubkey(network)?, message);
    let mut unsigned = to_sign(&spend, 0, 0, 0);
    let mut spent = vec![spend.outputs[0].clone()];
    for (i, (coin, key)) in coins.iter().enumerate() {
        if coin.outpoint == unsigned.inputs[0].previous_output
            || coins[..i].iter().any(|(c, _)| c.outpoint == coin.outpoint)
        {
            return Err(WalletError::BadCoin("a coin is listed twice"));
        }
        if key.script_type == ScriptType::P2pkh {
            // A PSBT must carry a legacy input's whole previous transaction, which we lack.
            return Err(WalletError::UnsupportedAddress);
        }
        if key.script_pubkey(network)? != coin.output.script_pubkey {
            return Err(WalletError::CoinNotOurs(i));
        }
        unsigned.inputs.push(TxIn {
            previous_output: coin.outpoint,
            script_sig: Vec::new(),
            sequence: 0,
            witness: Vec::new(),
        });
        spent.push(coin.output.clone());
    }
    let mut psbt = Psbt {
        version: 0,
        tx_version: unsigned.version,
        fallback_locktime: Some(unsigned.lock_time),
        ..Psbt::default()
    };
    psbt.outputs = unsigned
        .outputs
        .iter()
        .map(|o| crate::btc::psbt::Output {
            amount: o.value,
            script_pubkey: o.script_pubkey.clone(),
            ..Default::default()
        })
        .collect();
    let mut cache = SighashCache::new(&unsigned);
    let keys = core::iter::once(signer).chain(coins.iter().map(|(_, k)| k));
    for (index, key) in keys.enumerate() {
        let (script_sig, witness) = sign_input(&mut cache, index, key, &spent, aux_rand)?;
        let mut input = crate::btc::psbt::Input {
            previous_output: unsigned.inputs[index].previous_output,
            sequence: Some(unsigned.inputs[index].sequence),
            final_script_sig: (!script_sig.is_empty()).then_some(script_sig),
            final_script_witness: (!witness.is_empty()).then_some(witness),
            ..Default::default()
        };
        // BIP-174: a legacy input carries its previous transaction (for the message's
        // to_spend we have it), a segwit one its output.
        if index == 0 && key.script_type == ScriptType::P2pkh {
            input.non_witness_utxo = Some(spend.clone());
        } else {
            input.witness_utxo = Some(spent[index].clone());
        }
        psbt.inputs.push(input);
    }
    Ok(format!("pof{}", Base64::encode_string(&psbt.to_bytes())))
}

fn base64(text: &str) -> Result<Vec<u8>, WalletError> {
    Base64::decode_vec(text).map_err(|_| WalletError::BadSignature("not base64"))
}

/// Verifies a BIP-322 signature of `message` for `address`. Text that is not a signature
/// at all is an error; a well-formed signature that does not prove the message is
/// [`Bip322Verdict::Invalid`].
pub fn verify(address: &Address, message: &[u8], signature: &str) -> Result<Bip322Verdict, WalletError> {
    check_message(message)?;
    let signature = signature.trim();
    if signature.is_empty() {
        return Err(WalletError::BadSignature("signature too short"));
    }
    let challenge = address.script_pubkey();
    let spend = to_spend(&challenge, message);
    let (prefix, body) = match signature.get(..3) {
        Some(p @ ("smp" | "ful" | "pof")) => (Some(p), &signature[3..]),
        // Signatures made before the BIP was finalised carry no prefix: simple (BIP-322 2.0).
        _ => (None, signature),
    };
    let tx = match prefix {
        Some("smp") | None => {
            let witness = decode_witness(&base64(body)?).ok_or(WalletError::BadSignature("not a witness stack"))?;
            let mut tx = to_sign(&spend, 0, 0, 0);
            tx.inputs[0].witness = witness;
            tx
        }
        Some("ful") => {
            let tx = Transaction::from_bytes(&base64(body)?)
                .map_err(|_| WalletError::BadSignature("not a to_sign transaction"))?;
            if tx.inputs.len() != 1 {
                return Ok(Bip322Verdict::Invalid(
                    "a full signature spends exactly one input (more is a proof of funds)",
                ));
            }
            if tx.inputs[0].previous_output != (OutPoint { txid: spend.txid(), vout: 0 }) {
                return Ok(Bip322Verdict::Invalid("to_sign does not spend this message's to_spend"));
            }
            if tx.outputs != to_sign(&spend, 0, 0, 0).outputs {
                return Ok(Bip322Verdict::Invalid("to_sign must have one zero-value OP_RETURN output"));
            }
            tx
        }
        _ => return verify_proof_of_funds(&spend, &base64(body)?),
    };
    let spent = [spend.outputs[0].clone()];
    let verdict = verify_input(&mut SighashCache::new(&tx), 0, &spent);
    Ok(outcome(verdict, &tx))
}

fn outcome(verdict: Verdict, tx: &Transaction) -> Bip322Verdict {
    match verdict {
        Verdict::Valid if tx.version != 0 && tx.version != 2 => {
            Bip322Verdict::Inconclusive("to_sign version other than 0 or 2")
        }
        Verdict::Valid => Bip322Verdict::Valid { lock_time: tx.lock_time, sequence: tx.inputs[0].sequence },
        Verdict::Invalid(why) => Bip322Verdict::Invalid(why),
        Verdict::Inconclusive(why) => Bip322Verdict::Inconclusive(why),
    }
}

/// A proof of funds (`pof`): a finalized PSBT of `to_sign` whose first input spends
/// `to_spend` and whose other inputs are the coins shown, each with its UTXO (or, for a
/// legacy input, the previous transaction given on an earlier input of the same txid).
/// Every input must pass; whether the coins are still unspent needs the chain, not us.
fn verify_proof_of_funds(spend: &Transaction, bytes: &[u8]) -> Result<Bip322Verdict, WalletError> {
    let psbt = Psbt::from_bytes(bytes).map_err(|_| WalletError::BadSignature("not a proof-of-funds PSBT"))?;
    let Ok(tx) = psbt.extract() else { return Ok(Bip322Verdict::Invalid("the proof-of-funds PSBT is not finalized")) };
    if tx.inputs.first().map(|i| i.previous_output) != Some(OutPoint { txid: spend.txid(), vout: 0 }) {
        return Ok(Bip322Verdict::Invalid("to_sign does not spend this message's to_spend"));
    }
    if tx.outputs != to_sign(spend, 0, 0, 0).outputs {
        return Ok(Bip322Verdict::Invalid("to_sign must have one zero-value OP_RETURN output"));
    }
    let mut spent = vec![spend.outputs[0].clone()];
    for (i, input) in psbt.inputs.iter().enumerate().skip(1) {
        let outpoint = tx.inputs[i].previous_output;
        let shared = || {
            psbt.inputs[..i].iter().find_map(|earlier| {
                let prev = earlier.non_witness_utxo.as_ref().filter(|p| p.txid() == outpoint.txid)?;
                prev.outputs.get(outpoint.vout as usize).cloned()
            })
        };
        match input.spent_output().or_else(shared) {
            Some(out) => spent.push(out),
            None => return Ok(Bip322Verdict::Invalid("a proof-of-funds input has no matching UTXO")),
        }
    }
    let mut cache = SighashCache::new(&tx);
    for i in 0..tx.inputs.len() {
        let verdict = verify_input(&mut cache, i, &spent);
        if verdict != Verdict::Valid {
            return Ok(outcome(verdict, &tx));
        }
    }
    Ok(outcome(Verdict::Valid, &tx))
}

/// Fuzz entry point: hostile bytes as a simple, full or proof-of-funds signature (and as
/// text) for addresses of every kind the interpreter judges; errors are fine, panics not.
#[doc(hidden)]
pub fn fuzz_verify(data: &[u8]) {
    const ADDRESSES: [&str; 5] = [
        "bc1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0l",
        "bc1pss0zhytly75awhm6x2hhvd5lnzv3vssgrf9axfheq8ldyzn88ges79fler",
        "13vU5PUSuArDXJdCWZvUFEbgJ2wcmtSJWn",
        "32Utb7Seg6EXq7UesMNJXhQ1gdohYNyzQ9",
        "bc1qhqcmw7ud03vqde3pe6hzajaylhucmlatrkcztzpnk8vpgvhg9dzq5ydark",
    ];
    let Some((&which, body)) = data.split_first() else { return };
    let Ok(address) = Address::parse_any(ADDRESSES[usize::from(which) % ADDRESSES.len()]) else { return };
    let encoded = Base64::encode_string(body);
    for prefix in ["smp", "ful", "pof", ""] {
        let _ = verify(&address, b"fuzz", &format!("{prefix}{encoded}"));
    }
    if let Ok(text) = core::str::from_utf8(body) {
        let _ = verify(&address, b"fuzz", text);
    }
}
