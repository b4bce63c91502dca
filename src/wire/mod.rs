//! The peer wire protocol (BEP 3, BEP 6 Fast, BEP 10 extensions, BEP 9 ut_metadata): message
//! types, the handshake, and a push framer that accepts any split of the byte stream.

mod error;
pub mod ext;
mod framer;
mod handshake;
mod message;

pub use error::WireError;
pub use framer::{Frame, FrameLimits, Framer, BLOCK_LEN, MAX_BITFIELD_UNKNOWN_PIECES, MAX_EXTENDED_LEN, MAX_UNKNOWN_LEN};
pub use handshake::{Handshake, PeerId, ReservedBit, DHT_BIT, EXTENSION_BIT, FAST_BIT, HANDSHAKE_LEN, PROTOCOL, V2_UPGRADE_BIT};
pub use message::*;

/// Fuzz entry point: the framer (after a valid handshake) takes any bytes without panicking,
/// and the messages it decodes re-encode to the bytes they came from.
#[doc(hidden)]
pub fn fuzz_framer(data: &[u8]) {
    let mut framer = Framer::new();
    framer.push(&Handshake::ours(crate::metainfo::InfoHash([0; 20]), PeerId([0; 20])).encode());
    framer.push(data);
    let mut consumed = Vec::new();
    loop {
        match framer.next() {
            Ok(Some(Frame::Message(m))) => m.encode_into(&mut consumed),
            Ok(Some(Frame::Handshake(_))) => {}
            Ok(None) | Err(_) => break,
        }
    }
    assert!(data.starts_with(&consumed), "messages re-encode to their input bytes");
}
