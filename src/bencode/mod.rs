//! Bencode (BEP 3): a bounded zero-copy decoder that keeps raw spans, and a canonical encoder.
//!
//! ```
//! use peerpage::bencode::{decode, Mode};
//! let v = decode(b"d3:cow3:moo4:spaml1:a1:bee", Mode::Strict).unwrap();
//! let d = v.as_dict().unwrap();
//! assert_eq!(d.get_str(b"cow"), Some("moo"));
//! assert_eq!(v.encode_canonical(), b"d3:cow3:moo4:spaml1:a1:bee");
//! ```

mod decode;
mod encode;
mod error;
mod value;

pub use decode::{decode, decode_prefix, decode_prefix_with, decode_with, Limits, Mode};
pub use encode::{put_bytes, put_int, OwnedValue};
pub use error::{DecodeError, DecodeErrorKind};
pub use value::{Dict, List, Value};

/// Fuzz entry point: decoding never panics, and a strict decode re-encodes to the same bytes.
#[doc(hidden)]
pub fn fuzz_decode(data: &[u8]) {
    if let Ok(value) = decode(data, Mode::Strict) {
        assert_eq!(value.encode_canonical(), data, "canonical input must round-trip");
    }
    if let Ok(value) = decode(data, Mode::Tolerant) {
        let canonical = value.encode_canonical();
        let again = decode(&canonical, Mode::Strict).expect("our encoding is canonical");
        assert_eq!(again.encode_canonical(), canonical);
    }
    let _ = decode_prefix(data, Mode::Tolerant);
}
