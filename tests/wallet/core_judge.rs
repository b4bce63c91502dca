//! Bitcoin Core's own interpreter (crate `bitcoinconsensus`) as the judge of our spends.

use peerpage::btc::{Transaction, TxOut};

/// Core's consensus flags, taproot included.
pub(crate) const CORE_FLAGS: u32 = bitcoinconsensus::VERIFY_ALL_PRE_TAPROOT | bitcoinconsensus::VERIFY_TAPROOT;

/// Core's verdict on every input of `tx`, which spends `spent` (one output per input, in order;
/// taproot needs them all).
pub(crate) fn core_verdicts(tx: &Transaction, spent: &[TxOut]) -> Vec<Result<(), bitcoinconsensus::Error>> {
    let tx = tx.to_bytes();
    let utxos: Vec<bitcoinconsensus::Utxo> = spent
        .iter()
        .map(|o| bitcoinconsensus::Utxo {
            script_pubkey: o.script_pubkey.as_ptr(),
            script_pubkey_len: o.script_pubkey.len() as u32,
            value: o.value.to_sat() as i64,
        })
        .collect();
    spent
        .iter()
        .enumerate()
        .map(|(i, o)| {
            bitcoinconsensus::verify_with_flags(&o.script_pubkey, o.value.to_sat(), &tx, Some(&utxos), i, CORE_FLAGS)
        })
        .collect()
}
