//! Bitcoin formats, with no keys: hashes, base58check, bech32/bech32m, networks, addresses.
//! Everything here parses hostile bytes and holds no secret (see `crate::wallet` for keys).

pub mod address;
pub mod base58;
pub mod bech32;
pub mod hash;
mod network;

pub use address::{Address, AddressError, Payload};
pub use network::Network;

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
