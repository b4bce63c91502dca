//! BEP 10 extensions: the extension handshake and ut_metadata (BEP 9).

pub mod handshake;
pub mod ut_metadata;

pub use handshake::{ExtHandshake, MAX_METADATA_SIZE};
pub use ut_metadata::{metadata_pieces, serve as serve_metadata, Assembled, MetadataAssembler, MetadataMessage, METADATA_PIECE};
