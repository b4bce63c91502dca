//! The parsed torrent: what a .torrent file (or fetched metadata) says.

use super::info_hash::{InfoHash, InfoHashV2};
use super::layout::Layout;

/// Which BitTorrent versions the info dict carries (BEP 52).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetaVersion {
    /// Only v1 fields (`pieces`, `length`/`files`).
    V1,
    /// Only v2 fields (`meta version` 2, `file tree`). WebTorrent peers cannot join these.
    V2,
    /// Both: one swarm per version, same files (v1 side uses pad files to align).
    Hybrid,
}

/// One file in torrent order, pad files included (they occupy byte space).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEntry {
    /// Path components below the torrent's name, e.g. `["dir", "a.txt"]` (single-file: `[name]`).
    pub path: Vec<String>,
    /// Length in bytes.
    pub length: u64,
    /// Start offset in the torrent's byte space.
    pub offset: u64,
    /// BEP 47 pad file (`attr` contains `p`): zeros, hidden from the user, still served.
    pub padding: bool,
    /// BEP 47 `attr` flags other than padding: `x` executable, `h` hidden, `l` symlink.
    pub attr: String,
    /// BEP 52 `pieces root` (v2 and hybrid).
    pub pieces_root: Option<[u8; 32]>,
}

/// A parsed torrent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Metainfo {
    /// v1, v2 or hybrid.
    pub version: MetaVersion,
    /// SHA-1 of the info dict's bytes; present for v1 and hybrid.
    pub info_hash: Option<InfoHash>,
    /// SHA-256 of the info dict's bytes; present for v2 and hybrid.
    pub info_hash_v2: Option<InfoHashV2>,
    /// The info dict's exact bytes (served to peers over BEP 9 ut_metadata).
    pub info_bytes: Vec<u8>,
    /// Torrent name (`name.utf-8` preferred, as WebTorrent does).
    pub name: String,
    /// Piece length in bytes.
    pub piece_length: u32,
    /// v1 piece hashes, one per piece (empty for pure v2).
    pub pieces: Vec<[u8; 20]>,
    /// Files in torrent order, pad files included.
    pub files: Vec<FileEntry>,
    /// True for a single-file torrent (`length` in info), false for a directory.
    pub single_file: bool,
    /// BEP 27 private flag.
    pub private: bool,
    /// Tracker tiers (BEP 12); `announce` alone becomes one tier. Duplicates removed.
    pub trackers: Vec<Vec<String>>,
    /// BEP 19 web seeds (`url-list`).
    pub web_seeds: Vec<String>,
    /// `comment`.
    pub comment: Option<String>,
    /// `created by`.
    pub created_by: Option<String>,
    /// `creation date`, seconds since the Unix epoch.
    pub creation_date: Option<i64>,
    /// BEP 52 piece layers present for this many files (outside the info dict).
    pub piece_layers: usize,
    /// Geometry (pieces, blocks, file ranges).
    pub layout: Layout,
}

impl Metainfo {
    /// Total bytes, pad files included.
    pub fn total_length(&self) -> u64 {
        self.layout.total_len()
    }
    /// Files a user sees: pad files hidden (BEP 47).
    pub fn visible_files(&self) -> impl Iterator<Item = (usize, &FileEntry)> {
        self.files.iter().enumerate().filter(|(_, f)| !f.padding)
    }
    /// Every tracker URL, tiers flattened in order (WebTorrent announces to all at once).
    pub fn tracker_urls(&self) -> impl Iterator<Item = &str> {
        self.trackers.iter().flatten().map(String::as_str)
    }
    /// The hash of piece `index` (v1).
    pub fn piece_hash(&self, index: u32) -> Option<&[u8; 20]> {
        self.pieces.get(index as usize)
    }
    /// The 20-byte id of the swarm we join: v1 hash, else the truncated v2 hash.
    pub fn swarm_hash(&self) -> InfoHash {
        match (self.info_hash, self.info_hash_v2) {
            (Some(v1), _) => v1,
            (None, Some(v2)) => v2.truncated(),
            (None, None) => unreachable_hash(),
        }
    }
}

/// Parsing guarantees at least one hash; this keeps `swarm_hash` total without a panic path.
fn unreachable_hash() -> InfoHash {
    InfoHash([0; 20])
}
