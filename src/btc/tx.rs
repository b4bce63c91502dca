//! Transactions: legacy and segwit (BIP-144) serialization, txid and wtxid, weight and
//! virtual size (BIP-141).

use super::amount::Amount;
use super::encoding::{
    compact_size_len, to_hex, witness_len, write_compact_size, write_var_bytes, write_witness, DecodeError, Reader,
};
use super::hash::sha256d;
use core::fmt;

/// A transaction id or any other double-SHA-256 hash, in internal byte order (the order
/// it is hashed and serialized in). [`fmt::Display`] shows it reversed, as explorers do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Txid(pub [u8; 32]);

impl Txid {
    /// Parses the displayed (byte-reversed) hex form.
    pub fn from_display_hex(s: &str) -> Option<Txid> {
        let mut bytes: [u8; 32] = super::encoding::from_hex(s)?.try_into().ok()?;
        bytes.reverse();
        Some(Txid(bytes))
    }
}

impl fmt::Display for Txid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut reversed = self.0;
        reversed.reverse();
        f.write_str(&to_hex(&reversed))
    }
}

/// A reference to an output of an earlier transaction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OutPoint {
    /// The transaction holding the output.
    pub txid: Txid,
    /// The output's index in it.
    pub vout: u32,
}

impl OutPoint {
    /// Appends the 36-byte serialization.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.txid.0);
        out.extend_from_slice(&self.vout.to_le_bytes());
    }
    /// Reads 36 bytes.
    pub fn decode_from(r: &mut Reader<'_>) -> Result<OutPoint, DecodeError> {
        Ok(OutPoint { txid: Txid(r.array()?), vout: r.u32_le()? })
    }
}

/// A transaction input.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct TxIn {
    /// The output it spends.
    pub previous_output: OutPoint,
    /// The unlocking script (empty for native segwit).
    pub script_sig: Vec<u8>,
    /// nSequence (BIP-68 relative locks, BIP-125 signalling).
    pub sequence: u32,
    /// Witness stack items (BIP-141); empty for legacy inputs.
    pub witness: Vec<Vec<u8>>,
}

/// A transaction output.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct TxOut {
    /// Value in satoshis (the raw field: may exceed `MAX_MONEY` in hostile input).
    pub value: Amount,
    /// The locking script.
    pub script_pubkey: Vec<u8>,
}

impl TxOut {
    /// Appends value ‖ CompactSize ‖ script.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.value.to_sat().to_le_bytes());
        write_var_bytes(out, &self.script_pubkey);
    }
    /// The serialization on its own (what PSBT `witness_utxo` holds and BIP-341 hashes).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(9 + self.script_pubkey.len());
        self.encode_into(&mut out);
        out
    }
    /// Reads one output.
    pub fn decode_from(r: &mut Reader<'_>) -> Result<TxOut, DecodeError> {
        Ok(TxOut { value: Amount::from_sat(r.u64_le()?), script_pubkey: r.var_bytes()?.to_vec() })
    }
    /// Parses exactly one serialized output.
    pub fn from_bytes(bytes: &[u8]) -> Result<TxOut, DecodeError> {
        let mut r = Reader::new(bytes);
        let out = Self::decode_from(&mut r)?;
        r.finish()?;
        Ok(out)
    }
}

/// A Bitcoin transaction.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Transaction {
    /// nVersion (1 or 2 in practice; signed in Core).
    pub version: i32,
    /// Inputs.
    pub inputs: Vec<TxIn>,
    /// Outputs.
    pub outputs: Vec<TxOut>,
    /// nLockTime.
    pub lock_time: u32,
}

/// Smallest serialized input (36 + 1 + 4) and output (8 + 1): bounds claimed counts.
const MIN_TXIN_LEN: usize = 41;
const MIN_TXOUT_LEN: usize = 9;

impl Transaction {
    /// Parses a transaction in either form (BIP-144 marker `00 01` means segwit), with no
    /// bytes left over.
    pub fn from_bytes(bytes: &[u8]) -> Result<Transaction, DecodeError> {
        let mut r = Reader::new(bytes);
        let tx = Self::decode_from(&mut r, true)?;
        r.finish()?;
        Ok(tx)
    }

    /// Parses the legacy form only: a leading zero input count is a transaction with no
    /// inputs (how a PSBT's unsigned transaction must be read, BIP-174).
    pub fn from_bytes_no_witness(bytes: &[u8]) -> Result<Transaction, DecodeError> {
        let mut r = Reader::new(bytes);
        let tx = Self::decode_from(&mut r, false)?;
        r.finish()?;
        Ok(tx)
    }

    /// Reads a transaction from `r`, following Core's `UnserializeTransaction`.
    pub fn decode_from(r: &mut Reader<'_>, allow_witness: bool) -> Result<Transaction, DecodeError> {
        let version = r.i32_le()?;
        let mut inputs = Self::decode_inputs(r)?;
        let mut flags = 0u8;
        let outputs;
        if inputs.is_empty() && allow_witness {
            flags = r.u8()?;
            if flags != 0 {
                inputs = Self::decode_inputs(r)?;
                outputs = Self::decode_outputs(r)?;
            } else {
                outputs = Vec::new();
            }
        } else {
            outputs = Self::decode_outputs(r)?;
        }
        if flags & 1 != 0 {
            flags ^= 1;
            for input in &mut inputs {
                input.witness = r.witness()?;
            }
            if inputs.iter().all(|i| i.witness.is_empty()) {
                return Err(DecodeError::BadWitnessFlag);
            }
        }
        if flags != 0 {
            return Err(DecodeError::BadWitnessFlag);
        }
        let lock_time = r.u32_le()?;
        Ok(Transaction { version, inputs, outputs, lock_time })
    }

    fn decode_inputs(r: &mut Reader<'_>) -> Result<Vec<TxIn>, DecodeError> {
        let n = r.count(MIN_TXIN_LEN)?;
        let mut inputs = Vec::with_capacity(n);
        for _ in 0..n {
            let previous_output = OutPoint::decode_from(r)?;
            let script_sig = r.var_bytes()?.to_vec();
            let sequence = r.u32_le()?;
            inputs.push(TxIn { previous_output, script_sig, sequence, witness: Vec::new() });
        }
        Ok(inputs)
    }

    fn decode_outputs(r: &mut Reader<'_>) -> Result<Vec<TxOut>, DecodeError> {
        let n = r.count(MIN_TXOUT_LEN)?;
        let mut outputs = Vec::with_capacity(n);
        for _ in 0..n {
            outputs.push(TxOut::decode_from(r)?);
        }
        Ok(outputs)
    }

    /// Whether any input carries a witness (then [`Self::to_bytes`] uses the BIP-144 form).
    pub fn has_witness(&self) -> bool {
        self.inputs.iter().any(|i| !i.witness.is_empty())
    }

    /// The full serialization: BIP-144 form if any input has a witness, legacy otherwise.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.total_size());
        self.encode_into(&mut out, self.has_witness());
        out
    }

    /// The serialization without witnesses (what the txid hashes).
    pub fn to_bytes_no_witness(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.base_size());
        self.encode_into(&mut out, false);
        out
    }

    fn encode_into(&self, out: &mut Vec<u8>, witness: bool) {
        out.extend_from_slice(&self.version.to_le_bytes());
        if witness {
            out.extend_from_slice(&[0x00, 0x01]);
        }
        write_compact_size(out, self.inputs.len() as u64);
        for input in &self.inputs {
            input.previous_output.encode_into(out);
            write_var_bytes(out, &input.script_sig);
            out.extend_from_slice(&input.sequence.to_le_bytes());
        }
        write_compact_size(out, self.outputs.len() as u64);
        for output in &self.outputs {
            output.encode_into(out);
        }
        if witness {
            for input in &self.inputs {
                write_witness(out, &input.witness);
            }
        }
        out.extend_from_slice(&self.lock_time.to_le_bytes());
    }

    /// The transaction id: double SHA-256 of the serialization without witnesses.
    pub fn txid(&self) -> Txid {
        Txid(sha256d(&self.to_bytes_no_witness()))
    }

    /// The witness txid (BIP-141): equal to the txid when no input has a witness.
    pub fn wtxid(&self) -> Txid {
        Txid(sha256d(&self.to_bytes()))
    }

    fn var_len(bytes: &[u8]) -> usize {
        compact_size_len(bytes.len() as u64) + bytes.len()
    }

    /// Size in bytes without witness data.
    pub fn base_size(&self) -> usize {
        let inputs: usize = self.inputs.iter().map(|i| 40 + Self::var_len(&i.script_sig)).sum();
        let outputs: usize = self.outputs.iter().map(|o| 8 + Self::var_len(&o.script_pubkey)).sum();
        8 + compact_size_len(self.inputs.len() as u64) + inputs + compact_size_len(self.outputs.len() as u64) + outputs
    }

    /// Size in bytes of [`Self::to_bytes`].
    pub fn total_size(&self) -> usize {
        if !self.has_witness() {
            return self.base_size();
        }
        let witness: usize = self.inputs.iter().map(|i| witness_len(&i.witness)).sum();
        self.base_size() + 2 + witness
    }

    /// Weight units (BIP-141): base size × 3 + total size.
    pub fn weight(&self) -> usize {
        self.base_size() * 3 + self.total_size()
    }

    /// Virtual size in vbytes: weight / 4 rounded up.
    pub fn vsize(&self) -> usize {
        self.weight().div_ceil(4)
    }

    /// The sum of output values, or `None` if it overflows.
    pub fn output_total(&self) -> Option<Amount> {
        Amount::checked_sum(self.outputs.iter().map(|o| o.value))
    }
}
