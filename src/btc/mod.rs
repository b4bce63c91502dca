//! Bitcoin formats, with no keys: consensus encoding, amounts, scripts, transactions,
//! hashes, base58check, bech32/bech32m, networks, addresses and signature hashes.
//! Everything here parses hostile bytes and holds no secret (see `crate::wallet` for keys).

pub mod address;
pub mod amount;
pub mod base58;
pub mod bech32;
pub mod bip21;
pub mod ecverify;
pub mod encoding;
pub mod hash;
pub mod interpreter;
mod network;
pub mod psbt;
pub mod script;
pub mod sighash;
pub mod tx;

pub use address::{Address, AddressError, Payload};
pub use amount::Amount;
pub use encoding::{DecodeError, Reader};
pub use network::Network;
pub use psbt::Psbt;
pub use script::ScriptKind;
pub use sighash::{SighashCache, SighashError, TaprootSpend};
pub use tx::{OutPoint, Transaction, TxIn, TxOut, Txid};

/// Fuzz entry point: any text parses to an address or an error, and parsed addresses
/// print back and round-trip through their scriptPubKey.
#[doc(hidden)]
pub fn fuzz_address(data: &[u8]) {
    if let Ok(text) = core::str::from_utf8(data) {
        if let Ok(a) = Address::parse_any(text) {
            let again = Address::parse_any(&a.to_string()).expect("our own address parses");
            assert_eq!(again.payload, a.payload);
            assert_eq!(Address::from_script(&a.script_pubkey(), a.network).map(|x| x.payload), Some(a.payload));
        }
    }
}

/// Fuzz entry point: hostile bytes parse to a transaction or an error; parsed transactions
/// serialize back to the same bytes, and every input's sighashes compute without panic.
#[doc(hidden)]
pub fn fuzz_tx(data: &[u8]) {
    if let Ok(tx) = Transaction::from_bytes(data) {
        assert_eq!(tx.to_bytes(), data, "re-serialization differs");
        assert_eq!(tx.total_size(), data.len());
        let mut cache = SighashCache::new(&tx);
        let spent: Vec<TxOut> = tx.outputs.iter().cycle().take(tx.inputs.len()).cloned().collect();
        for i in 0..tx.inputs.len().min(4) {
            for t in [0x01u32, 0x02, 0x03, 0x81, 0x83] {
                let _ = cache.legacy(i, data, t);
                let _ = cache.segwit_v0(i, data, Amount::from_sat(1), t);
                if spent.len() == tx.inputs.len() {
                    let _ = cache.taproot(i, &spent, t as u8, TaprootSpend::KeyPath { annex: Some(&[0x50]) });
                }
            }
        }
    }
}

/// Fuzz entry point: any bytes as a script classify, print as ASM and split into
/// instructions without panic.
#[doc(hidden)]
pub fn fuzz_script(data: &[u8]) {
    let kind = ScriptKind::of(data);
    let _ = kind.name();
    let _ = script::to_asm(data);
    let _ = script::instructions(data);
    if !matches!(
        kind,
        ScriptKind::NonStandard | ScriptKind::OpReturn(_) | ScriptKind::P2pk(_) | ScriptKind::Multisig { .. }
    ) {
        let a = Address::from_script(data, Network::Mainnet).expect("standard outputs have addresses");
        assert_eq!(a.script_pubkey(), data);
    }
}
