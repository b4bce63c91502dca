//! What a signer shows before signing: every input's value and owner, every output's
//! address and whether it is our change, the fee and fee rate, and warnings.
//!
//! Which keys are ours is asked of a [`KeyOwner`] (the wallet answers from its master
//! fingerprint and account xpubs); this module holds no key. A key the owner claims makes an
//! output ours only if the output's script really is built from that key (derived here), so
//! a PSBT cannot pass a stranger's address off as our change by naming our path.

use super::taproot::{control_block_commits, output_key, tree_root, x_only};
use super::weight::estimated_weight;
use super::{Input, KeySource, Output, Psbt};
use crate::btc::amount::Amount;
use crate::btc::hash::hash160;
use crate::btc::script::{self, Instruction, ScriptKind};
use crate::btc::sighash::{is_default_sighash, SIGHASH_ANYONECANPAY, SIGHASH_SINGLE};
use crate::btc::{Address, Network};

/// Answers "is `pubkey` the key at `source` in our wallet?" `pubkey` is 33 or 65 bytes for
/// ECDSA keys, 32 (x-only) for taproot keys.
pub trait KeyOwner {
    /// Whether we hold the key.
    fn owns(&self, pubkey: &[u8], source: &KeySource) -> bool;
}

impl<F: Fn(&[u8], &KeySource) -> bool> KeyOwner for F {
    fn owns(&self, pubkey: &[u8], source: &KeySource) -> bool {
        self(pubkey, source)
    }
}

/// A fee rate above this many sat/vB is called absurd (Core's `-maxfeerate` default is
/// 10,000 sat/vB; wallets such as bitcoinjs-lib refuse above 5,000; no fee market has
/// needed 1,000).
pub const ABSURD_FEE_RATE: f64 = 1_000.0;
/// A fee above the amount sent and above this many satoshis is called absurd too.
pub const ABSURD_FEE_FLOOR: u64 = 100_000;

/// One input as the user sees it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InputReview {
    /// `txid:vout` of the coin spent.
    pub outpoint: String,
    /// Its value in satoshis, if the PSBT says (and its proofs agree).
    pub value: Option<u64>,
    /// `p2wpkh`, `p2tr`, … of the spent script (`unknown` without UTXO data).
    pub script_type: &'static str,
    /// The address spent from, if standard.
    pub address: Option<String>,
    /// Whether one of its keys is ours.
    pub ours: bool,
    /// Our key's derivation path, if ours.
    pub path: Option<String>,
    /// The sighash type requested, if any.
    pub sighash_type: Option<u32>,
    /// Signatures present (ECDSA partial signatures plus taproot ones).
    pub signatures: usize,
    /// Whether it is already finalized.
    pub finalized: bool,
}

/// One output as the user sees it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutputReview {
    /// Satoshis.
    pub value: u64,
    /// `p2wpkh`, `op-return`, ….
    pub script_type: &'static str,
    /// The address paid, if standard.
    pub address: Option<String>,
    /// Whether it pays a key of ours (verified by rebuilding the script from that key).
    pub ours: bool,
    /// Ours and on a change chain (path …/1/i).
    pub change: bool,
    /// Our key's derivation path, if ours.
    pub path: Option<String>,
}

/// Something the user should know before signing. `code` is stable (the page matches on it).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    /// `missing-utxo`, `utxo-mismatch`, `witness-utxo-only`, `non-default-sighash`,
    /// `sighash-single-without-output`, `absurd-fee`, `negative-fee`, `amount-overflow`,
    /// `unknown-size`, `mixed-networks`, `locktime-conflict`, `invalid-signature`,
    /// `duplicate-input`.
    pub code: &'static str,
    /// The input concerned, if one.
    pub input: Option<usize>,
    /// The output concerned, if one.
    pub output: Option<usize>,
    /// A sentence for the user.
    pub message: String,
}

/// Everything [`review`] found.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Review {
    /// PSBT version (0 or 2).
    pub version: u32,
    /// The network addresses are shown for.
    pub network: &'static str,
    /// The transaction id it will have (segwit inputs only keep it stable through signing).
    pub txid: Option<String>,
    /// nLockTime.
    pub lock_time: Option<u32>,
    /// Inputs in order.
    pub inputs: Vec<InputReview>,
    /// Outputs in order.
    pub outputs: Vec<OutputReview>,
    /// Sum of input values, when every one is known.
    pub total_in: Option<u64>,
    /// Sum of output values.
    pub total_out: Option<u64>,
    /// Sum of outputs that are not ours: what leaves the wallet besides the fee.
    pub sent: Option<u64>,
    /// total_in − total_out.
    pub fee: Option<u64>,
    /// Estimated virtual size once signed.
    pub estimated_vsize: Option<u64>,
    /// fee / estimated_vsize, in sat/vB.
    pub fee_rate: Option<f64>,
    /// Whether every input is finalized.
    pub complete: bool,
    /// Problems, worst first as found.
    pub warnings: Vec<Warning>,
}

fn warn(code: &'static str, input: Option<usize>, output: Option<usize>, message: String) -> Warning {
    Warning { code, input, output, message }
}

/// Whether `input` spends a segwit v0 output (natively or nested in P2SH).
fn is_segwit_v0(input: &Input, spk: &[u8]) -> bool {
    match ScriptKind::of(spk) {
        ScriptKind::P2wpkh(_) | ScriptKind::P2wsh(_) => true,
        ScriptKind::P2sh(_) => input
            .redeem_script
            .as_ref()
            .is_some_and(|r| matches!(ScriptKind::of(r), ScriptKind::P2wpkh(_) | ScriptKind::P2wsh(_))),
        _ => false,
    }
}

/// The source of our key among `keys` (ECDSA) that `spk` pays. The script is checked
/// first (hashing only); the owner, who may derive a key to answer, is asked only then.
fn our_ecdsa_key<'a>(
    keys: &'a std::collections::BTreeMap<Vec<u8>, KeySource>,
    spk: &[u8],
    redeem: Option<&Vec<u8>>,
    witness: Option<&Vec<u8>>,
    owner: &dyn KeyOwner,
) -> Option<&'a KeySource> {
    keys.iter()
        .filter(|(k, _)| script_pays_key(spk, k, redeem, witness))
        .find(|(k, s)| owner.owns(k, s))
        .map(|(_, s)| s)
}

/// Whether `spk` pays `key` alone (P2PKH, P2WPKH, P2SH-P2WPKH, BIP-86 P2TR) or a
/// multisig/witness script of the output that contains `key`.
fn script_pays_key(spk: &[u8], key: &[u8], redeem: Option<&Vec<u8>>, witness: Option<&Vec<u8>>) -> bool {
    let h = hash160(key);
    let compressed = key.len() == 33;
    if spk == script::p2pkh(&h)
        || (compressed && (spk == script::p2wpkh(&h) || spk == script::p2sh_of(&script::p2wpkh(&h))))
    {
        return true;
    }
    let contains = |s: &[u8]| match ScriptKind::of(s) {
        ScriptKind::Multisig { keys, .. } => keys.iter().any(|k| k == key),
        ScriptKind::P2pk(k) => k == key,
        _ => false,
    };
    if let Some(ws) = witness {
        let p2wsh = script::p2wsh_of(ws);
        if (spk == p2wsh || spk == script::p2sh_of(&p2wsh)) && contains(ws) {
            return true;
        }
    }
    redeem.is_some_and(|r| spk == script::p2sh_of(r) && contains(r))
}

/// The taproot key of ours that `spk` pays: its internal key (tweaked by the tree's root,
/// if any), or a key pushed in one of `leaves`, scripts the caller has checked are in the
/// output's tree. A key origin alone proves nothing: a PSBT may list our key beside a
/// stranger's output key to pass it off as our change.
fn taproot_ours<'a>(
    spk: &[u8],
    internal: Option<&[u8; 32]>,
    root: Option<[u8; 32]>,
    leaves: &[&[u8]],
    derivations: &'a std::collections::BTreeMap<[u8; 32], super::TapKeySource>,
    owner: &dyn KeyOwner,
) -> Option<&'a KeySource> {
    let ScriptKind::P2tr(q) = ScriptKind::of(spk) else { return None };
    let internal = internal?;
    if output_key(internal, root.as_ref()).map(|k| k.0) != Some(q) {
        return None;
    }
    let in_leaf = |x: &[u8; 32]| {
        leaves.iter().any(|s| script::instructions(s).is_some_and(|ins| ins.contains(&Instruction::Push(&x[..]))))
    };
    derivations
        .iter()
        .filter(|(x, _)| *x == internal || in_leaf(x))
        .find(|(x, s)| owner.owns(&x[..], &s.source))
        .map(|(_, s)| &s.source)
}

fn input_owner(input: &Input, spk: Option<&[u8]>, owner: &dyn KeyOwner) -> Option<String> {
    let spk = spk?;
    if let ScriptKind::P2tr(q) = ScriptKind::of(spk) {
        // Only leaves whose control blocks prove them part of this output count.
        let leaves: Vec<&[u8]> = input
            .tap_leaf_scripts
            .iter()
            .filter(|(cb, (script, version))| control_block_commits(cb, script, *version, &q))
            .map(|(_, (script, _))| script.as_slice())
            .collect();
        return taproot_ours(
            spk,
            input.tap_internal_key.as_ref(),
            input.tap_merkle_root,
            &leaves,
            &input.tap_bip32_derivation,
            owner,
        )
        .map(KeySource::path_string);
    }
    our_ecdsa_key(&input.bip32_derivation, spk, input.redeem_script.as_ref(), input.witness_script.as_ref(), owner)
        .map(KeySource::path_string)
}

fn output_owner<'a>(output: &'a Output, owner: &dyn KeyOwner) -> Option<&'a KeySource> {
    let spk = &output.script_pubkey;
    if matches!(ScriptKind::of(spk), ScriptKind::P2tr(_)) {
        // The tree's leaves are committed to by the root the output key is checked against.
        let root = match &output.tap_tree {
            Some(leaves) => Some(tree_root(leaves)?),
            None => None,
        };
        let leaves: Vec<&[u8]> = output.tap_tree.iter().flatten().map(|l| l.script.as_slice()).collect();
        return taproot_ours(spk, output.tap_internal_key.as_ref(), root, &leaves, &output.tap_bip32_derivation, owner);
    }
    our_ecdsa_key(&output.bip32_derivation, spk, output.redeem_script.as_ref(), output.witness_script.as_ref(), owner)
}

/// Mainnet and test-network version bytes of public extended keys (BIP-32, SLIP-132).
fn xpub_is_mainnet(xpub: &[u8; 78]) -> Option<bool> {
    const MAIN: [[u8; 4]; 5] = [
        [4, 0x88, 0xb2, 0x1e],
        [4, 0x9d, 0x7c, 0xb2],
        [4, 0xb2, 0x47, 0x46],
        [2, 0x95, 0xb4, 0x3f],
        [2, 0xaa, 0x7e, 0xd3],
    ];
    const TEST: [[u8; 4]; 5] = [
        [4, 0x35, 0x87, 0xcf],
        [4, 0x4a, 0x52, 0x62],
        [4, 0x5f, 0x1c, 0xf6],
        [2, 0x42, 0x89, 0xef],
        [2, 0x57, 0x54, 0x83],
    ];
    let v = [xpub[0], xpub[1], xpub[2], xpub[3]];
    if MAIN.contains(&v) {
        Some(true)
    } else if TEST.contains(&v) {
        Some(false)
    } else {
        None
    }
}

/// Whether a BIP-44-style path (purpose 44/48/49/84/86) names another network's coin type.
fn path_network_mismatch(source: &KeySource, network: Network) -> bool {
    const H: u32 = 0x8000_0000;
    match source.path.as_slice() {
        [purpose, coin, ..] if [44, 48, 49, 84, 86].iter().any(|p| *purpose == p | H) && *coin >= H => {
            let coin = coin - H;
            coin <= 1 && coin != network.coin_type()
        }
        _ => false,
    }
}

fn address_of(spk: &[u8], network: Network) -> Option<String> {
    Address::from_script(spk, network).map(|a| a.to_string())
}

/// Reviews `psbt` for a wallet on `network` whose keys `owner` recognises.
pub fn review(psbt: &Psbt, network: Network, owner: &dyn KeyOwner) -> Review {
    let mut warnings = Vec::new();
    // Built once: the spent outputs (each may hash a whole previous transaction) and the
    // unsigned transaction serve the amounts, the size, the signature checks and the txid.
    let spent = psbt.spent_outputs();
    let tx = psbt.unsigned_tx().ok();
    let mut inputs = Vec::with_capacity(psbt.inputs.len());
    for (i, (input, out)) in psbt.inputs.iter().zip(&spent).enumerate() {
        let spk = out.as_ref().map(|o| o.script_pubkey.as_slice());
        if input.non_witness_utxo.is_none() && input.witness_utxo.is_none() {
            warnings.push(warn(
                "missing-utxo",
                Some(i),
                None,
                format!("input {i}: the coin it spends is not described; its amount cannot be checked"),
            ));
        } else if out.is_none() {
            warnings.push(warn(
                "utxo-mismatch",
                Some(i),
                None,
                format!("input {i}: the previous transaction given does not match the coin spent (a fee attack?); it will not be signed"),
            ));
        } else if let (Some(spk), None) = (spk, &input.non_witness_utxo) {
            if is_segwit_v0(input, spk) {
                warnings.push(warn(
                    "witness-utxo-only",
                    Some(i),
                    None,
                    format!("input {i}: segwit v0 coin without its previous transaction; its amount is unproven (BIP-143 fee attack)"),
                ));
            }
        }
        let taproot = spk.is_some_and(|s| matches!(ScriptKind::of(s), ScriptKind::P2tr(_)));
        if let Some(t) = input.sighash_type {
            if !is_default_sighash(t, taproot) {
                warnings.push(warn(
                    "non-default-sighash",
                    Some(i),
                    None,
                    format!(
                        "input {i}: asks for sighash type 0x{t:02x}, which lets others change parts of the transaction"
                    ),
                ));
            }
            if t & !SIGHASH_ANYONECANPAY & 0x1f == SIGHASH_SINGLE && i >= psbt.outputs.len() {
                warnings.push(warn(
                    "sighash-single-without-output",
                    Some(i),
                    None,
                    format!("input {i}: SIGHASH_SINGLE without an output {i}; such a signature would sign nothing (legacy) or be invalid"),
                ));
            }
        }
        let path = input_owner(input, spk, owner);
        inputs.push(InputReview {
            outpoint: format!("{}:{}", input.previous_output.txid, input.previous_output.vout),
            value: out.as_ref().map(|o| o.value.to_sat()),
            script_type: spk.map_or("unknown", |s| ScriptKind::of(s).name()),
            address: spk.and_then(|s| address_of(s, network)),
            ours: path.is_some(),
            path,
            sighash_type: input.sighash_type,
            signatures: input.partial_sigs.len()
                + input.tap_script_sigs.len()
                + usize::from(input.tap_key_sig.is_some()),
            finalized: input.is_finalized(),
        });
    }

    // Two inputs spending one coin make the transaction invalid (CVE-2018-17144's check).
    let mut seen = std::collections::BTreeSet::new();
    for (i, input) in psbt.inputs.iter().enumerate() {
        if !seen.insert(input.previous_output) {
            warnings.push(warn(
                "duplicate-input",
                Some(i),
                None,
                format!("input {i} spends a coin another input already spends"),
            ));
        }
    }

    let mut outputs = Vec::with_capacity(psbt.outputs.len());
    for output in &psbt.outputs {
        let mine = output_owner(output, owner);
        let change = mine.is_some_and(|s| s.path.len() >= 2 && s.path[s.path.len() - 2] == 1);
        outputs.push(OutputReview {
            value: output.amount.to_sat(),
            script_type: ScriptKind::of(&output.script_pubkey).name(),
            address: address_of(&output.script_pubkey, network),
            ours: mine.is_some(),
            change,
            path: mine.map(KeySource::path_string),
        });
    }

    let total_in = if spent.iter().all(Option::is_some) {
        Amount::checked_sum(spent.iter().flatten().map(|o| o.value))
    } else {
        None
    };
    let total_out = Amount::checked_sum(psbt.outputs.iter().map(|o| o.amount));
    let sent = Amount::checked_sum(psbt.outputs.iter().zip(&outputs).filter(|(_, r)| !r.ours).map(|(o, _)| o.amount));
    if total_out.is_none_or(|t| !t.is_money_range()) || total_in.is_some_and(|t| !t.is_money_range()) {
        warnings.push(warn("amount-overflow", None, None, "amounts exceed 21 million BTC".into()));
    }
    let fee = match (total_in, total_out) {
        (Some(i), Some(o)) => {
            let fee = i.checked_sub(o);
            if fee.is_none() {
                warnings.push(warn("negative-fee", None, None, "the outputs spend more than the inputs hold".into()));
            }
            fee
        }
        _ => None,
    };
    let weight = tx.as_ref().and_then(|tx| estimated_weight(psbt, tx, &spent));
    if weight.is_none() && spent.iter().all(Option::is_some) {
        warnings.push(warn(
            "unknown-size",
            None,
            None,
            "an input's final size cannot be estimated; the fee rate is unknown".into(),
        ));
    }
    let vsize = weight.map(|w| w.div_ceil(4) as u64);
    let fee_rate = match (fee, vsize) {
        (Some(f), Some(v)) if v > 0 => Some(f.to_sat() as f64 / v as f64),
        _ => None,
    };
    let over_rate = fee_rate.is_some_and(|r| r > ABSURD_FEE_RATE);
    let over_sent = match (fee, total_out) {
        (Some(f), Some(o)) => f.to_sat() > ABSURD_FEE_FLOOR && f > o,
        _ => false,
    };
    if over_rate || over_sent {
        let f = fee.map_or(0, Amount::to_sat);
        warnings.push(warn("absurd-fee", None, None, format!("the fee of {f} sat is absurdly high")));
    }

    let sources = psbt
        .inputs
        .iter()
        .flat_map(|i| i.bip32_derivation.values().chain(i.tap_bip32_derivation.values().map(|t| &t.source)))
        .chain(
            psbt.outputs
                .iter()
                .flat_map(|o| o.bip32_derivation.values().chain(o.tap_bip32_derivation.values().map(|t| &t.source))),
        );
    let bad_path = sources.clone().any(|s| path_network_mismatch(s, network));
    let xpub_nets: Vec<bool> = psbt.xpubs.keys().filter_map(xpub_is_mainnet).collect();
    let bad_xpub = xpub_nets.iter().any(|&m| m != (network == Network::Mainnet));
    if bad_path || bad_xpub {
        warnings.push(warn(
            "mixed-networks",
            None,
            None,
            format!("some keys in this PSBT belong to another network than {}", network.name()),
        ));
    }

    let invalid = tx.as_ref().map_or_else(Vec::new, |tx| psbt.invalid_signatures_in(tx, &spent));
    for i in invalid {
        warnings.push(warn(
            "invalid-signature",
            Some(i),
            None,
            format!("input {i}: a signature in this PSBT does not verify"),
        ));
    }

    let lock_time = tx.as_ref().map(|tx| tx.lock_time);
    if lock_time.is_none() {
        warnings.push(warn(
            "locktime-conflict",
            None,
            None,
            "inputs need both a height and a time lock; no lock time satisfies them".into(),
        ));
    }
    let txid = tx.as_ref().map(|tx| tx.txid().to_string());
    Review {
        version: psbt.version,
        network: network.name(),
        txid,
        lock_time,
        inputs,
        outputs,
        total_in: total_in.map(Amount::to_sat),
        total_out: total_out.map(Amount::to_sat),
        sent: sent.map(Amount::to_sat),
        fee: fee.map(Amount::to_sat),
        estimated_vsize: vsize,
        fee_rate,
        complete: psbt.inputs.iter().all(Input::is_finalized),
        warnings,
    }
}

/// Helper for owners: whether `pubkey` (33/65 bytes or x-only) equals `derived` (33 bytes).
pub fn same_key(pubkey: &[u8], derived: &[u8; 33]) -> bool {
    match pubkey.len() {
        32 => x_only(derived).is_some_and(|x| x[..] == *pubkey),
        _ => pubkey == derived,
    }
}
