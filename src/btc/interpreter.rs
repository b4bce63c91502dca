//! A small, strict script interpreter: enough of Bitcoin Script to judge the spends a
//! message proof (BIP-322) or a wallet produces — P2PKH, P2SH, P2WPKH, P2WSH, P2TR key and
//! script path, multisig, CHECKSIGADD, time locks and IF/ELSE branches — under every
//! policy rule Core calls standard (strict DER, low S, minimal pushes and IFs, NULLFAIL,
//! NULLDUMMY, clean stack, compressed keys in segwit).
//!
//! It never says yes to what it does not understand: an opcode outside its set, a NOP kept
//! for upgrades, an unknown witness version or tapscript leaf gives
//! [`Verdict::Inconclusive`], never [`Verdict::Valid`]. Chain state (whether a time lock
//! has passed) is not judged: CLTV and CSV are checked against the transaction's own
//! nLockTime and nSequence, as consensus does.

use super::hash::{hash160, sha256, sha256d};
use super::psbt::taproot::output_key;
use super::script::{next_instruction, Instruction};
use super::sighash::{tapleaf_hash, SighashCache, TaprootSpend};
use super::tx::TxOut;
use k256::PublicKey;

/// What the interpreter concluded about one input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The input's scripts are satisfied under consensus and standardness rules.
    Valid,
    /// A rule failed: a bad signature, a wrong key, a malformed push, a dirty stack.
    Invalid(&'static str),
    /// The scripts use something this interpreter does not judge.
    Inconclusive(&'static str),
}

type Res<T> = Result<T, Verdict>;

fn invalid<T>(why: &'static str) -> Res<T> {
    Err(Verdict::Invalid(why))
}
fn unknown<T>(why: &'static str) -> Res<T> {
    Err(Verdict::Inconclusive(why))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SigVersion {
    Base,
    WitnessV0,
    Tapscript { leaf_hash: [u8; 32] },
}

/// Hash types a signature may use. BIP-322 allows only SIGHASH_ALL (and taproot's
/// DEFAULT); a wallet judging its own spends wants the same.
const SIGHASH_ALL: u8 = 0x01;

/// Judges input `index` of the transaction in `cache`, spending `spent[index]`.
/// `spent` must hold the output every input spends (taproot signatures commit to all).
pub fn verify_input(cache: &mut SighashCache<'_>, index: usize, spent: &[TxOut]) -> Verdict {
    match verify(cache, index, spent) {
        Ok(()) => Verdict::Valid,
        Err(v) => v,
    }
}

fn verify(cache: &mut SighashCache<'_>, index: usize, spent: &[TxOut]) -> Res<()> {
    let tx = cache.transaction();
    let input = tx.inputs.get(index).ok_or(Verdict::Invalid("no such input"))?;
    let prevout = spent.get(index).ok_or(Verdict::Invalid("no spent output for this input"))?;
    if spent.len() != tx.inputs.len() {
        return invalid("spent outputs do not match the inputs");
    }
    let script_sig = &input.script_sig;
    let spk = &prevout.script_pubkey;
    let ctx = Ctx { index, spent };
    // SCRIPT_VERIFY_SIGPUSHONLY is policy for every input.
    let mut stack = Vec::new();
    run(cache, &ctx, script_sig, &mut stack, SigVersion::Base, true)?;
    let p2sh_stack = stack.clone();
    if let Some((version, program)) = witness_program(spk) {
        if !script_sig.is_empty() {
            return invalid("native witness spend with a scriptSig");
        }
        return verify_witness(cache, &ctx, version, program, &input.witness, false);
    }
    run(cache, &ctx, spk, &mut stack, SigVersion::Base, false)?;
    if !top_true(&stack) {
        return invalid("script evaluated to false");
    }
    if let [0xa9, 20, hash @ .., 0x87] = spk.as_slice() {
        if hash.len() == 20 {
            let mut stack = p2sh_stack;
            let redeem = stack.pop().ok_or(Verdict::Invalid("P2SH without a redeem script"))?;
            if hash160(&redeem) != hash[..] {
                return invalid("redeem script does not match the P2SH hash");
            }
            if let Some((version, program)) = witness_program(&redeem) {
                // BIP-141: the scriptSig must be exactly one push of the program.
                if script_sig.len() != redeem.len() + 1 || script_sig[0] as usize != redeem.len() {
                    return invalid("P2SH-wrapped witness with extra scriptSig data");
                }
                return verify_witness(cache, &ctx, version, program, &input.witness, true);
            }
            run(cache, &ctx, &redeem, &mut stack, SigVersion::Base, false)?;
            return clean(&stack, &input.witness);
        }
    }
    clean(&stack, &input.witness)
}

fn clean(stack: &[Vec<u8>], witness: &[Vec<u8>]) -> Res<()> {
    if !witness.is_empty() {
        return invalid("witness on a non-witness spend");
    }
    if stack.len() != 1 || !top_true(stack) {
        return invalid("stack not clean (CLEANSTACK) or false");
    }
    Ok(())
}

struct Ctx<'s> {
    index: usize,
    spent: &'s [TxOut],
}

fn witness_program(script: &[u8]) -> Option<(u8, &[u8])> {
    match script {
        [op, len, program @ ..] if usize::from(*len) == program.len() && (2..=40).contains(&program.len()) => {
            match op {
                0x00 => Some((0, program)),
                0x51..=0x60 => Some((op - 0x50, program)),
                _ => None,
            }
        }
        _ => None,
    }
}

fn top_true(stack: &[Vec<u8>]) -> bool {
    stack.last().is_some_and(|v| cast_bool(v))
}

fn cast_bool(v: &[u8]) -> bool {
    v.iter().enumerate().any(|(i, &b)| b != 0 && !(i == v.len() - 1 && b == 0x80))
}

fn verify_witness(
    cache: &mut SighashCache<'_>,
    ctx: &Ctx<'_>,
    version: u8,
    program: &[u8],
    witness: &[Vec<u8>],
    wrapped: bool,
) -> Res<()> {
    match (version, program.len()) {
        (0, 20) => {
            if witness.len() != 2 {
                return invalid("P2WPKH witness must be a signature and a key");
            }
            let code = [&[0x76, 0xa9, 0x14][..], program, &[0x88, 0xac]].concat();
            let mut stack = witness.to_vec();
            run(cache, ctx, &code, &mut stack, SigVersion::WitnessV0, false)?;
            witness_clean(&stack)
        }
        (0, 32) => {
            let (script, items) = witness.split_last().ok_or(Verdict::Invalid("empty P2WSH witness"))?;
            if sha256(script) != program {
                return invalid("witness script does not match the P2WSH hash");
            }
            let mut stack = items.to_vec();
            run(cache, ctx, script, &mut stack, SigVersion::WitnessV0, false)?;
            witness_clean(&stack)
        }
        (0, _) => invalid("witness v0 program of a wrong length"),
        (1, 32) if !wrapped => verify_taproot(cache, ctx, program, witness),
        _ => unknown("witness version or program this interpreter does not judge"),
    }
}

fn witness_clean(stack: &[Vec<u8>]) -> Res<()> {
    if stack.len() != 1 || !top_true(stack) {
        return invalid("witness stack not clean or false");
    }
    Ok(())
}

fn verify_taproot(cache: &mut SighashCache<'_>, ctx: &Ctx<'_>, program: &[u8], witness: &[Vec<u8>]) -> Res<()> {
    let mut items: &[Vec<u8>] = witness;
    let mut annex = None;
    if items.len() >= 2 && items.last().and_then(|a| a.first()) == Some(&0x50) {
        annex = items.last().map(|a| a.as_slice());
        items = &items[..items.len() - 1];
    }
    match items {
        [] => invalid("empty taproot witness"),
        [sig] => {
            let msg = |cache: &mut SighashCache<'_>, t| {
                cache.taproot(ctx.index, ctx.spent, t, TaprootSpend::KeyPath { annex })
            };
            check_schnorr(cache, program, sig, msg)?
                .then_some(())
                .ok_or(Verdict::Invalid("taproot key-path signature invalid"))
        }
        [args @ .., script, control] => {
            if control.len() < 33 || (control.len() - 33) % 32 != 0 || control.len() > 33 + 128 * 32 {
                return invalid("taproot control block of a bad length");
            }
            let leaf_version = control[0] & 0xfe;
            let leaf_hash = tapleaf_hash(leaf_version, script);
            let root = super::sighash::merkle_root_from_path(leaf_hash, &control[33..])
                .ok_or(Verdict::Invalid("bad control block"))?;
            let internal: [u8; 32] = control[1..33].try_into().unwrap_or([0; 32]);
            let (q_x, q_parity) = output_key(&internal, Some(&root)).ok_or(Verdict::Invalid("bad internal key"))?;
            if q_x[..] != program[..] || q_parity != control[0] & 1 {
                return invalid("taproot commitment does not match the output key");
            }
            if leaf_version != 0xc0 {
                return unknown("taproot leaf version other than 0xc0");
            }
            let mut stack = args.to_vec();
            // BIP-342's signature budget: 50 + witness size, 50 spent per signature checked.
            let budget = 50 + super::encoding::witness_len(witness) as i64;
            let mut run_ctx = TapCtx { annex, budget };
            run_tapscript(cache, ctx, script, &mut stack, leaf_hash, &mut run_ctx)?;
            witness_clean(&stack)
        }
    }
}

struct TapCtx<'a> {
    annex: Option<&'a [u8]>,
    budget: i64,
}

fn run_tapscript(
    cache: &mut SighashCache<'_>,
    ctx: &Ctx<'_>,
    script: &[u8],
    stack: &mut Vec<Vec<u8>>,
    leaf_hash: [u8; 32],
    tap: &mut TapCtx<'_>,
) -> Res<()> {
    // OP_SUCCESSx anywhere makes the script succeed unconditionally: not ours to bless.
    let mut pos = 0;
    while pos < script.len() {
        match next_instruction(script, &mut pos) {
            Some(Instruction::Op(op)) if is_op_success(op) => return unknown("OP_SUCCESS in tapscript"),
            Some(_) => {}
            None => return invalid("truncated push in tapscript"),
        }
    }
    if stack.len() > 1000 {
        return invalid("stack too large");
    }
    Exec {
        cache,
        ctx,
        sigversion: SigVersion::Tapscript { leaf_hash },
        tap: Some(tap),
        script_code: Vec::new(),
        digests: Vec::new(),
    }
    .run(script, stack, false)
}

fn is_op_success(op: u8) -> bool {
    matches!(op, 80 | 98 | 126..=129 | 131..=134 | 137..=138 | 141..=142 | 149..=153 | 187..=254)
}

fn run(
    cache: &mut SighashCache<'_>,
    ctx: &Ctx<'_>,
    script: &[u8],
    stack: &mut Vec<Vec<u8>>,
    sigversion: SigVersion,
    push_only: bool,
) -> Res<()> {
    Exec { cache, ctx, sigversion, tap: None, script_code: Vec::new(), digests: Vec::new() }
        .run(script, stack, push_only)
}

struct Exec<'c, 'a, 's, 't, 'u> {
    cache: &'c mut SighashCache<'a>,
    ctx: &'s Ctx<'s>,
    sigversion: SigVersion,
    tap: Option<&'t mut TapCtx<'u>>,
    /// The script being run: what legacy and BIP-143 signatures commit to (no separators).
    script_code: Vec<u8>,
    /// ECDSA digests of `script_code` by hash type, so CHECKMULTISIG hashes once.
    digests: Vec<(u8, [u8; 32])>,
}

/// Script numbers: little-endian sign-magnitude, minimally encoded, at most `max_len` bytes.
fn num(v: &[u8], max_len: usize) -> Res<i64> {
    if v.len() > max_len {
        return invalid("number too long");
    }
    if let Some(&last) = v.last() {
        if last & 0x7f == 0 && (v.len() == 1 || v[v.len() - 2] & 0x80 == 0) {
            return invalid("non-minimal number");
        }
    }
    let mut n: i64 = 0;
    for (i, &b) in v.iter().enumerate() {
        n |= i64::from(b) << (8 * i);
    }
    if let Some(&last) = v.last() {
        if last & 0x80 != 0 {
            n &= !(0x80i64 << (8 * (v.len() - 1)));
            n = -n;
        }
    }
    Ok(n)
}

fn encode_num(n: i64) -> Vec<u8> {
    if n == 0 {
        return Vec::new();
    }
    let neg = n < 0;
    let mut abs = n.unsigned_abs();
    let mut out = Vec::new();
    while abs > 0 {
        out.push((abs & 0xff) as u8);
        abs >>= 8;
    }
    if out.last().is_some_and(|&b| b & 0x80 != 0) {
        out.push(if neg { 0x80 } else { 0 });
    } else if neg {
        if let Some(last) = out.last_mut() {
            *last |= 0x80;
        }
    }
    out
}

fn minimal_push(opcode: u8, data: &[u8]) -> bool {
    match data.len() {
        0 => opcode == 0x00,
        1 if (1..=16).contains(&data[0]) || data[0] == 0x81 => false,
        n if n <= 75 => usize::from(opcode) == n,
        n if n <= 255 => opcode == 0x4c,
        n if n <= 65535 => opcode == 0x4d,
        _ => true,
    }
}

impl Exec<'_, '_, '_, '_, '_> {
    fn run(&mut self, script: &[u8], stack: &mut Vec<Vec<u8>>, push_only: bool) -> Res<()> {
        if !matches!(self.sigversion, SigVersion::Tapscript { .. }) && script.len() > 10_000 {
            return invalid("script too large");
        }
        self.script_code = script.to_vec();
        self.digests.clear();
        let mut exec: Vec<bool> = Vec::new();
        let mut pos = 0;
        let mut ops = 0;
        while pos < script.len() {
            let start = pos;
            let ins = next_instruction(script, &mut pos).ok_or(Verdict::Invalid("push past the end of the script"))?;
            let executing = exec.iter().all(|&b| b);
            match ins {
                Instruction::Push(data) => {
                    if data.len() > 520 {
                        return invalid("push larger than 520 bytes");
                    }
                    if executing {
                        if !minimal_push(script[start], data) {
                            return invalid("non-minimal push (MINIMALDATA)");
                        }
                        stack.push(data.to_vec());
                    }
                }
                Instruction::Op(op) => {
                    if push_only && op > 0x60 {
                        return invalid("scriptSig is not push-only");
                    }
                    if op > 0x60 && !matches!(self.sigversion, SigVersion::Tapscript { .. }) {
                        ops += 1;
                        if ops > 201 {
                            return invalid("too many opcodes");
                        }
                    }
                    if matches!(op, 0x7e..=0x81 | 0x83..=0x86 | 0x8d | 0x8e | 0x95..=0x99) {
                        return invalid("disabled opcode");
                    }
                    if op == 0xab {
                        return invalid("OP_CODESEPARATOR is forbidden here");
                    }
                    match op {
                        0x63 | 0x64 => {
                            let mut value = false;
                            if executing {
                                let top = stack.pop().ok_or(Verdict::Invalid("IF on an empty stack"))?;
                                if self.sigversion != SigVersion::Base && !(top.is_empty() || top == [1]) {
                                    return invalid("IF argument not minimal (MINIMALIF)");
                                }
                                value = cast_bool(&top) == (op == 0x63);
                            }
                            exec.push(value);
                        }
                        0x67 => {
                            let last = exec.last_mut().ok_or(Verdict::Invalid("ELSE without IF"))?;
                            *last = !*last;
                        }
                        0x68 => {
                            exec.pop().ok_or(Verdict::Invalid("ENDIF without IF"))?;
                        }
                        _ if !executing => {}
                        _ => self.op(op, stack)?,
                    }
                }
            }
            if stack.len() > 1000 {
                return invalid("stack too large");
            }
        }
        if !exec.is_empty() {
            return invalid("IF without ENDIF");
        }
        Ok(())
    }

    fn op(&mut self, op: u8, stack: &mut Vec<Vec<u8>>) -> Res<()> {
        fn pop(stack: &mut Vec<Vec<u8>>) -> Res<Vec<u8>> {
            stack.pop().ok_or(Verdict::Invalid("stack underflow"))
        }
        let tapscript = matches!(self.sigversion, SigVersion::Tapscript { .. });
        match op {
            0x00 => stack.push(Vec::new()),
            0x4f => stack.push(vec![0x81]),
            0x51..=0x60 => stack.push(vec![op - 0x50]),
            0x61 => {}
            0x69 => {
                if !cast_bool(&pop(stack)?) {
                    return invalid("VERIFY failed");
                }
            }
            0x6a => return invalid("OP_RETURN"),
            0x75 => {
                pop(stack)?;
            }
            0x6d => {
                pop(stack)?;
                pop(stack)?;
            }
            0x76 => {
                let top = stack.last().cloned().ok_or(Verdict::Invalid("stack underflow"))?;
                stack.push(top);
            }
            0x7c => {
                let n = stack.len();
                if n < 2 {
                    return invalid("stack underflow");
                }
                stack.swap(n - 1, n - 2);
            }
            0x82 => {
                let len = stack.last().ok_or(Verdict::Invalid("stack underflow"))?.len();
                stack.push(encode_num(len as i64));
            }
            0x87 | 0x88 => {
                let (a, b) = (pop(stack)?, pop(stack)?);
                if op == 0x88 {
                    if a != b {
                        return invalid("EQUALVERIFY failed");
                    }
                } else {
                    stack.push(if a == b { vec![1] } else { Vec::new() });
                }
            }
            0x9c | 0x9d => {
                let (a, b) = (num(&pop(stack)?, 4)?, num(&pop(stack)?, 4)?);
                if op == 0x9d {
                    if a != b {
                        return invalid("NUMEQUALVERIFY failed");
                    }
                } else {
                    stack.push(if a == b { vec![1] } else { Vec::new() });
                }
            }
            0xa6 => {
                let v = pop(stack)?;
                stack.push(
                    ripemd::Digest::finalize(<ripemd::Ripemd160 as ripemd::Digest>::new_with_prefix(&v)).to_vec(),
                );
            }
            0xa8 => {
                let v = pop(stack)?;
                stack.push(sha256(&v).to_vec());
            }
            0xa9 => {
                let v = pop(stack)?;
                stack.push(hash160(&v).to_vec());
            }
            0xaa => {
                let v = pop(stack)?;
                stack.push(sha256d(&v).to_vec());
            }
            0xac | 0xad => {
                let key = pop(stack)?;
                let sig = pop(stack)?;
                let ok = self.checksig(&sig, &key)?;
                if op == 0xad {
                    if !ok {
                        return invalid("CHECKSIGVERIFY failed");
                    }
                } else {
                    stack.push(if ok { vec![1] } else { Vec::new() });
                }
            }
            0xba if tapscript => {
                let key = pop(stack)?;
                let n = num(&pop(stack)?, 4)?;
                let sig = pop(stack)?;
                let ok = self.checksig(&sig, &key)?;
                stack.push(encode_num(n + i64::from(ok)));
            }
            0xae | 0xaf if !tapscript => {
                let ok = self.checkmultisig(stack)?;
                if op == 0xaf {
                    if !ok {
                        return invalid("CHECKMULTISIGVERIFY failed");
                    }
                } else {
                    stack.push(if ok { vec![1] } else { Vec::new() });
                }
            }
            0xb1 => self.check_lock_time(stack)?,
            0xb2 => self.check_sequence(stack)?,
            0xb0 | 0xb3..=0xb9 => return unknown("NOP reserved for upgrades"),
            _ => return unknown("opcode this interpreter does not judge"),
        }
        Ok(())
    }

    fn check_lock_time(&self, stack: &[Vec<u8>]) -> Res<()> {
        let n = num(stack.last().ok_or(Verdict::Invalid("stack underflow"))?, 5)?;
        if n < 0 {
            return invalid("negative lock time");
        }
        let tx = self.cache.transaction();
        let lock = i64::from(tx.lock_time);
        const THRESHOLD: i64 = 500_000_000;
        if (n < THRESHOLD) != (lock < THRESHOLD) || n > lock {
            return invalid("CHECKLOCKTIMEVERIFY not satisfied by nLockTime");
        }
        if tx.inputs[self.ctx.index].sequence == 0xffff_ffff {
            return invalid("CHECKLOCKTIMEVERIFY on a final input");
        }
        Ok(())
    }

    fn check_sequence(&self, stack: &[Vec<u8>]) -> Res<()> {
        let n = num(stack.last().ok_or(Verdict::Invalid("stack underflow"))?, 5)?;
        if n < 0 {
            return invalid("negative sequence");
        }
        const DISABLE: i64 = 1 << 31;
        const TYPE: i64 = 1 << 22;
        const MASK: i64 = TYPE | 0xffff;
        if n & DISABLE != 0 {
            return unknown("CHECKSEQUENCEVERIFY with the disable flag (upgradable NOP)");
        }
        let tx = self.cache.transaction();
        let seq = i64::from(tx.inputs[self.ctx.index].sequence);
        if tx.version < 2 || seq & DISABLE != 0 {
            return invalid("CHECKSEQUENCEVERIFY needs version 2 and an enabled nSequence");
        }
        let (a, b) = (n & MASK, seq & MASK);
        if (a < TYPE) != (b < TYPE) || a > b {
            return invalid("CHECKSEQUENCEVERIFY not satisfied by nSequence");
        }
        Ok(())
    }

    fn checksig(&mut self, sig: &[u8], key: &[u8]) -> Res<bool> {
        match self.sigversion {
            SigVersion::Tapscript { leaf_hash } => {
                let tap = self.tap.as_mut().ok_or(Verdict::Invalid("tapscript context missing"))?;
                if !sig.is_empty() {
                    tap.budget -= 50;
                    if tap.budget < 0 {
                        return invalid("tapscript signature budget exceeded");
                    }
                }
                if key.is_empty() {
                    return invalid("empty public key in tapscript");
                }
                if key.len() != 32 {
                    return unknown("unknown tapscript public key type");
                }
                if sig.is_empty() {
                    return Ok(false);
                }
                let annex = tap.annex;
                let index = self.ctx.index;
                let spent = self.ctx.spent;
                let spend = TaprootSpend::ScriptPath { annex, leaf_hash, codesep_pos: 0xffff_ffff };
                let ok = check_schnorr(self.cache, key, sig, |c, t| c.taproot(index, spent, t, spend))?;
                if !ok {
                    return invalid("tapscript signature invalid");
                }
                Ok(true)
            }
            _ => self.check_ecdsa(sig, key),
        }
    }

    fn check_ecdsa(&mut self, sig: &[u8], key: &[u8]) -> Res<bool> {
        let Some(prepared) = self.prepare_ecdsa(sig)? else {
            // Core checks the key's encoding even for an empty signature.
            self.check_pubkey(key)?;
            return Ok(false);
        };
        if !self.verify_ecdsa(key, &prepared)? {
            return invalid("ECDSA signature does not verify (NULLFAIL)");
        }
        Ok(true)
    }

    /// A signature's own checks (Core's `CheckSignatureEncoding`, and CONST_SCRIPTCODE) and
    /// the digest it signs: done once per signature, however many keys it is tried on.
    /// `None`: the empty signature, which checks nothing.
    fn prepare_ecdsa(&mut self, sig: &[u8]) -> Res<Option<PreparedSig>> {
        if sig.is_empty() {
            return Ok(None);
        }
        // CONST_SCRIPTCODE: a legacy script containing its own signature would need
        // FindAndDelete, which BIP-322 forbids.
        if self.sigversion == SigVersion::Base && contains_push(&self.script_code, sig) {
            return invalid("signature inside the script it signs (FindAndDelete)");
        }
        if !strict_der(sig) {
            return invalid("signature not strict DER");
        }
        let hash_type = sig[sig.len() - 1];
        if hash_type != SIGHASH_ALL {
            return invalid("signature hash type other than SIGHASH_ALL");
        }
        let Ok(der) = k256::ecdsa::Signature::from_der(&sig[..sig.len() - 1]) else {
            return invalid("signature r or s out of range");
        };
        if der.normalize_s().is_some() {
            return invalid("signature S not low (LOW_S)");
        }
        let digest = self.ecdsa_digest(hash_type)?;
        Ok(Some(PreparedSig { der, digest }))
    }

    /// Whether a prepared signature is by `key`; a key of a bad encoding is an error
    /// (Core's `CheckPubKeyEncoding`: compressed only in segwit).
    fn verify_ecdsa(&self, key: &[u8], sig: &PreparedSig) -> Res<bool> {
        self.check_pubkey(key)?;
        Ok(PublicKey::from_sec1_bytes(key)
            .map(|k| super::ecverify::ecdsa_verify_prehash(k.as_affine(), &sig.digest, &sig.der))
            .unwrap_or(false))
    }

    /// Core's `CheckPubKeyEncoding` under STRICTENC and WITNESS_PUBKEYTYPE: 33-byte
    /// compressed keys, or 65-byte uncompressed ones outside segwit.
    fn check_pubkey(&self, key: &[u8]) -> Res<()> {
        match (key.len(), key.first()) {
            (33, Some(2 | 3)) => Ok(()),
            (65, Some(4)) if self.sigversion == SigVersion::Base => Ok(()),
            _ => invalid("public key not compressed (or malformed)"),
        }
    }

    /// The legacy or BIP-143 digest for `hash_type`, computed once per script run.
    fn ecdsa_digest(&mut self, hash_type: u8) -> Res<[u8; 32]> {
        if let Some(&(_, d)) = self.digests.iter().find(|(t, _)| *t == hash_type) {
            return Ok(d);
        }
        let index = self.ctx.index;
        let result = match self.sigversion {
            SigVersion::Base => self.cache.legacy(index, &self.script_code, u32::from(hash_type)),
            _ => self.cache.segwit_v0(index, &self.script_code, self.ctx.spent[index].value, u32::from(hash_type)),
        };
        let digest = result.map_err(|_| Verdict::Invalid("signature hash failed"))?;
        self.digests.push((hash_type, digest));
        Ok(digest)
    }

    fn checkmultisig(&mut self, stack: &mut Vec<Vec<u8>>) -> Res<bool> {
        fn pop(stack: &mut Vec<Vec<u8>>) -> Res<Vec<u8>> {
            stack.pop().ok_or(Verdict::Invalid("stack underflow"))
        }
        let n = num(&pop(stack)?, 4)?;
        if !(0..=20).contains(&n) {
            return invalid("CHECKMULTISIG key count out of range");
        }
        let keys: Vec<Vec<u8>> = (0..n).map(|_| pop(stack)).collect::<Res<_>>()?;
        let m = num(&pop(stack)?, 4)?;
        if m < 0 || m > n {
            return invalid("CHECKMULTISIG signature count out of range");
        }
        let sigs: Vec<Vec<u8>> = (0..m).map(|_| pop(stack)).collect::<Res<_>>()?;
        if !pop(stack)?.is_empty() {
            return invalid("CHECKMULTISIG dummy not empty (NULLDUMMY)");
        }
        // Keys and signatures were pushed in order, so popped they are reversed: walk both
        // from the first pushed, each signature matching a later key than the one before.
        let (mut k, mut s) = (0usize, 0usize);
        let (keys_in_order, sigs_in_order): (Vec<_>, Vec<_>) =
            (keys.iter().rev().collect(), sigs.iter().rev().collect());
        // The signature being matched, checked and hashed once for all the keys it meets
        // (`Some(None)`: an empty signature, which matches no key).
        let mut current: Option<Option<PreparedSig>> = None;
        while s < sigs_in_order.len() {
            if keys_in_order.len() - k < sigs_in_order.len() - s {
                break;
            }
            let prepared = match current {
                Some(ref p) => p,
                None => current.insert(self.prepare_ecdsa(sigs_in_order[s])?),
            };
            // A signature that fails against this key is tried on the next key (Core's loop),
            // and every key met has its encoding checked; NULLFAIL only bites if the whole
            // check fails with non-empty signatures.
            let matched = match prepared {
                Some(p) => self.verify_ecdsa(keys_in_order[k], p)?,
                None => {
                    self.check_pubkey(keys_in_order[k])?;
                    false
                }
            };
            if matched {
                s += 1;
                current = None;
            }
            k += 1;
        }
        let ok = s == sigs_in_order.len();
        if !ok && sigs.iter().any(|s| !s.is_empty()) {
            return invalid("CHECKMULTISIG failed with non-empty signatures (NULLFAIL)");
        }
        Ok(ok)
    }
}

/// An ECDSA signature past its encoding checks, with the digest it must sign.
struct PreparedSig {
    der: k256::ecdsa::Signature,
    digest: [u8; 32],
}

fn check_schnorr(
    cache: &mut SighashCache<'_>,
    key: &[u8],
    sig: &[u8],
    msg: impl FnOnce(&mut SighashCache<'_>, u8) -> Result<[u8; 32], super::sighash::SighashError>,
) -> Res<bool> {
    let (raw, hash_type) = match sig.len() {
        64 => (sig, 0u8),
        65 if sig[64] != 0 => (&sig[..64], sig[64]),
        _ => return invalid("schnorr signature of a bad length or hash type"),
    };
    if hash_type != 0 && hash_type != SIGHASH_ALL {
        return invalid("taproot hash type other than DEFAULT or ALL");
    }
    let digest = msg(cache, hash_type).map_err(|_| Verdict::Invalid("taproot signature hash failed"))?;
    if k256::schnorr::VerifyingKey::from_bytes(key).is_err() {
        return invalid("taproot key not on the curve");
    }
    // r ≥ p or s ≥ n is a signature that fails, not an error.
    Ok(super::ecverify::schnorr_verify(key, &digest, raw))
}

fn contains_push(script: &[u8], data: &[u8]) -> bool {
    let mut pos = 0;
    while let Some(i) = next_instruction(script, &mut pos) {
        if i == Instruction::Push(data) {
            return true;
        }
    }
    false
}

/// BIP-66 strict DER with a trailing hash type byte (Core's `IsValidSignatureEncoding`).
fn strict_der(sig: &[u8]) -> bool {
    let len = sig.len();
    if !(9..=73).contains(&len) || sig[0] != 0x30 || usize::from(sig[1]) != len - 3 {
        return false;
    }
    let len_r = usize::from(sig[3]);
    if 5 + len_r >= len {
        return false;
    }
    let len_s = usize::from(sig[5 + len_r]);
    if len_r + len_s + 7 != len || sig[2] != 0x02 || len_r == 0 || sig[4] & 0x80 != 0 {
        return false;
    }
    if len_r > 1 && sig[4] == 0 && sig[5] & 0x80 == 0 {
        return false;
    }
    if sig[len_r + 4] != 0x02 || len_s == 0 || sig[len_r + 6] & 0x80 != 0 {
        return false;
    }
    !(len_s > 1 && sig[len_r + 6] == 0 && sig[len_r + 7] & 0x80 == 0)
}
