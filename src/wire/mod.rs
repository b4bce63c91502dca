//! The peer wire protocol (BEP 3, BEP 6 Fast, BEP 10 extensions, BEP 9 ut_metadata): message
//! types, the handshake, and a push framer that accepts any split of the byte stream.
//!
//! Two peers, one holding the info dict, one from a magnet link: handshakes, extension
//! handshakes, and the metadata fetched, checked and assembled. Bytes go through framers
//! exactly as they would through a data channel.
//!
//! ```
//! use peerpage::metainfo::InfoHash;
//! use peerpage::time::Instant;
//! use peerpage::wire::ext::{serve_metadata, ExtMessage, ExtRegistry, FetchProgress, MetadataFetcher, MetadataMessage};
//! use peerpage::wire::{Frame, Framer, Handshake, Message, PeerId};
//!
//! let info = b"d6:lengthi5e4:name1:a12:piece lengthi16384e6:pieces20:aaaaaaaaaaaaaaaaaaaae".to_vec();
//! let hash = InfoHash(peerpage::piece::sha1(&info));
//! let (seed_id, magnet_id) = (PeerId([1; 20]), PeerId([2; 20]));
//!
//! // The seeder speaks first: handshake, then its extension handshake with metadata_size.
//! let mut to_magnet = Handshake::ours(hash, seed_id).encode().to_vec();
//! let seed_ext = ExtRegistry::our_handshake(Some(info.len() as u32), 250, "peerpage");
//! ExtRegistry::encode_handshake(&seed_ext, &mut to_magnet);
//!
//! // The magnet peer reads it and asks for every metadata piece.
//! let mut framer = Framer::new();
//! framer.push(&to_magnet);
//! let Ok(Some(Frame::Handshake(theirs))) = framer.next() else { panic!() };
//! theirs.check(&hash, &magnet_id).unwrap();
//! let mut registry = ExtRegistry::new();
//! let mut fetcher = MetadataFetcher::new(hash);
//! let mut to_seed = Vec::new();
//! while let Ok(Some(Frame::Message(Message::Extended { id, payload }))) = framer.next() {
//!     if let Ok(ExtMessage::Handshake(ext)) = registry.decode(id, payload) {
//!         fetcher.add_peer(seed_id, ext.metadata_size.unwrap()).unwrap();
//!         for piece in fetcher.poll_requests(seed_id, Instant(0), 16) {
//!             registry.encode_metadata(&MetadataMessage::Request(piece), &mut to_seed);
//!         }
//!     }
//! }
//!
//! // The seeder answers each request from its info dict (its registry learnt the magnet
//! // peer's ids from the magnet peer's own extension handshake, not shown).
//! let mut seed_registry = ExtRegistry::new();
//! seed_registry.handle_handshake(&ExtRegistry::our_handshake(None, 250, "peerpage"));
//! let mut seed_framer = Framer::after_handshake(Default::default());
//! seed_framer.push(&to_seed);
//! let mut reply = Vec::new();
//! while let Ok(Some(Frame::Message(Message::Extended { id, payload }))) = seed_framer.next() {
//!     if let Ok(ExtMessage::Metadata(MetadataMessage::Request(piece))) = seed_registry.decode(id, payload) {
//!         seed_registry.encode_metadata(&serve_metadata(Some(&info), piece), &mut reply);
//!     }
//! }
//!
//! // The magnet peer assembles and verifies the info dict.
//! framer.push(&reply);
//! let Ok(Some(Frame::Message(Message::Extended { id, payload }))) = framer.next() else { panic!() };
//! let Ok(ExtMessage::Metadata(MetadataMessage::Data { piece, total_size, data })) = registry.decode(id, payload) else { panic!() };
//! assert_eq!(fetcher.handle_data(seed_id, piece, total_size, data), Ok(FetchProgress::Complete(info)));
//! ```

mod error;
pub mod ext;
mod framer;
mod handshake;
mod message;

pub use error::WireError;
pub use framer::{
    Frame, FrameLimits, Framer, BLOCK_LEN, MAX_BITFIELD_UNKNOWN_PIECES, MAX_EXTENDED_LEN, MAX_UNKNOWN_LEN,
};
pub use handshake::{
    Handshake, PeerId, ReservedBit, DHT_BIT, EXTENSION_BIT, FAST_BIT, HANDSHAKE_LEN, PROTOCOL, V2_UPGRADE_BIT,
};
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
