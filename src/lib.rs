//! peerpage: a sans-IO core for a browser peer of BitTorrent swarms and a Bitcoin signer.
//!
//! Every protocol here is a state machine: inputs are bytes, events and the current time,
//! outputs are bytes to send, timers and events. No module below `bindings` reads a clock,
//! touches a socket or knows JavaScript (see ARCHITECTURE.md and `tests/layering.rs`).

pub mod error;
/// Percent-encoding of URI components (magnets, web seeds, BIP-21).
pub mod percent;
/// A seeded random generator for scheduling and tie-breaks (never for secrets).
pub mod rng;
/// Time as the caller gives it: milliseconds on the caller's clock.
pub mod time;
/// Small sorted-`Vec` maps and sets (less wasm than a B-tree per key and value type).
pub mod vecmap;

/// Bencode: bounded zero-copy decoder keeping raw spans, canonical encoder (BEP 3).
pub mod bencode;
/// Torrent metainfo (BEP 3/12/19/27/47/52), magnet links (BEP 9), layout math, creation.
pub mod metainfo;
/// Piece hashing and verification, bitfields.
pub mod piece;

/// The peer wire protocol: messages, handshake, framer, BEP 10 extensions, BEP 9 metadata.
pub mod wire;

/// The engine and the trackers joined: what the wasm `Core` wraps.
pub mod client;
/// All torrents behind one Input/Output vocabulary for the JS pump.
pub mod engine;
/// One torrent's swarm: picker, requests, verification and smart ban, choker, web seeds.
pub mod swarm;

/// The WebSocket tracker protocol: messages and announce scheduling.
pub mod tracker;

/// Bitcoin formats without keys: hashes, base58check, bech32/bech32m, addresses.
pub mod btc;

/// The only holder of secrets: BIP-39 phrases, BIP-32 keys, accounts.
pub mod wallet;

/// Fuzz entry points (hostile bytes in, typed errors out, never a panic).
#[doc(hidden)]
pub mod fuzz;

/// wasm32 only: the handles JavaScript holds; the one place that knows wasm-bindgen.
#[cfg(target_arch = "wasm32")]
pub mod bindings;
