//! Scripts: reading instructions, recognising the standard output forms, a builder, and
//! Bitcoin Core's ASM display.
//!
//! A script is plain bytes (`&[u8]`); nothing here executes it. Recognition follows Core's
//! `Solver` (script/solver.cpp) so what we call P2WPKH is what Core calls P2WPKH.

use super::hash::{hash160, sha256};
use core::fmt::Write as _;

/// Opcodes this module names (the rest are shown by [`opcode_name`]).
#[allow(missing_docs)]
pub mod op {
    pub const OP_0: u8 = 0x00;
    pub const OP_PUSHDATA1: u8 = 0x4c;
    pub const OP_PUSHDATA2: u8 = 0x4d;
    pub const OP_PUSHDATA4: u8 = 0x4e;
    pub const OP_1NEGATE: u8 = 0x4f;
    pub const OP_1: u8 = 0x51;
    pub const OP_16: u8 = 0x60;
    pub const OP_RETURN: u8 = 0x6a;
    pub const OP_DUP: u8 = 0x76;
    pub const OP_EQUAL: u8 = 0x87;
    pub const OP_EQUALVERIFY: u8 = 0x88;
    pub const OP_HASH160: u8 = 0xa9;
    pub const OP_CODESEPARATOR: u8 = 0xab;
    pub const OP_CHECKSIG: u8 = 0xac;
    pub const OP_CHECKMULTISIG: u8 = 0xae;
    pub const OP_CHECKSIGADD: u8 = 0xba;
}
use op::*;

/// One step of a script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Instruction<'a> {
    /// Data pushed by a direct push or OP_PUSHDATA1/2/4 (OP_0 pushes empty data).
    Push(&'a [u8]),
    /// Any other opcode.
    Op(u8),
}

/// Reads the instruction at `*pos` and advances past it, as Core's `GetScriptOp` does: on a
/// truncated push it returns `None` with `*pos` moved past what was read (the legacy sighash
/// depends on where a failed read stops).
pub fn next_instruction<'a>(script: &'a [u8], pos: &mut usize) -> Option<Instruction<'a>> {
    let opcode = *script.get(*pos)?;
    *pos += 1;
    let len = match opcode {
        0x00..=0x4b => usize::from(opcode),
        OP_PUSHDATA1 | OP_PUSHDATA2 | OP_PUSHDATA4 => {
            let width = match opcode {
                OP_PUSHDATA1 => 1,
                OP_PUSHDATA2 => 2,
                _ => 4,
            };
            let bytes = script.get(*pos..pos.checked_add(width)?)?;
            *pos += width;
            bytes.iter().rev().fold(0usize, |n, &b| n << 8 | usize::from(b))
        }
        _ => return Some(Instruction::Op(opcode)),
    };
    let data = script.get(*pos..pos.checked_add(len)?)?;
    *pos += len;
    Some(Instruction::Push(data))
}

/// Every instruction of `script`, or `None` if a push runs past its end.
pub fn instructions(script: &[u8]) -> Option<Vec<Instruction<'_>>> {
    let mut pos = 0;
    let mut out = Vec::new();
    while pos < script.len() {
        out.push(next_instruction(script, &mut pos)?);
    }
    Some(out)
}

/// What a scriptPubKey is, by Core's standard templates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScriptKind {
    /// `OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG`.
    P2pkh([u8; 20]),
    /// `OP_HASH160 <20> OP_EQUAL` (BIP-16).
    P2sh([u8; 20]),
    /// `OP_0 <20>` (BIP-141).
    P2wpkh([u8; 20]),
    /// `OP_0 <32>` (BIP-141).
    P2wsh([u8; 32]),
    /// `OP_1 <32>`: the x-only output key (BIP-341).
    P2tr([u8; 32]),
    /// Another witness version or program length (BIP-141: anyone can spend until defined).
    WitnessUnknown {
        /// Witness version 1–16.
        version: u8,
        /// The 2–40 byte program.
        program: Vec<u8>,
    },
    /// `<pubkey> OP_CHECKSIG` (pay to public key).
    P2pk(Vec<u8>),
    /// `OP_m <pubkey>... OP_n OP_CHECKMULTISIG` (bare multisig, 1 ≤ m ≤ n ≤ 16).
    Multisig {
        /// Signatures needed.
        required: u8,
        /// The public keys in script order.
        keys: Vec<Vec<u8>>,
    },
    /// `OP_RETURN` followed by pushes only: provably unspendable data.
    OpReturn(Vec<u8>),
    /// Anything else.
    NonStandard,
}

fn small_int(op: u8) -> Option<u8> {
    match op {
        OP_0 => Some(0),
        OP_1..=OP_16 => Some(op - OP_1 + 1),
        _ => None,
    }
}

fn is_pubkey(key: &[u8]) -> bool {
    matches!((key.len(), key.first()), (33, Some(2 | 3)) | (65, Some(4)))
}

impl ScriptKind {
    /// Recognises `script_pubkey`.
    pub fn of(script_pubkey: &[u8]) -> ScriptKind {
        match script_pubkey {
            [OP_DUP, OP_HASH160, 20, hash @ .., OP_EQUALVERIFY, OP_CHECKSIG] if hash.len() == 20 => {
                return ScriptKind::P2pkh(hash.try_into().unwrap_or_default())
            }
            [OP_HASH160, 20, hash @ .., OP_EQUAL] if hash.len() == 20 => {
                return ScriptKind::P2sh(hash.try_into().unwrap_or_default())
            }
            [version_op, len, program @ ..]
                if usize::from(*len) == program.len()
                    && (2..=40).contains(&program.len())
                    && (*version_op == OP_0 || (OP_1..=OP_16).contains(version_op)) =>
            {
                let version = small_int(*version_op).unwrap_or_default();
                return match (version, program.len()) {
                    (0, 20) => ScriptKind::P2wpkh(program.try_into().unwrap_or_default()),
                    (0, 32) => ScriptKind::P2wsh(program.try_into().unwrap_or_default()),
                    (0, _) => ScriptKind::NonStandard,
                    (1, 32) => ScriptKind::P2tr(program.try_into().unwrap_or_default()),
                    _ => ScriptKind::WitnessUnknown { version, program: program.to_vec() },
                };
            }
            [OP_RETURN, rest @ ..] => {
                if let Some(ins) = instructions(rest) {
                    let mut data = Vec::new();
                    for i in ins {
                        match i {
                            Instruction::Push(d) => data.extend_from_slice(d),
                            Instruction::Op(o) if o <= OP_16 && o != 0x50 => {}
                            Instruction::Op(_) => return ScriptKind::NonStandard,
                        }
                    }
                    return ScriptKind::OpReturn(data);
                }
                return ScriptKind::NonStandard;
            }
            _ => {}
        }
        let Some(ins) = instructions(script_pubkey) else { return ScriptKind::NonStandard };
        match ins.as_slice() {
            [Instruction::Push(key), Instruction::Op(OP_CHECKSIG)] if is_pubkey(key) => ScriptKind::P2pk(key.to_vec()),
            [Instruction::Op(m), keys @ .., Instruction::Op(n), Instruction::Op(OP_CHECKMULTISIG)] => {
                let (Some(m), Some(n)) = (small_int(*m), small_int(*n)) else { return ScriptKind::NonStandard };
                let keys: Option<Vec<Vec<u8>>> = keys
                    .iter()
                    .map(|k| match k {
                        Instruction::Push(k) if is_pubkey(k) => Some(k.to_vec()),
                        _ => None,
                    })
                    .collect();
                match keys {
                    Some(keys) if m >= 1 && m <= n && usize::from(n) == keys.len() => {
                        ScriptKind::Multisig { required: m, keys }
                    }
                    _ => ScriptKind::NonStandard,
                }
            }
            _ => ScriptKind::NonStandard,
        }
    }

    /// A short stable name: `p2pkh`, `p2sh`, `p2wpkh`, `p2wsh`, `p2tr`, `witness-unknown`,
    /// `p2pk`, `multisig`, `op-return`, `nonstandard`.
    pub fn name(&self) -> &'static str {
        match self {
            ScriptKind::P2pkh(_) => "p2pkh",
            ScriptKind::P2sh(_) => "p2sh",
            ScriptKind::P2wpkh(_) => "p2wpkh",
            ScriptKind::P2wsh(_) => "p2wsh",
            ScriptKind::P2tr(_) => "p2tr",
            ScriptKind::WitnessUnknown { .. } => "witness-unknown",
            ScriptKind::P2pk(_) => "p2pk",
            ScriptKind::Multisig { .. } => "multisig",
            ScriptKind::OpReturn(_) => "op-return",
            ScriptKind::NonStandard => "nonstandard",
        }
    }
}

/// Builds scripts with minimal pushes (BIP-62 rule 3, which standardness requires).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Builder(Vec<u8>);

impl Builder {
    /// An empty script.
    pub fn new() -> Self {
        Builder(Vec::new())
    }
    /// Appends an opcode.
    pub fn op(mut self, opcode: u8) -> Self {
        self.0.push(opcode);
        self
    }
    /// Appends a small integer 0–16 as OP_0..OP_16.
    pub fn int(self, n: u8) -> Self {
        match n {
            0 => self.op(OP_0),
            1..=16 => self.op(OP_1 + n - 1),
            _ => self.push(&[n]),
        }
    }
    /// Appends the smallest push of `data`.
    pub fn push(mut self, data: &[u8]) -> Self {
        match data {
            [] => self.0.push(OP_0),
            [n @ 1..=16] => self.0.push(OP_1 + n - 1),
            [0x81] => self.0.push(OP_1NEGATE),
            _ => {
                let n = data.len();
                if n < usize::from(OP_PUSHDATA1) {
                    self.0.push(n as u8);
                } else if n <= 0xff {
                    self.0.extend_from_slice(&[OP_PUSHDATA1, n as u8]);
                } else if n <= 0xffff {
                    self.0.push(OP_PUSHDATA2);
                    self.0.extend_from_slice(&(n as u16).to_le_bytes());
                } else {
                    self.0.push(OP_PUSHDATA4);
                    self.0.extend_from_slice(&(n as u32).to_le_bytes());
                }
                self.0.extend_from_slice(data);
            }
        }
        self
    }
    /// Appends a push of `data` exactly as given, without the small-number shortcuts (what
    /// scriptSigs and multisig scripts use for signatures and keys).
    pub fn push_slice(mut self, data: &[u8]) -> Self {
        if data.len() == 1 || data.is_empty() {
            if data.is_empty() {
                self.0.push(OP_0);
            } else {
                self.0.push(1);
                self.0.extend_from_slice(data);
            }
            return self;
        }
        self.push(data)
    }
    /// The script bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

/// `OP_DUP OP_HASH160 <hash160(pubkey)> OP_EQUALVERIFY OP_CHECKSIG`.
pub fn p2pkh(pubkey_hash: &[u8; 20]) -> Vec<u8> {
    Builder::new().op(OP_DUP).op(OP_HASH160).push(pubkey_hash).op(OP_EQUALVERIFY).op(OP_CHECKSIG).into_bytes()
}
/// `OP_HASH160 <hash160(redeem script)> OP_EQUAL`.
pub fn p2sh(script_hash: &[u8; 20]) -> Vec<u8> {
    Builder::new().op(OP_HASH160).push(script_hash).op(OP_EQUAL).into_bytes()
}
/// P2SH paying to `redeem_script`.
pub fn p2sh_of(redeem_script: &[u8]) -> Vec<u8> {
    p2sh(&hash160(redeem_script))
}
/// `OP_0 <20>`.
pub fn p2wpkh(pubkey_hash: &[u8; 20]) -> Vec<u8> {
    Builder::new().op(OP_0).push(pubkey_hash).into_bytes()
}
/// `OP_0 <sha256(witness script)>`.
pub fn p2wsh_of(witness_script: &[u8]) -> Vec<u8> {
    Builder::new().op(OP_0).push(&sha256(witness_script)).into_bytes()
}
/// `OP_1 <x-only output key>`.
pub fn p2tr(output_key: &[u8; 32]) -> Vec<u8> {
    Builder::new().op(OP_1).push(output_key).into_bytes()
}
/// `OP_m <keys...> OP_n OP_CHECKMULTISIG`; `None` unless 1 ≤ m ≤ n ≤ 16.
pub fn multisig(required: u8, keys: &[&[u8]]) -> Option<Vec<u8>> {
    let n = u8::try_from(keys.len()).ok()?;
    if required == 0 || required > n || n > 16 {
        return None;
    }
    let b = keys.iter().fold(Builder::new().int(required), |b, k| b.push_slice(k));
    Some(b.int(n).op(OP_CHECKMULTISIG).into_bytes())
}
/// The scriptCode BIP-143 signs for a P2WPKH output: the P2PKH script of the same hash.
pub fn p2wpkh_script_code(pubkey_hash: &[u8; 20]) -> Vec<u8> {
    p2pkh(pubkey_hash)
}

/// Core's opcode names (script.cpp `GetOpName`).
pub fn opcode_name(opcode: u8) -> &'static str {
    const NAMES: [&str; 0xbb - 0x4f] = [
        "OP_1NEGATE",
        "OP_RESERVED",
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "7",
        "8",
        "9",
        "10",
        "11",
        "12",
        "13",
        "14",
        "15",
        "16",
        "OP_NOP",
        "OP_VER",
        "OP_IF",
        "OP_NOTIF",
        "OP_VERIF",
        "OP_VERNOTIF",
        "OP_ELSE",
        "OP_ENDIF",
        "OP_VERIFY",
        "OP_RETURN",
        "OP_TOALTSTACK",
        "OP_FROMALTSTACK",
        "OP_2DROP",
        "OP_2DUP",
        "OP_3DUP",
        "OP_2OVER",
        "OP_2ROT",
        "OP_2SWAP",
        "OP_IFDUP",
        "OP_DEPTH",
        "OP_DROP",
        "OP_DUP",
        "OP_NIP",
        "OP_OVER",
        "OP_PICK",
        "OP_ROLL",
        "OP_ROT",
        "OP_SWAP",
        "OP_TUCK",
        "OP_CAT",
        "OP_SUBSTR",
        "OP_LEFT",
        "OP_RIGHT",
        "OP_SIZE",
        "OP_INVERT",
        "OP_AND",
        "OP_OR",
        "OP_XOR",
        "OP_EQUAL",
        "OP_EQUALVERIFY",
        "OP_RESERVED1",
        "OP_RESERVED2",
        "OP_1ADD",
        "OP_1SUB",
        "OP_2MUL",
        "OP_2DIV",
        "OP_NEGATE",
        "OP_ABS",
        "OP_NOT",
        "OP_0NOTEQUAL",
        "OP_ADD",
        "OP_SUB",
        "OP_MUL",
        "OP_DIV",
        "OP_MOD",
        "OP_LSHIFT",
        "OP_RSHIFT",
        "OP_BOOLAND",
        "OP_BOOLOR",
        "OP_NUMEQUAL",
        "OP_NUMEQUALVERIFY",
        "OP_NUMNOTEQUAL",
        "OP_LESSTHAN",
        "OP_GREATERTHAN",
        "OP_LESSTHANOREQUAL",
        "OP_GREATERTHANOREQUAL",
        "OP_MIN",
        "OP_MAX",
        "OP_WITHIN",
        "OP_RIPEMD160",
        "OP_SHA1",
        "OP_SHA256",
        "OP_HASH160",
        "OP_HASH256",
        "OP_CODESEPARATOR",
        "OP_CHECKSIG",
        "OP_CHECKSIGVERIFY",
        "OP_CHECKMULTISIG",
        "OP_CHECKMULTISIGVERIFY",
        "OP_NOP1",
        "OP_CHECKLOCKTIMEVERIFY",
        "OP_CHECKSEQUENCEVERIFY",
        "OP_NOP4",
        "OP_NOP5",
        "OP_NOP6",
        "OP_NOP7",
        "OP_NOP8",
        "OP_NOP9",
        "OP_NOP10",
        "OP_CHECKSIGADD",
    ];
    match opcode {
        0 => "0",
        OP_PUSHDATA1 => "OP_PUSHDATA1",
        OP_PUSHDATA2 => "OP_PUSHDATA2",
        OP_PUSHDATA4 => "OP_PUSHDATA4",
        0x4f..=0xba => NAMES[usize::from(opcode - 0x4f)],
        _ => "OP_UNKNOWN",
    }
}

/// Core's ASM form (`ScriptToAsmStr`): pushes of up to 4 bytes as numbers, longer as hex,
/// `[error]` where a push runs past the end.
pub fn to_asm(script: &[u8]) -> String {
    let mut out = String::new();
    let mut pos = 0;
    while pos < script.len() {
        if !out.is_empty() {
            out.push(' ');
        }
        match next_instruction(script, &mut pos) {
            None => {
                out.push_str("[error]");
                break;
            }
            Some(Instruction::Op(o)) => out.push_str(opcode_name(o)),
            Some(Instruction::Push(d)) if !d.is_empty() && d.len() <= 4 => {
                let _ = write!(out, "{}", script_num(d));
            }
            Some(Instruction::Push([])) => out.push('0'),
            Some(Instruction::Push(d)) => out.push_str(&super::encoding::to_hex(d)),
        }
    }
    out
}

/// A script number (little-endian, sign bit in the last byte) of at most 4 bytes.
fn script_num(d: &[u8]) -> i64 {
    let mut n: i64 = 0;
    for (i, &b) in d.iter().enumerate() {
        n |= i64::from(b) << (8 * i);
    }
    match d.last() {
        Some(&last) if last & 0x80 != 0 => -(n & !(0x80i64 << (8 * (d.len() - 1)))),
        _ => n,
    }
}
