//! Signature hashes: legacy (with Core's quirks), BIP-143 (segwit v0) and BIP-341 (taproot).
//!
//! [`SighashCache`] computes the hashes every input shares (prevouts, sequences, outputs,
//! amounts, scriptPubKeys) once per transaction, so signing n inputs costs O(n), not O(n²).
//! Nothing here holds a key: the wallet signs the digests.

use super::encoding::{write_compact_size, write_var_bytes};
use super::hash::{sha256, sha256d, tagged_hash};
use super::script::{next_instruction, op::OP_CODESEPARATOR, Instruction};
use super::tx::{Transaction, TxOut};
use super::Amount;
use crate::error::{CoreError, Fault};
use core::fmt;
use sha2::{Digest, Sha256};

/// SIGHASH_ALL: sign every input and output.
pub const SIGHASH_ALL: u32 = 0x01;
/// SIGHASH_NONE: sign no output.
pub const SIGHASH_NONE: u32 = 0x02;
/// SIGHASH_SINGLE: sign the output with this input's index.
pub const SIGHASH_SINGLE: u32 = 0x03;
/// Flag: sign only this input.
pub const SIGHASH_ANYONECANPAY: u32 = 0x80;
/// BIP-341's SIGHASH_DEFAULT: like ALL, and the signature omits the type byte.
pub const TAPROOT_SIGHASH_DEFAULT: u8 = 0x00;

/// Whether `hash_type` signs the whole transaction, as wallets sign unless asked otherwise:
/// SIGHASH_ALL, or for a taproot input also SIGHASH_DEFAULT. Any other type lets someone
/// change inputs or outputs after we sign.
pub fn is_default_sighash(hash_type: u32, taproot: bool) -> bool {
    hash_type == SIGHASH_ALL || (taproot && hash_type == u32::from(TAPROOT_SIGHASH_DEFAULT))
}

/// Why a signature hash cannot be computed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SighashError {
    /// The input index is not an input of the transaction.
    InputOutOfRange {
        /// The index asked for.
        index: usize,
        /// How many inputs there are.
        inputs: usize,
    },
    /// A taproot hash type other than 0x00–0x03 or 0x81–0x83 (BIP-341 makes these invalid).
    InvalidTaprootHashType(u8),
    /// BIP-341 SIGHASH_SINGLE on an input without an output of the same index.
    SingleWithoutOutput,
    /// Taproot needs every spent output (or this input's, with ANYONECANPAY); the list
    /// given does not have one per input.
    SpentOutputsMismatch,
}

impl fmt::Display for SighashError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InputOutOfRange { index, inputs } => write!(f, "input {index} of a transaction with {inputs} inputs"),
            Self::InvalidTaprootHashType(t) => write!(f, "invalid taproot sighash type 0x{t:02x}"),
            Self::SingleWithoutOutput => write!(f, "SIGHASH_SINGLE without an output of the same index"),
            Self::SpentOutputsMismatch => write!(f, "spent outputs do not match the transaction's inputs"),
        }
    }
}

impl CoreError for SighashError {
    fn code(&self) -> &'static str {
        match self {
            Self::InputOutOfRange { .. } => "btc.sighash.input-out-of-range",
            Self::InvalidTaprootHashType(_) => "btc.sighash.invalid-type",
            Self::SingleWithoutOutput => "btc.sighash.single-without-output",
            Self::SpentOutputsMismatch => "btc.sighash.spent-outputs-mismatch",
        }
    }
    fn fault(&self) -> Fault {
        match self {
            Self::InvalidTaprootHashType(_) | Self::SingleWithoutOutput => Fault::BadInput,
            _ => Fault::ApiMisuse,
        }
    }
}

/// What a taproot signature commits to besides the transaction (BIP-341 "Common signature
/// message" ext_flag and BIP-342's extension).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaprootSpend<'a> {
    /// A key path spend (ext_flag 0).
    KeyPath {
        /// The annex (last witness item starting 0x50), if any, including its 0x50 byte.
        annex: Option<&'a [u8]>,
    },
    /// A script path spend (ext_flag 1, BIP-342).
    ScriptPath {
        /// The annex, if any.
        annex: Option<&'a [u8]>,
        /// The leaf hash ([`tapleaf_hash`]).
        leaf_hash: [u8; 32],
        /// Opcode position of the last executed OP_CODESEPARATOR, or 0xffffffff for none.
        codesep_pos: u32,
    },
}

/// BIP-341 tapleaf hash: tagged "TapLeaf" of leaf version ‖ CompactSize ‖ script.
pub fn tapleaf_hash(leaf_version: u8, script: &[u8]) -> [u8; 32] {
    let mut data = vec![leaf_version];
    write_var_bytes(&mut data, script);
    tagged_hash("TapLeaf", &[&data])
}

/// BIP-341 branch hash: tagged "TapBranch" of the two children, smaller first.
pub fn tapbranch_hash(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    tagged_hash("TapBranch", &[lo, hi])
}

/// BIP-341 tweak: tagged "TapTweak" of the internal key ‖ merkle root (if any).
pub fn taptweak_hash(internal_key: &[u8; 32], merkle_root: Option<&[u8; 32]>) -> [u8; 32] {
    match merkle_root {
        Some(root) => tagged_hash("TapTweak", &[internal_key, root]),
        None => tagged_hash("TapTweak", &[internal_key]),
    }
}

/// The merkle root a control block proves for `leaf_hash`: the leaf folded with each
/// 32-byte path element (BIP-341 script validation rules).
pub fn merkle_root_from_path(leaf_hash: [u8; 32], path: &[u8]) -> Option<[u8; 32]> {
    if path.len() % 32 != 0 || path.len() > 128 * 32 {
        return None;
    }
    Some(path.chunks_exact(32).fold(leaf_hash, |k, e| tapbranch_hash(&k, e.try_into().unwrap_or(&[0; 32]))))
}

#[derive(Clone, Debug)]
struct Shared {
    // Single SHA-256 of each concatenation (BIP-341); BIP-143 uses SHA-256 of these again.
    prevouts: [u8; 32],
    sequences: [u8; 32],
    outputs: [u8; 32],
}

#[derive(Clone, Debug)]
struct TaprootShared {
    amounts: [u8; 32],
    script_pubkeys: [u8; 32],
}

/// Signature hashes for one transaction, caching what its inputs share.
#[derive(Clone, Debug)]
pub struct SighashCache<'a> {
    tx: &'a Transaction,
    shared: Option<Shared>,
    taproot: Option<TaprootShared>,
}

impl<'a> SighashCache<'a> {
    /// A cache for `tx`; nothing is hashed until asked.
    pub fn new(tx: &'a Transaction) -> Self {
        SighashCache { tx, shared: None, taproot: None }
    }

    /// The transaction.
    pub fn transaction(&self) -> &'a Transaction {
        self.tx
    }

    fn check_input(&self, index: usize) -> Result<(), SighashError> {
        if index >= self.tx.inputs.len() {
            return Err(SighashError::InputOutOfRange { index, inputs: self.tx.inputs.len() });
        }
        Ok(())
    }

    fn shared(&mut self) -> &Shared {
        let tx = self.tx;
        self.shared.get_or_insert_with(|| {
            let mut prevouts = Sha256::new();
            let mut sequences = Sha256::new();
            for input in &tx.inputs {
                let mut o = Vec::with_capacity(36);
                input.previous_output.encode_into(&mut o);
                prevouts.update(&o);
                sequences.update(input.sequence.to_le_bytes());
            }
            let mut outputs = Sha256::new();
            let mut buf = Vec::new();
            for output in &tx.outputs {
                buf.clear();
                output.encode_into(&mut buf);
                outputs.update(&buf);
            }
            Shared {
                prevouts: prevouts.finalize().into(),
                sequences: sequences.finalize().into(),
                outputs: outputs.finalize().into(),
            }
        })
    }

    /// The legacy (pre-segwit) signature hash, exactly as Core's `SignatureHash` for
    /// `SigVersion::BASE`: OP_CODESEPARATORs are removed from `script_code`, and
    /// SIGHASH_SINGLE on an input without a matching output returns the digest `1`
    /// (the famous bug, which consensus keeps). `hash_type` is the full 32-bit value
    /// appended to the message.
    pub fn legacy(&self, input_index: usize, script_code: &[u8], hash_type: u32) -> Result<[u8; 32], SighashError> {
        self.check_input(input_index)?;
        let tx = self.tx;
        let base = hash_type & 0x1f;
        let anyone_can_pay = hash_type & SIGHASH_ANYONECANPAY != 0;
        if base == SIGHASH_SINGLE && input_index >= tx.outputs.len() {
            let mut one = [0u8; 32];
            one[0] = 1;
            return Ok(one);
        }
        let mut m = Vec::with_capacity(tx.base_size() + script_code.len() + 4);
        m.extend_from_slice(&tx.version.to_le_bytes());
        let inputs: Vec<usize> = if anyone_can_pay { vec![input_index] } else { (0..tx.inputs.len()).collect() };
        write_compact_size(&mut m, inputs.len() as u64);
        for i in inputs {
            let input = &tx.inputs[i];
            input.previous_output.encode_into(&mut m);
            if i == input_index {
                serialize_script_code_without_separators(&mut m, script_code);
            } else {
                m.push(0);
            }
            let zero_sequence = i != input_index && (base == SIGHASH_NONE || base == SIGHASH_SINGLE);
            m.extend_from_slice(&if zero_sequence { 0 } else { input.sequence }.to_le_bytes());
        }
        match base {
            SIGHASH_NONE => m.push(0),
            SIGHASH_SINGLE => {
                write_compact_size(&mut m, input_index as u64 + 1);
                for _ in 0..input_index {
                    // A "null" output: value -1, empty script (CTxOut::SetNull).
                    TxOut { value: Amount::from_sat(u64::MAX), script_pubkey: Vec::new() }.encode_into(&mut m);
                }
                tx.outputs[input_index].encode_into(&mut m);
            }
            _ => {
                write_compact_size(&mut m, tx.outputs.len() as u64);
                for o in &tx.outputs {
                    o.encode_into(&mut m);
                }
            }
        }
        m.extend_from_slice(&tx.lock_time.to_le_bytes());
        m.extend_from_slice(&hash_type.to_le_bytes());
        Ok(sha256d(&m))
    }

    /// The BIP-143 (segwit v0) signature hash. `script_code` is the P2PKH script for
    /// P2WPKH or the witness script for P2WSH; `value` is the amount the input spends.
    pub fn segwit_v0(
        &mut self,
        input_index: usize,
        script_code: &[u8],
        value: Amount,
        hash_type: u32,
    ) -> Result<[u8; 32], SighashError> {
        self.check_input(input_index)?;
        let tx = self.tx;
        let base = hash_type & 0x1f;
        let anyone_can_pay = hash_type & SIGHASH_ANYONECANPAY != 0;
        let shared = self.shared().clone();
        let zero = [0u8; 32];
        let hash_prevouts = if anyone_can_pay { zero } else { sha256(&shared.prevouts) };
        let hash_sequence = if anyone_can_pay || base == SIGHASH_SINGLE || base == SIGHASH_NONE {
            zero
        } else {
            sha256(&shared.sequences)
        };
        let hash_outputs = if base != SIGHASH_SINGLE && base != SIGHASH_NONE {
            sha256(&shared.outputs)
        } else if base == SIGHASH_SINGLE && input_index < tx.outputs.len() {
            sha256d(&tx.outputs[input_index].to_bytes())
        } else {
            zero
        };
        let input = &tx.inputs[input_index];
        let mut m = Vec::with_capacity(160 + script_code.len());
        m.extend_from_slice(&tx.version.to_le_bytes());
        m.extend_from_slice(&hash_prevouts);
        m.extend_from_slice(&hash_sequence);
        input.previous_output.encode_into(&mut m);
        write_var_bytes(&mut m, script_code);
        m.extend_from_slice(&value.to_sat().to_le_bytes());
        m.extend_from_slice(&input.sequence.to_le_bytes());
        m.extend_from_slice(&hash_outputs);
        m.extend_from_slice(&tx.lock_time.to_le_bytes());
        m.extend_from_slice(&hash_type.to_le_bytes());
        Ok(sha256d(&m))
    }

    /// The BIP-341 signature hash. `spent` holds the output each input spends, in input
    /// order (all of them: without ANYONECANPAY the hash commits to every amount and
    /// scriptPubKey, which is what defeats the fee attack on segwit v0).
    pub fn taproot(
        &mut self,
        input_index: usize,
        spent: &[TxOut],
        hash_type: u8,
        spend: TaprootSpend<'_>,
    ) -> Result<[u8; 32], SighashError> {
        self.check_input(input_index)?;
        if !matches!(hash_type, 0x00..=0x03 | 0x81..=0x83) {
            return Err(SighashError::InvalidTaprootHashType(hash_type));
        }
        if spent.len() != self.tx.inputs.len() {
            return Err(SighashError::SpentOutputsMismatch);
        }
        let tx = self.tx;
        let base = u32::from(hash_type) & 3;
        let anyone_can_pay = u32::from(hash_type) & SIGHASH_ANYONECANPAY != 0;
        if base == SIGHASH_SINGLE && input_index >= tx.outputs.len() {
            return Err(SighashError::SingleWithoutOutput);
        }
        let shared = self.shared().clone();
        // SigMsg, BIP-341 "Common signature message", preceded by the epoch byte 0x00.
        let mut m = Vec::with_capacity(256);
        m.push(0x00);
        m.push(hash_type);
        m.extend_from_slice(&tx.version.to_le_bytes());
        m.extend_from_slice(&tx.lock_time.to_le_bytes());
        if !anyone_can_pay {
            let taproot = self.taproot.get_or_insert_with(|| {
                let mut amounts = Sha256::new();
                let mut scripts = Sha256::new();
                let mut buf = Vec::new();
                for o in spent {
                    amounts.update(o.value.to_sat().to_le_bytes());
                    buf.clear();
                    write_var_bytes(&mut buf, &o.script_pubkey);
                    scripts.update(&buf);
                }
                TaprootShared { amounts: amounts.finalize().into(), script_pubkeys: scripts.finalize().into() }
            });
            m.extend_from_slice(&shared.prevouts);
            m.extend_from_slice(&taproot.amounts);
            m.extend_from_slice(&taproot.script_pubkeys);
            m.extend_from_slice(&shared.sequences);
        }
        if base != SIGHASH_NONE && base != SIGHASH_SINGLE {
            m.extend_from_slice(&shared.outputs);
        }
        let (annex, ext) = match spend {
            TaprootSpend::KeyPath { annex } => (annex, None),
            TaprootSpend::ScriptPath { annex, leaf_hash, codesep_pos } => (annex, Some((leaf_hash, codesep_pos))),
        };
        let ext_flag = u8::from(ext.is_some());
        m.push(ext_flag * 2 + u8::from(annex.is_some()));
        if anyone_can_pay {
            let input = &tx.inputs[input_index];
            input.previous_output.encode_into(&mut m);
            spent[input_index].encode_into(&mut m);
            m.extend_from_slice(&input.sequence.to_le_bytes());
        } else {
            m.extend_from_slice(&(input_index as u32).to_le_bytes());
        }
        if let Some(annex) = annex {
            let mut a = Vec::with_capacity(annex.len() + 9);
            write_var_bytes(&mut a, annex);
            m.extend_from_slice(&sha256(&a));
        }
        if base == SIGHASH_SINGLE {
            m.extend_from_slice(&sha256(&tx.outputs[input_index].to_bytes()));
        }
        if let Some((leaf_hash, codesep_pos)) = ext {
            m.extend_from_slice(&leaf_hash);
            m.push(0x00); // key_version 0 (BIP-342)
            m.extend_from_slice(&codesep_pos.to_le_bytes());
        }
        Ok(tagged_hash("TapSighash", &[&m]))
    }
}

/// Writes `script` with every OP_CODESEPARATOR removed, as Core's
/// `CTransactionSignatureSerializer::SerializeScriptCode` does, including its behaviour on
/// a push that runs past the end (the rest after the failed read is dropped).
fn serialize_script_code_without_separators(out: &mut Vec<u8>, script: &[u8]) {
    let mut separators = 0usize;
    let mut pos = 0;
    while let Some(i) = next_instruction(script, &mut pos) {
        if i == Instruction::Op(OP_CODESEPARATOR) {
            separators += 1;
        }
    }
    write_compact_size(out, (script.len() - separators) as u64);
    let mut begin = 0;
    let mut pos = 0;
    while let Some(i) = next_instruction(script, &mut pos) {
        if i == Instruction::Op(OP_CODESEPARATOR) {
            out.extend_from_slice(script.get(begin..pos - 1).unwrap_or_default());
            begin = pos;
        }
    }
    if begin != script.len() {
        out.extend_from_slice(script.get(begin..pos.min(script.len())).unwrap_or_default());
    }
}

/// Serializes spent outputs back to back (value ‖ script each), the layout Bitcoin Core's
/// `bitcoinconsensus` taproot verification (`verify_with_flags`' spent outputs) takes.
pub fn spent_outputs_bytes(spent: &[TxOut]) -> Vec<Vec<u8>> {
    spent.iter().map(TxOut::to_bytes).collect()
}
