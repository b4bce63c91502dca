//! Partially signed transactions: PSBT v0 (BIP-174) and v2 (BIP-370) with the taproot
//! fields of BIP-371, parsed strictly and written back in Bitcoin Core's field order.
//!
//! One model serves both versions: the transaction's own fields (outpoints, sequences,
//! amounts, scripts, version, lock time) live on [`Psbt`], [`Input`] and [`Output`]
//! whatever the version; `version` only decides how they are written (a v0 PSBT carries them
//! as `PSBT_GLOBAL_UNSIGNED_TX`, a v2 one as per-map fields). So converting between the two
//! is setting `version` (see [`Psbt::to_version`]).
//!
//! Roles, as BIP-174 names them: [`Psbt::from_bytes`]/[`Psbt::to_bytes`] (any role),
//! [`Psbt::combine`] (Combiner), [`Psbt::finalize`] (Input Finalizer),
//! [`Psbt::extract`] (Transaction Extractor), [`review`] (what a Signer shows its user before
//! signing). The Signer itself holds keys and lives in `crate::wallet::psbt`.
//!
//! Unknown and proprietary fields are kept byte for byte. Nothing here holds a key.

mod combine;
mod error;
mod finalize;
mod parse;
pub mod review;
mod serialize;
pub mod taproot;
pub mod verify;
mod weight;

pub use error::{PsbtError, Where};
pub use finalize::FinalizeReport;
pub use review::{review, InputReview, KeyOwner, OutputReview, Review, Warning};

use super::amount::Amount;
use super::tx::{OutPoint, Transaction, TxIn, TxOut};
use std::collections::BTreeMap;

/// The five bytes every PSBT starts with: "psbt" and 0xff.
pub const MAGIC: &[u8; 5] = b"psbt\xff";

/// PSBT key types (BIP-174, BIP-370, BIP-371 "Specification" tables).
#[allow(missing_docs)]
pub mod key {
    pub const GLOBAL_UNSIGNED_TX: u64 = 0x00;
    pub const GLOBAL_XPUB: u64 = 0x01;
    pub const GLOBAL_TX_VERSION: u64 = 0x02;
    pub const GLOBAL_FALLBACK_LOCKTIME: u64 = 0x03;
    pub const GLOBAL_INPUT_COUNT: u64 = 0x04;
    pub const GLOBAL_OUTPUT_COUNT: u64 = 0x05;
    pub const GLOBAL_TX_MODIFIABLE: u64 = 0x06;
    pub const GLOBAL_VERSION: u64 = 0xfb;
    pub const PROPRIETARY: u64 = 0xfc;

    pub const IN_NON_WITNESS_UTXO: u64 = 0x00;
    pub const IN_WITNESS_UTXO: u64 = 0x01;
    pub const IN_PARTIAL_SIG: u64 = 0x02;
    pub const IN_SIGHASH_TYPE: u64 = 0x03;
    pub const IN_REDEEM_SCRIPT: u64 = 0x04;
    pub const IN_WITNESS_SCRIPT: u64 = 0x05;
    pub const IN_BIP32_DERIVATION: u64 = 0x06;
    pub const IN_FINAL_SCRIPTSIG: u64 = 0x07;
    pub const IN_FINAL_SCRIPTWITNESS: u64 = 0x08;
    pub const IN_RIPEMD160: u64 = 0x0a;
    pub const IN_SHA256: u64 = 0x0b;
    pub const IN_HASH160: u64 = 0x0c;
    pub const IN_HASH256: u64 = 0x0d;
    pub const IN_PREVIOUS_TXID: u64 = 0x0e;
    pub const IN_OUTPUT_INDEX: u64 = 0x0f;
    pub const IN_SEQUENCE: u64 = 0x10;
    pub const IN_REQUIRED_TIME_LOCKTIME: u64 = 0x11;
    pub const IN_REQUIRED_HEIGHT_LOCKTIME: u64 = 0x12;
    pub const IN_TAP_KEY_SIG: u64 = 0x13;
    pub const IN_TAP_SCRIPT_SIG: u64 = 0x14;
    pub const IN_TAP_LEAF_SCRIPT: u64 = 0x15;
    pub const IN_TAP_BIP32_DERIVATION: u64 = 0x16;
    pub const IN_TAP_INTERNAL_KEY: u64 = 0x17;
    pub const IN_TAP_MERKLE_ROOT: u64 = 0x18;

    pub const OUT_REDEEM_SCRIPT: u64 = 0x00;
    pub const OUT_WITNESS_SCRIPT: u64 = 0x01;
    pub const OUT_BIP32_DERIVATION: u64 = 0x02;
    pub const OUT_AMOUNT: u64 = 0x03;
    pub const OUT_SCRIPT: u64 = 0x04;
    pub const OUT_TAP_INTERNAL_KEY: u64 = 0x05;
    pub const OUT_TAP_TREE: u64 = 0x06;
    pub const OUT_TAP_BIP32_DERIVATION: u64 = 0x07;
}

/// Where a key came from: the master key's fingerprint and the BIP-32 path below it.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeySource {
    /// First four bytes of HASH160 of the master public key.
    pub fingerprint: [u8; 4],
    /// Child numbers from the master (hardened ones have bit 31 set).
    pub path: Vec<u32>,
}

impl KeySource {
    /// `m/84'/0'/0'/1/5` form.
    pub fn path_string(&self) -> String {
        let mut s = String::from("m");
        for &n in &self.path {
            if n >= 0x8000_0000 {
                s.push_str(&format!("/{}'", n - 0x8000_0000));
            } else {
                s.push_str(&format!("/{n}"));
            }
        }
        s
    }
}

/// A taproot key's origin (BIP-371): the leaves it signs in, and its BIP-32 source.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct TapKeySource {
    /// Tapleaf hashes of the scripts the key appears in (empty: the internal key only).
    pub leaf_hashes: Vec<[u8; 32]>,
    /// Fingerprint and path.
    pub source: KeySource,
}

/// One leaf of a taproot tree as `PSBT_OUT_TAP_TREE` lists them (depth-first order).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TapTreeLeaf {
    /// Depth in the tree (0–128).
    pub depth: u8,
    /// Leaf version (0xc0 for BIP-342 tapscript).
    pub leaf_version: u8,
    /// The script.
    pub script: Vec<u8>,
}

/// A field we do not interpret, kept as its full key bytes (type ‖ key data) and value.
pub type RawMap = BTreeMap<Vec<u8>, Vec<u8>>;

/// The global map and the transaction's own fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Psbt {
    /// 0 (BIP-174) or 2 (BIP-370).
    pub version: u32,
    /// The transaction's nVersion.
    pub tx_version: i32,
    /// v0: the unsigned transaction's nLockTime (always set). v2: PSBT_GLOBAL_FALLBACK_LOCKTIME.
    pub fallback_locktime: Option<u32>,
    /// v2: PSBT_GLOBAL_TX_MODIFIABLE flags (bit 0 inputs, bit 1 outputs, bit 2 SIGHASH_SINGLE).
    pub tx_modifiable: Option<u8>,
    /// PSBT_GLOBAL_XPUB: serialized extended public key (78 bytes) → its origin.
    pub xpubs: BTreeMap<[u8; 78], KeySource>,
    /// Proprietary global fields (type 0xfc), full key → value.
    pub proprietary: RawMap,
    /// Global fields of unknown types, full key → value.
    pub unknown: RawMap,
    /// One per transaction input.
    pub inputs: Vec<Input>,
    /// One per transaction output.
    pub outputs: Vec<Output>,
}

/// An input map.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Input {
    /// The output spent (v0: from the unsigned tx; v2: PREVIOUS_TXID and OUTPUT_INDEX).
    pub previous_output: OutPoint,
    /// nSequence; absent in v2 means 0xffffffff.
    pub sequence: Option<u32>,
    /// v2: the lock time (a time) this input needs.
    pub required_time_locktime: Option<u32>,
    /// v2: the lock time (a height) this input needs.
    pub required_height_locktime: Option<u32>,
    /// The whole transaction holding the spent output.
    pub non_witness_utxo: Option<Transaction>,
    /// The spent output alone (enough for segwit inputs).
    pub witness_utxo: Option<TxOut>,
    /// Public key → signature (DER ‖ sighash byte).
    pub partial_sigs: BTreeMap<Vec<u8>, Vec<u8>>,
    /// The sighash type signers must use.
    pub sighash_type: Option<u32>,
    /// P2SH redeem script.
    pub redeem_script: Option<Vec<u8>>,
    /// P2WSH witness script.
    pub witness_script: Option<Vec<u8>>,
    /// Public key (33 or 65 bytes) → origin.
    pub bip32_derivation: BTreeMap<Vec<u8>, KeySource>,
    /// The finished scriptSig.
    pub final_script_sig: Option<Vec<u8>>,
    /// The finished witness stack.
    pub final_script_witness: Option<Vec<Vec<u8>>>,
    /// RIPEMD-160 hash → preimage.
    pub ripemd160_preimages: BTreeMap<[u8; 20], Vec<u8>>,
    /// SHA-256 hash → preimage.
    pub sha256_preimages: BTreeMap<[u8; 32], Vec<u8>>,
    /// HASH160 → preimage.
    pub hash160_preimages: BTreeMap<[u8; 20], Vec<u8>>,
    /// HASH256 → preimage.
    pub hash256_preimages: BTreeMap<[u8; 32], Vec<u8>>,
    /// Key-path signature (64 bytes, or 65 with a sighash byte).
    pub tap_key_sig: Option<Vec<u8>>,
    /// (x-only key, leaf hash) → script-path signature.
    pub tap_script_sigs: BTreeMap<([u8; 32], [u8; 32]), Vec<u8>>,
    /// Control block → (script, leaf version).
    pub tap_leaf_scripts: BTreeMap<Vec<u8>, (Vec<u8>, u8)>,
    /// x-only key → leaves and origin.
    pub tap_bip32_derivation: BTreeMap<[u8; 32], TapKeySource>,
    /// The taproot internal key.
    pub tap_internal_key: Option<[u8; 32]>,
    /// The taproot merkle root.
    pub tap_merkle_root: Option<[u8; 32]>,
    /// Proprietary fields, full key → value.
    pub proprietary: RawMap,
    /// Fields of unknown types, full key → value.
    pub unknown: RawMap,
}

/// An output map.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    /// The amount (v0: from the unsigned tx; v2: PSBT_OUT_AMOUNT).
    pub amount: Amount,
    /// The scriptPubKey (v0: from the unsigned tx; v2: PSBT_OUT_SCRIPT).
    pub script_pubkey: Vec<u8>,
    /// P2SH redeem script.
    pub redeem_script: Option<Vec<u8>>,
    /// P2WSH witness script.
    pub witness_script: Option<Vec<u8>>,
    /// Public key → origin.
    pub bip32_derivation: BTreeMap<Vec<u8>, KeySource>,
    /// The taproot internal key.
    pub tap_internal_key: Option<[u8; 32]>,
    /// The taproot script tree, leaves in depth-first order.
    pub tap_tree: Option<Vec<TapTreeLeaf>>,
    /// x-only key → leaves and origin.
    pub tap_bip32_derivation: BTreeMap<[u8; 32], TapKeySource>,
    /// Proprietary fields, full key → value.
    pub proprietary: RawMap,
    /// Fields of unknown types, full key → value.
    pub unknown: RawMap,
}

impl Input {
    /// Whether a finalizer has filled in the final scriptSig or witness.
    pub fn is_finalized(&self) -> bool {
        self.final_script_sig.is_some() || self.final_script_witness.is_some()
    }

    /// The output this input spends, from `witness_utxo` or `non_witness_utxo`, and whether
    /// the full previous transaction vouched for it. `None` when neither is given, or when
    /// the previous transaction is not the one the outpoint names (a lie about the amount).
    pub fn spent_output(&self) -> Option<TxOut> {
        if let Some(prev) = &self.non_witness_utxo {
            if prev.txid() != self.previous_output.txid {
                return None;
            }
            let out = prev.outputs.get(self.previous_output.vout as usize)?.clone();
            return match &self.witness_utxo {
                Some(w) if *w != out => None,
                _ => Some(out),
            };
        }
        self.witness_utxo.clone()
    }
}

impl Psbt {
    /// Parses the binary form (starting with [`MAGIC`]), strictly: see [`PsbtError`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Psbt, PsbtError> {
        parse::parse(bytes)
    }

    /// Parses what a user pastes or loads: binary PSBT bytes, or text holding base64 or hex
    /// (surrounding whitespace ignored).
    pub fn from_any(bytes: &[u8]) -> Result<Psbt, PsbtError> {
        if bytes.starts_with(MAGIC) {
            return Self::from_bytes(bytes);
        }
        let text = core::str::from_utf8(bytes).map_err(|_| PsbtError::BadMagic)?;
        Self::from_text(text)
    }

    /// Parses base64 (BIP-174's text form) or hex.
    pub fn from_text(text: &str) -> Result<Psbt, PsbtError> {
        // Files saved by some editors start with a byte-order mark.
        let compact: String = text.chars().filter(|c| !c.is_whitespace() && *c != '\u{feff}').collect();
        if compact.len() >= 10 && compact[..10].eq_ignore_ascii_case("70736274ff") {
            let bytes = super::encoding::from_hex(&compact).ok_or(PsbtError::BadText)?;
            return Self::from_bytes(&bytes);
        }
        use base64ct::{Base64, Encoding};
        let bytes = Base64::decode_vec(&compact).map_err(|_| PsbtError::BadText)?;
        Self::from_bytes(&bytes)
    }

    /// The binary form.
    pub fn to_bytes(&self) -> Vec<u8> {
        serialize::serialize(self)
    }

    /// The base64 form.
    pub fn to_base64(&self) -> String {
        use base64ct::{Base64, Encoding};
        Base64::encode_string(&self.to_bytes())
    }

    /// The lock time the transaction will carry. v0: the unsigned tx's. v2: BIP-370's
    /// "Determining Lock Time": the largest required height, or else the largest required
    /// time, or the fallback; an error when inputs need both kinds and none allows either.
    pub fn lock_time(&self) -> Result<u32, PsbtError> {
        let any =
            self.inputs.iter().any(|i| i.required_time_locktime.is_some() || i.required_height_locktime.is_some());
        if self.version == 0 || !any {
            return Ok(self.fallback_locktime.unwrap_or(0));
        }
        let constrained =
            self.inputs.iter().filter(|i| i.required_time_locktime.is_some() || i.required_height_locktime.is_some());
        let all_height = constrained.clone().all(|i| i.required_height_locktime.is_some());
        let all_time = constrained.clone().all(|i| i.required_time_locktime.is_some());
        if all_height {
            Ok(constrained.filter_map(|i| i.required_height_locktime).max().unwrap_or(0))
        } else if all_time {
            Ok(constrained.filter_map(|i| i.required_time_locktime).max().unwrap_or(0))
        } else {
            Err(PsbtError::LockTimeConflict)
        }
    }

    /// The transaction being signed, with empty scriptSigs and witnesses.
    pub fn unsigned_tx(&self) -> Result<Transaction, PsbtError> {
        Ok(Transaction {
            version: self.tx_version,
            inputs: self
                .inputs
                .iter()
                .map(|i| TxIn {
                    previous_output: i.previous_output,
                    script_sig: Vec::new(),
                    sequence: i.sequence.unwrap_or(0xffff_ffff),
                    witness: Vec::new(),
                })
                .collect(),
            outputs: self
                .outputs
                .iter()
                .map(|o| TxOut { value: o.amount, script_pubkey: o.script_pubkey.clone() })
                .collect(),
            lock_time: self.lock_time()?,
        })
    }

    /// The same PSBT as version 0 or 2 (BIP-370 "Conversion"). To v0 the lock time is
    /// fixed and the v2-only fields dropped; to v2 every input's sequence is kept explicit.
    pub fn to_version(&self, version: u32) -> Result<Psbt, PsbtError> {
        let mut p = self.clone();
        match (self.version, version) {
            (a, b) if a == b => {}
            (2, 0) => {
                p.fallback_locktime = Some(self.lock_time()?);
                p.tx_modifiable = None;
                for i in &mut p.inputs {
                    i.sequence = Some(i.sequence.unwrap_or(0xffff_ffff));
                    i.required_time_locktime = None;
                    i.required_height_locktime = None;
                }
            }
            (0, 2) => {}
            (_, v) => return Err(PsbtError::UnsupportedVersion(v)),
        }
        p.version = version;
        Ok(p)
    }

    /// The output each input spends, in input order (`None` where unknown).
    pub fn spent_outputs(&self) -> Vec<Option<TxOut>> {
        self.inputs.iter().map(Input::spent_output).collect()
    }
}

/// Fuzz entry point: hostile bytes parse to a PSBT or a typed error; a parsed PSBT writes
/// back to bytes that parse to the same PSBT, converts to the other version and back, and
/// survives review, combine, finalize and extract without panic.
#[doc(hidden)]
pub fn fuzz_parse(data: &[u8]) {
    let Ok(psbt) = Psbt::from_any(data) else { return };
    let bytes = psbt.to_bytes();
    let again = Psbt::from_bytes(&bytes).expect("our own serialization parses");
    assert_eq!(again, psbt, "parse ∘ serialize is the identity");
    assert_eq!(again.to_bytes(), bytes);
    let other = if psbt.version == 0 { 2 } else { 0 };
    if let Ok(converted) = psbt.to_version(other) {
        let reparsed = Psbt::from_bytes(&converted.to_bytes()).expect("a converted PSBT parses");
        assert_eq!(reparsed, converted);
    }
    let _ = review(&psbt, super::Network::Testnet, &|_: &[u8], _: &KeySource| false);
    let mut combined = psbt.clone();
    let _ = combined.combine(&psbt);
    let mut finalized = psbt.clone();
    let _ = finalized.finalize();
    let _ = finalized.extract();
}

/// What [`finalize_and_extract`] gives back.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finalized {
    /// The PSBT after finalizing (binary form).
    pub psbt: Vec<u8>,
    /// The network transaction, when every input is final.
    pub tx: Option<Vec<u8>>,
    /// Its txid, when extracted.
    pub txid: Option<String>,
    /// What the finalizer did.
    pub report: FinalizeReport,
}

/// Parses `bytes` (binary, base64 or hex), finalizes every input it can and, if all are
/// final, extracts the transaction (the Finalizer and Extractor roles in one call).
pub fn finalize_and_extract(bytes: &[u8]) -> Result<Finalized, PsbtError> {
    let mut psbt = Psbt::from_any(bytes)?;
    let report = psbt.finalize()?;
    let tx = if report.complete { Some(psbt.extract()?) } else { None };
    Ok(Finalized {
        psbt: psbt.to_bytes(),
        txid: tx.as_ref().map(|t| t.txid().to_string()),
        tx: tx.map(|t| t.to_bytes()),
        report,
    })
}
