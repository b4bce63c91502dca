//! Reading PSBTs: `magic ‖ global map ‖ input maps ‖ output maps`, each map a list of
//! `<key len> <key type ‖ key data> <value len> <value>` pairs ended by a 0x00 byte
//! (BIP-174 "Specification"). Every field's key data and value are checked against its row
//! of the BIP-174/370/371 tables; anything else is kept as unknown, byte for byte.

use super::key::*;
use super::{Input, KeySource, Output, Psbt, PsbtError, TapKeySource, TapTreeLeaf, Where, MAGIC};
use crate::btc::encoding::Reader;
use crate::btc::hash::{hash160, sha256, sha256d};
use crate::btc::tx::{OutPoint, Transaction, TxOut, Txid};
use crate::btc::Amount;
use std::collections::BTreeSet;

/// BIP-370: a time lock time is at least this; a height lock time is below it.
const LOCKTIME_THRESHOLD: u32 = 500_000_000;

struct Pair<'a> {
    key_type: u64,
    key_data: &'a [u8],
    key: &'a [u8],
    value: &'a [u8],
}

fn read_map<'a>(r: &mut Reader<'a>, at: Where) -> Result<Vec<Pair<'a>>, PsbtError> {
    let mut pairs = Vec::new();
    let mut seen = BTreeSet::new();
    loop {
        let key = r.var_bytes()?;
        if key.is_empty() {
            return Ok(pairs);
        }
        let mut kr = Reader::new(key);
        let key_type = kr.compact_size_unbounded()?;
        let key_data = kr.rest();
        let value = r.var_bytes()?;
        if !seen.insert(key) {
            return Err(PsbtError::DuplicateKey { at, key_type });
        }
        pairs.push(Pair { key_type, key_data, key, value });
    }
}

/// Field-level checks for one pair, with the map and key type at hand for errors.
struct Field<'p, 'a> {
    p: &'p Pair<'a>,
    at: Where,
}

impl<'a> Field<'_, 'a> {
    fn bad_key(&self) -> PsbtError {
        PsbtError::InvalidKey { at: self.at, key_type: self.p.key_type }
    }
    fn bad_value(&self) -> PsbtError {
        PsbtError::InvalidValue { at: self.at, key_type: self.p.key_type }
    }
    fn no_key_data(&self) -> Result<(), PsbtError> {
        if self.p.key_data.is_empty() {
            Ok(())
        } else {
            Err(self.bad_key())
        }
    }
    fn only(&self, version: u32, actual: u32) -> Result<(), PsbtError> {
        if version == actual {
            Ok(())
        } else {
            Err(PsbtError::WrongVersionField { at: self.at, key_type: self.p.key_type, version: actual })
        }
    }
    /// Key data of exactly N bytes.
    fn key_array<const N: usize>(&self) -> Result<[u8; N], PsbtError> {
        self.p.key_data.try_into().map_err(|_| self.bad_key())
    }
    /// Key data that is a valid public key (Core: `CPubKey::IsFullyValid`).
    fn key_pubkey(&self) -> Result<Vec<u8>, PsbtError> {
        let k = self.p.key_data;
        let shape_ok = matches!((k.len(), k.first()), (33, Some(2 | 3)) | (65, Some(4)));
        if !shape_ok || k256::PublicKey::from_sec1_bytes(k).is_err() {
            return Err(self.bad_key());
        }
        Ok(k.to_vec())
    }
    fn value_array<const N: usize>(&self) -> Result<[u8; N], PsbtError> {
        self.p.value.try_into().map_err(|_| self.bad_value())
    }
    fn value_u32(&self) -> Result<u32, PsbtError> {
        Ok(u32::from_le_bytes(self.value_array()?))
    }
    /// A whole value read by `f`, with nothing left over.
    fn value_with<T>(
        &self,
        f: impl FnOnce(&mut Reader<'a>) -> Result<T, crate::btc::DecodeError>,
    ) -> Result<T, PsbtError> {
        let mut r = Reader::new(self.p.value);
        let out = f(&mut r).map_err(|_| self.bad_value())?;
        r.finish().map_err(|_| self.bad_value())?;
        Ok(out)
    }
    fn value_key_source(&self) -> Result<KeySource, PsbtError> {
        key_source(self.p.value).ok_or_else(|| self.bad_value())
    }
    fn value_tap_key_source(&self) -> Result<TapKeySource, PsbtError> {
        let mut r = Reader::new(self.p.value);
        let n = r.count(32).map_err(|_| self.bad_value())?;
        let leaf_hashes =
            (0..n).map(|_| r.array::<32>()).collect::<Result<Vec<_>, _>>().map_err(|_| self.bad_value())?;
        let source = key_source(r.rest()).ok_or_else(|| self.bad_value())?;
        Ok(TapKeySource { leaf_hashes, source })
    }
    /// A BIP-340 signature, with an optional sighash byte (BIP-371: 64 or 65 bytes).
    fn value_schnorr_sig(&self) -> Result<Vec<u8>, PsbtError> {
        match self.p.value.len() {
            64 | 65 => Ok(self.p.value.to_vec()),
            _ => Err(self.bad_value()),
        }
    }
}

/// `fingerprint ‖ path` (4 + 4n bytes, little-endian child numbers).
fn key_source(v: &[u8]) -> Option<KeySource> {
    if v.len() < 4 || v.len() % 4 != 0 {
        return None;
    }
    let fingerprint = [v[0], v[1], v[2], v[3]];
    let path = v[4..].chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
    Some(KeySource { fingerprint, path })
}

pub(super) fn parse(bytes: &[u8]) -> Result<Psbt, PsbtError> {
    let body = bytes.strip_prefix(MAGIC.as_slice()).ok_or(PsbtError::BadMagic)?;
    let mut r = Reader::new(body);
    let global = read_map(&mut r, Where::Global)?;

    let mut version = 0u32;
    for p in global.iter().filter(|p| p.key_type == GLOBAL_VERSION) {
        let f = Field { p, at: Where::Global };
        f.no_key_data()?;
        version = f.value_u32()?;
    }
    if version != 0 && version != 2 {
        return Err(PsbtError::UnsupportedVersion(version));
    }

    let mut psbt = Psbt { version, ..Psbt::default() };
    let mut unsigned_tx = None;
    let (mut tx_version, mut input_count, mut output_count) = (None, None, None);
    for p in &global {
        let f = Field { p, at: Where::Global };
        match p.key_type {
            GLOBAL_UNSIGNED_TX => {
                f.only(0, version)?;
                f.no_key_data()?;
                // BIP-174: the unsigned tx is in the network serialization without witnesses.
                let tx = Transaction::from_bytes_no_witness(p.value).map_err(|_| f.bad_value())?;
                if tx.inputs.iter().any(|i| !i.script_sig.is_empty()) {
                    return Err(PsbtError::UnsignedTxNotEmpty);
                }
                unsigned_tx = Some(tx);
            }
            GLOBAL_XPUB => {
                let xpub: [u8; 78] = f.key_array()?;
                psbt.xpubs.insert(xpub, f.value_key_source()?);
            }
            GLOBAL_TX_VERSION => {
                f.only(2, version)?;
                f.no_key_data()?;
                tx_version = Some(i32::from_le_bytes(f.value_array()?));
            }
            GLOBAL_FALLBACK_LOCKTIME => {
                f.only(2, version)?;
                f.no_key_data()?;
                psbt.fallback_locktime = Some(f.value_u32()?);
            }
            GLOBAL_INPUT_COUNT => {
                f.only(2, version)?;
                f.no_key_data()?;
                input_count = Some(f.value_with(|r| r.compact_size_unbounded())?);
            }
            GLOBAL_OUTPUT_COUNT => {
                f.only(2, version)?;
                f.no_key_data()?;
                output_count = Some(f.value_with(|r| r.compact_size_unbounded())?);
            }
            GLOBAL_TX_MODIFIABLE => {
                f.only(2, version)?;
                f.no_key_data()?;
                psbt.tx_modifiable = Some(f.value_array::<1>()?[0]);
            }
            GLOBAL_VERSION => {}
            PROPRIETARY => {
                psbt.proprietary.insert(p.key.to_vec(), p.value.to_vec());
            }
            _ => {
                psbt.unknown.insert(p.key.to_vec(), p.value.to_vec());
            }
        }
    }

    let missing = |key_type| PsbtError::MissingField { at: Where::Global, key_type };
    let (n_in, n_out) = if version == 0 {
        let tx = unsigned_tx.as_ref().ok_or(missing(GLOBAL_UNSIGNED_TX))?;
        psbt.tx_version = tx.version;
        psbt.fallback_locktime = Some(tx.lock_time);
        (tx.inputs.len(), tx.outputs.len())
    } else {
        psbt.tx_version = tx_version.ok_or(missing(GLOBAL_TX_VERSION))?;
        // Each map is at least its 0x00 separator: a count the rest cannot hold is a lie.
        let fits = |n: u64| usize::try_from(n).ok().filter(|&n| n <= r.remaining());
        let n_in = input_count.ok_or(missing(GLOBAL_INPUT_COUNT))?;
        let n_out = output_count.ok_or(missing(GLOBAL_OUTPUT_COUNT))?;
        let too_many = PsbtError::Encoding(crate::btc::DecodeError::TooLarge);
        (fits(n_in).ok_or(too_many.clone())?, fits(n_out).ok_or(too_many)?)
    };

    psbt.inputs.reserve(n_in);
    for i in 0..n_in {
        let pairs = read_map(&mut r, Where::Input(i))?;
        let mut input = parse_input(&pairs, i, version)?;
        if let Some(tx) = &unsigned_tx {
            input.previous_output = tx.inputs[i].previous_output;
            input.sequence = Some(tx.inputs[i].sequence);
        }
        psbt.inputs.push(input);
    }
    psbt.outputs.reserve(n_out);
    for i in 0..n_out {
        let pairs = read_map(&mut r, Where::Output(i))?;
        let mut output = parse_output(&pairs, i, version)?;
        if let Some(tx) = &unsigned_tx {
            output.amount = tx.outputs[i].value;
            output.script_pubkey = tx.outputs[i].script_pubkey.clone();
        }
        psbt.outputs.push(output);
    }
    if r.remaining() != 0 {
        return Err(PsbtError::TrailingData);
    }
    Ok(psbt)
}

fn parse_input(pairs: &[Pair<'_>], index: usize, version: u32) -> Result<Input, PsbtError> {
    let at = Where::Input(index);
    let mut input = Input::default();
    let (mut txid, mut vout) = (None, None);
    for p in pairs {
        let f = Field { p, at };
        match p.key_type {
            IN_NON_WITNESS_UTXO => {
                f.no_key_data()?;
                input.non_witness_utxo = Some(Transaction::from_bytes(p.value).map_err(|_| f.bad_value())?);
            }
            IN_WITNESS_UTXO => {
                f.no_key_data()?;
                input.witness_utxo = Some(TxOut::from_bytes(p.value).map_err(|_| f.bad_value())?);
            }
            IN_PARTIAL_SIG => {
                let key = f.key_pubkey()?;
                if p.value.is_empty() {
                    return Err(f.bad_value());
                }
                input.partial_sigs.insert(key, p.value.to_vec());
            }
            IN_SIGHASH_TYPE => {
                f.no_key_data()?;
                input.sighash_type = Some(f.value_u32()?);
            }
            IN_REDEEM_SCRIPT => {
                f.no_key_data()?;
                input.redeem_script = Some(p.value.to_vec());
            }
            IN_WITNESS_SCRIPT => {
                f.no_key_data()?;
                input.witness_script = Some(p.value.to_vec());
            }
            IN_BIP32_DERIVATION => {
                let key = f.key_pubkey()?;
                input.bip32_derivation.insert(key, f.value_key_source()?);
            }
            IN_FINAL_SCRIPTSIG => {
                f.no_key_data()?;
                input.final_script_sig = Some(p.value.to_vec());
            }
            IN_FINAL_SCRIPTWITNESS => {
                f.no_key_data()?;
                input.final_script_witness = Some(f.value_with(Reader::witness)?);
            }
            IN_RIPEMD160 => {
                let hash: [u8; 20] = f.key_array()?;
                let digest: [u8; 20] = {
                    use ripemd::{Digest, Ripemd160};
                    Ripemd160::digest(p.value).into()
                };
                if digest != hash {
                    return Err(f.bad_value());
                }
                input.ripemd160_preimages.insert(hash, p.value.to_vec());
            }
            IN_SHA256 => {
                let hash: [u8; 32] = f.key_array()?;
                if sha256(p.value) != hash {
                    return Err(f.bad_value());
                }
                input.sha256_preimages.insert(hash, p.value.to_vec());
            }
            IN_HASH160 => {
                let hash: [u8; 20] = f.key_array()?;
                if hash160(p.value) != hash {
                    return Err(f.bad_value());
                }
                input.hash160_preimages.insert(hash, p.value.to_vec());
            }
            IN_HASH256 => {
                let hash: [u8; 32] = f.key_array()?;
                if sha256d(p.value) != hash {
                    return Err(f.bad_value());
                }
                input.hash256_preimages.insert(hash, p.value.to_vec());
            }
            IN_PREVIOUS_TXID => {
                f.only(2, version)?;
                f.no_key_data()?;
                txid = Some(Txid(f.value_array()?));
            }
            IN_OUTPUT_INDEX => {
                f.only(2, version)?;
                f.no_key_data()?;
                vout = Some(f.value_u32()?);
            }
            IN_SEQUENCE => {
                f.only(2, version)?;
                f.no_key_data()?;
                input.sequence = Some(f.value_u32()?);
            }
            IN_REQUIRED_TIME_LOCKTIME => {
                f.only(2, version)?;
                f.no_key_data()?;
                let t = f.value_u32()?;
                if t < LOCKTIME_THRESHOLD {
                    return Err(f.bad_value());
                }
                input.required_time_locktime = Some(t);
            }
            IN_REQUIRED_HEIGHT_LOCKTIME => {
                f.only(2, version)?;
                f.no_key_data()?;
                let h = f.value_u32()?;
                if h == 0 || h >= LOCKTIME_THRESHOLD {
                    return Err(f.bad_value());
                }
                input.required_height_locktime = Some(h);
            }
            IN_TAP_KEY_SIG => {
                f.no_key_data()?;
                input.tap_key_sig = Some(f.value_schnorr_sig()?);
            }
            IN_TAP_SCRIPT_SIG => {
                let k: [u8; 64] = f.key_array()?;
                let (mut x, mut leaf) = ([0u8; 32], [0u8; 32]);
                x.copy_from_slice(&k[..32]);
                leaf.copy_from_slice(&k[32..]);
                input.tap_script_sigs.insert((x, leaf), f.value_schnorr_sig()?);
            }
            IN_TAP_LEAF_SCRIPT => {
                // A control block is 33 + 32m bytes, m ≤ 128 (BIP-341).
                let cb = p.key_data;
                if cb.len() < 33 || (cb.len() - 33) % 32 != 0 || cb.len() > 33 + 32 * 128 {
                    return Err(f.bad_key());
                }
                let (&leaf_version, script) = p.value.split_last().ok_or_else(|| f.bad_value())?;
                input.tap_leaf_scripts.insert(cb.to_vec(), (script.to_vec(), leaf_version));
            }
            IN_TAP_BIP32_DERIVATION => {
                let x: [u8; 32] = f.key_array()?;
                input.tap_bip32_derivation.insert(x, f.value_tap_key_source()?);
            }
            IN_TAP_INTERNAL_KEY => {
                f.no_key_data()?;
                input.tap_internal_key = Some(f.value_array()?);
            }
            IN_TAP_MERKLE_ROOT => {
                f.no_key_data()?;
                input.tap_merkle_root = Some(f.value_array()?);
            }
            PROPRIETARY => {
                input.proprietary.insert(p.key.to_vec(), p.value.to_vec());
            }
            _ => {
                input.unknown.insert(p.key.to_vec(), p.value.to_vec());
            }
        }
    }
    if version == 2 {
        let txid = txid.ok_or(PsbtError::MissingField { at, key_type: IN_PREVIOUS_TXID })?;
        let vout = vout.ok_or(PsbtError::MissingField { at, key_type: IN_OUTPUT_INDEX })?;
        input.previous_output = OutPoint { txid, vout };
    }
    Ok(input)
}

fn parse_output(pairs: &[Pair<'_>], index: usize, version: u32) -> Result<Output, PsbtError> {
    let at = Where::Output(index);
    let mut output = Output::default();
    let (mut amount, mut script) = (None, None);
    for p in pairs {
        let f = Field { p, at };
        match p.key_type {
            OUT_REDEEM_SCRIPT => {
                f.no_key_data()?;
                output.redeem_script = Some(p.value.to_vec());
            }
            OUT_WITNESS_SCRIPT => {
                f.no_key_data()?;
                output.witness_script = Some(p.value.to_vec());
            }
            OUT_BIP32_DERIVATION => {
                let key = f.key_pubkey()?;
                output.bip32_derivation.insert(key, f.value_key_source()?);
            }
            OUT_AMOUNT => {
                f.only(2, version)?;
                f.no_key_data()?;
                amount = Some(Amount::from_sat(u64::from_le_bytes(f.value_array()?)));
            }
            OUT_SCRIPT => {
                f.only(2, version)?;
                f.no_key_data()?;
                script = Some(p.value.to_vec());
            }
            OUT_TAP_INTERNAL_KEY => {
                f.no_key_data()?;
                output.tap_internal_key = Some(f.value_array()?);
            }
            OUT_TAP_TREE => {
                f.no_key_data()?;
                let leaves = f.value_with(|r| {
                    let mut leaves = Vec::new();
                    while r.remaining() > 0 {
                        let depth = r.u8()?;
                        let leaf_version = r.u8()?;
                        let script = r.var_bytes()?.to_vec();
                        leaves.push(TapTreeLeaf { depth, leaf_version, script });
                    }
                    Ok(leaves)
                })?;
                // BIP-371: depths ≤ 128, and the leaves must make a complete tree.
                if leaves.is_empty()
                    || leaves.iter().any(|l| l.depth > 128)
                    || super::taproot::tree_root(&leaves).is_none()
                {
                    return Err(f.bad_value());
                }
                output.tap_tree = Some(leaves);
            }
            OUT_TAP_BIP32_DERIVATION => {
                let x: [u8; 32] = f.key_array()?;
                output.tap_bip32_derivation.insert(x, f.value_tap_key_source()?);
            }
            PROPRIETARY => {
                output.proprietary.insert(p.key.to_vec(), p.value.to_vec());
            }
            _ => {
                output.unknown.insert(p.key.to_vec(), p.value.to_vec());
            }
        }
    }
    if version == 2 {
        output.amount = amount.ok_or(PsbtError::MissingField { at, key_type: OUT_AMOUNT })?;
        output.script_pubkey = script.ok_or(PsbtError::MissingField { at, key_type: OUT_SCRIPT })?;
    }
    Ok(output)
}
