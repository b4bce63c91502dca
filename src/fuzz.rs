//! Fuzz entry points, one per parser or state machine that meets hostile bytes.
//!
//! The cargo-fuzz targets in `tests/fuzz/fuzz_targets/` are one-liners calling these, and
//! `tests/fuzz_replay.rs` replays every committed corpus file through [`TARGETS`] under plain
//! `cargo test`, so CI re-checks each seed without nightly. An entry point may return errors
//! freely; what it must never do is panic.

/// A fuzz target's corpus folder name and its entry point.
pub type FuzzTarget = (&'static str, fn(&[u8]));

/// Every fuzz target: its name (the folder under `tests/fuzz/corpus/`) and its entry point.
pub const TARGETS: &[FuzzTarget] = &[
    ("bencode_decode", crate::bencode::fuzz_decode),
    ("metainfo_parse", crate::metainfo::fuzz_parse),
    ("magnet_parse", crate::metainfo::magnet::fuzz_parse),
    ("wire_framer", crate::wire::fuzz_framer),
    ("wire_extended", crate::wire::ext::fuzz_extended),
    ("swarm_session", crate::swarm::fuzz_session),
    ("tracker_message", crate::tracker::fuzz_message),
    ("client_ops", crate::client::fuzz::fuzz_client),
    ("btc_address", crate::btc::fuzz_address),
    ("btc_tx", crate::btc::fuzz_tx),
    ("btc_script", crate::btc::fuzz_script),
    ("btc_psbt", crate::btc::psbt::fuzz_parse),
    ("wallet_bip322", crate::wallet::bip322::fuzz_verify),
    ("wallet_psbt_sign", crate::wallet::psbt::fuzz_sign),
];
