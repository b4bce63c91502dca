//! BEP 10 extensions: the extension handshake, the id registry, ut_metadata (BEP 9) messages,
//! serving, and fetching with hash check.

pub mod fetch;
pub mod handshake;
pub mod registry;
pub mod ut_metadata;

pub use fetch::{FetchProgress, MetadataFetcher, MAX_REQUESTS_PER_PEER, METADATA_REQUEST_TIMEOUT};
pub use handshake::{ExtHandshake, MAX_METADATA_SIZE};
pub use registry::{ExtMessage, ExtRegistry, Extension};
pub use ut_metadata::{
    metadata_pieces, serve as serve_metadata, Assembled, MetadataAssembler, MetadataMessage, METADATA_PIECE,
};

/// Fuzz entry point: an extended message payload (first byte = extension id) through the
/// registry, and a ut_metadata data message through a fetcher, give values or typed errors.
#[doc(hidden)]
pub fn fuzz_extended(data: &[u8]) {
    let Some((&id, payload)) = data.split_first() else {
        return;
    };
    let mut registry = ExtRegistry::new();
    if let Ok(ExtMessage::Metadata(MetadataMessage::Data { piece, total_size, data })) =
        registry.decode(id % 4, payload)
    {
        let mut fetcher = MetadataFetcher::new(crate::metainfo::InfoHash([0; 20]));
        if fetcher.add_peer(1u8, total_size).is_ok() {
            let now = crate::time::Instant(0);
            let _ = fetcher.poll_requests(1, now, usize::MAX);
            let _ = fetcher.handle_data(1, piece, total_size, data);
            fetcher.handle_reject(1, piece);
            let _ = fetcher.handle_timeout(now);
        }
    }
    if let Ok(hs) = ExtHandshake::parse(payload) {
        // What we parse, we can write back and read again to the same value.
        let again = ExtHandshake::parse(&hs.encode());
        assert!(again.is_ok(), "a parsed extension handshake re-encodes to valid bencode");
    }
    let _ = serve_metadata(Some(payload), u32::from(id) << 24);
}
