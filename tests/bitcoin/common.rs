//! Helpers shared by the Bitcoin format tests.

use serde_json::Value;

/// A vector file from tests/vectors, parsed.
pub fn vectors(name: &str) -> Value {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_slice(&std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
}

/// Bytes of a hex string from a vector file.
pub fn unhex(s: &str) -> Vec<u8> {
    peerpage::btc::encoding::from_hex(s).unwrap_or_else(|| panic!("bad hex in a vector: {s}"))
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    peerpage::btc::encoding::to_hex(bytes)
}

/// A 32-byte array from hex.
pub fn unhex32(s: &str) -> [u8; 32] {
    unhex(s).try_into().unwrap()
}
