//! Torrent metainfo: parsing .torrent files (BEP 3/12/19/27/47/52), magnet links (BEP 9/53),
//! layout math (pieces ↔ blocks ↔ files), and creating torrents from files.

mod create;
mod error;
mod info_hash;
pub mod layout;
pub mod magnet;
mod parse;
mod piece_layers;
mod piece_range;
mod torrent;
mod v2;

pub use create::{default_piece_length, CreateOptions, Created, TorrentCreator};
pub use error::MetainfoError;
pub use info_hash::{hex, unhex, InfoHash, InfoHashV2};
pub use layout::{BlockIndex, FileSegment, Layout, LayoutError, PieceIndex, BLOCK_SIZE};
pub use magnet::Magnet;
pub use parse::{parse_info, parse_torrent, MAX_PIECE_LENGTH};
pub use piece_range::{plan_hash_jobs, HashJob, PieceRangeHasher};
pub use torrent::{FileEntry, MetaVersion, Metainfo};

/// Fuzz entry point: parsing a torrent never panics, and its layout is self-consistent.
#[doc(hidden)]
pub fn fuzz_parse(data: &[u8]) {
    if let Ok(meta) = parse_torrent(data) {
        let layout = &meta.layout;
        for piece in layout.pieces().take(64) {
            let covered: u64 = layout.piece_segments(piece).iter().map(|s| s.len).sum();
            assert_eq!(covered, u64::from(layout.piece_size(piece)));
        }
    }
    let _ = parse_info(data);
}
