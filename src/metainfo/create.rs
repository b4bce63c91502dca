//! Creating a v1 torrent from files fed in chunks: pieces are hashed as bytes arrive, so no
//! file is ever held whole (the page runs this in a Web Worker over `File` slices).

use super::error::MetainfoError as E;
use super::info_hash::InfoHash;
use super::layout::Layout;
use super::magnet::Magnet;
use super::parse::{check_component, MAX_PIECE_LENGTH};
use super::piece_range::{plan_hash_jobs, HashJob, PieceRangeHasher};
use crate::bencode::OwnedValue;

/// What goes into a new torrent besides the files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreateOptions {
    /// Torrent name: the file name (single file) or folder name.
    pub name: String,
    /// Piece length; `None` picks it as WebTorrent's create-torrent does.
    pub piece_length: Option<u32>,
    /// Tracker tiers (BEP 12); the first URL also becomes `announce`.
    pub trackers: Vec<Vec<String>>,
    /// Web seeds (BEP 19 `url-list`).
    pub web_seeds: Vec<String>,
    /// BEP 27 private flag.
    pub private: bool,
    /// `comment`.
    pub comment: Option<String>,
    /// `created by`.
    pub created_by: Option<String>,
    /// `creation date` in Unix seconds (the caller supplies the time: the core reads no clock).
    pub creation_date: Option<i64>,
}

/// The piece length common creators choose: about 1024 pieces, a power of two between
/// 16 KiB and 4 MiB (create-torrent: `max(16 KiB, 2^round(log2(total / 1024)))`, capped).
pub fn default_piece_length(total: u64) -> u32 {
    let kib = if total < 1024 { 1.0 } else { total as f64 / 1024.0 };
    let exponent = (kib.log2() + 0.5).floor().clamp(0.0, 22.0) as u32;
    (1u32 << exponent).clamp(16 * 1024, 4 * 1024 * 1024)
}

/// A finished torrent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Created {
    /// The .torrent file.
    pub torrent: Vec<u8>,
    /// Its v1 info hash.
    pub info_hash: InfoHash,
    /// Its magnet link (hash, name, trackers, web seeds).
    pub magnet: String,
}

/// Builds a torrent: declare the files, feed their bytes in order, finish.
pub struct TorrentCreator {
    options: CreateOptions,
    files: Vec<(Vec<String>, u64)>,
    single_file: bool,
    piece_length: u32,
    layout: Layout,
    hasher: PieceRangeHasher,
}

impl TorrentCreator {
    /// Starts a torrent of `files` (path below the name, length), in the order their bytes
    /// will be fed. One file whose path is just the name makes a single-file torrent.
    pub fn new(options: CreateOptions, files: Vec<(Vec<String>, u64)>) -> Result<Self, E> {
        check_component("name", &options.name).map_err(|_| E::Misuse("the torrent needs a plain, non-empty name"))?;
        if files.is_empty() {
            return Err(E::Misuse("a torrent needs at least one file"));
        }
        for (path, _) in &files {
            if path.is_empty() || path.iter().any(|p| check_component("path", p).is_err()) {
                return Err(E::Misuse("file paths must be non-empty plain components"));
            }
        }
        let total = files.iter().try_fold(0u64, |acc, (_, len)| acc.checked_add(*len));
        let total = total.ok_or(E::Misuse("file lengths overflow"))?;
        if total == 0 {
            return Err(E::Misuse("the files hold no data"));
        }
        let piece_length = match options.piece_length {
            Some(0) => return Err(E::Misuse("piece length must be positive")),
            // A torrent our own parser (and every client) would refuse is no use to anyone.
            Some(n) if n > MAX_PIECE_LENGTH => return Err(E::Misuse("piece length is larger than 256 MiB")),
            Some(n) => n,
            None => default_piece_length(total),
        };
        if total.div_ceil(u64::from(piece_length)) > u64::from(u32::MAX) {
            return Err(E::Misuse("too many pieces for this piece length"));
        }
        let single_file = files.len() == 1 && files[0].0 == [options.name.clone()];
        let lengths: Vec<u64> = files.iter().map(|(_, len)| *len).collect();
        let layout =
            Layout::new(&lengths, piece_length).map_err(|_| E::Misuse("the files cannot be laid out in pieces"))?;
        Ok(TorrentCreator {
            options,
            files,
            single_file,
            piece_length,
            hasher: PieceRangeHasher::new(piece_length, total)?,
            layout,
        })
    }

    /// The piece length in use.
    pub fn piece_length(&self) -> u32 {
        self.piece_length
    }
    /// Total bytes expected.
    pub fn total(&self) -> u64 {
        self.layout.total_len()
    }
    /// Bytes fed so far (for a progress bar).
    pub fn fed(&self) -> u64 {
        self.hasher.fed()
    }

    /// Splits hashing into up to `parts` jobs for parallel workers; each worker feeds its
    /// job's segments to a [`PieceRangeHasher`], and [`TorrentCreator::finish_with_piece_hashes`]
    /// takes the results joined in job order.
    pub fn plan(&self, parts: u32) -> Vec<HashJob> {
        plan_hash_jobs(&self.layout, parts)
    }

    /// Feeds the next bytes of the concatenated files, in declared order, in any chunk size.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), E> {
        self.hasher.feed(bytes)
    }

    /// Writes the torrent once every byte has been fed.
    pub fn finish(self) -> Result<Created, E> {
        let TorrentCreator { options, files, single_file, piece_length, layout, hasher } = self;
        let pieces = hasher.finish()?;
        build(options, files, single_file, piece_length, layout.total_len(), pieces)
    }

    /// Writes the torrent from piece hashes computed elsewhere (parallel workers, see
    /// [`TorrentCreator::plan`]), when nothing was fed here.
    pub fn finish_with_piece_hashes(self, pieces: Vec<u8>) -> Result<Created, E> {
        if self.hasher.fed() != 0 {
            return Err(E::Misuse("bytes were fed here; call finish instead"));
        }
        if pieces.len() != self.layout.piece_count() as usize * 20 {
            return Err(E::Misuse("wrong number of piece hashes"));
        }
        let TorrentCreator { options, files, single_file, piece_length, layout, .. } = self;
        build(options, files, single_file, piece_length, layout.total_len(), pieces)
    }
}

fn build(
    options: CreateOptions,
    files: Vec<(Vec<String>, u64)>,
    single_file: bool,
    piece_length: u32,
    total: u64,
    pieces: Vec<u8>,
) -> Result<Created, E> {
    let o = &options;
    let mut info = OwnedValue::dict()
        .insert("name", o.name.as_str())
        .insert("piece length", i64::from(piece_length))
        .insert("pieces", pieces);
    if o.private {
        info = info.insert("private", 1);
    }
    if single_file {
        info = info.insert("length", total as i64);
    } else {
        let files = files.iter().map(|(path, len)| {
            let path: Vec<OwnedValue> = path.iter().map(|p| OwnedValue::from(p.as_str())).collect();
            OwnedValue::dict().insert("length", *len as i64).insert("path", path)
        });
        info = info.insert("files", files.collect::<Vec<_>>());
    }
    let info_bytes = info.to_bytes();
    let info_hash = InfoHash(crate::piece::sha1(&info_bytes));

    let mut top = OwnedValue::dict().insert("encoding", "UTF-8").insert("info", info);
    let tiers: Vec<Vec<String>> = o.trackers.iter().filter(|t| !t.is_empty()).cloned().collect();
    if let Some(first) = tiers.first().and_then(|t| t.first()) {
        top = top.insert("announce", first.as_str());
        let list = tiers.iter().map(|t| OwnedValue::List(t.iter().map(|u| u.as_str().into()).collect()));
        top = top.insert("announce-list", list.collect::<Vec<_>>());
    }
    if !o.web_seeds.is_empty() {
        top = top.insert("url-list", o.web_seeds.iter().map(|u| u.as_str().into()).collect::<Vec<OwnedValue>>());
    }
    if let Some(c) = &o.comment {
        top = top.insert("comment", c.as_str());
    }
    if let Some(c) = &o.created_by {
        top = top.insert("created by", c.as_str());
    }
    if let Some(d) = o.creation_date {
        top = top.insert("creation date", d);
    }
    let magnet = Magnet {
        info_hash: Some(info_hash),
        name: Some(o.name.clone()),
        trackers: tiers.into_iter().flatten().collect(),
        web_seeds: o.web_seeds.clone(),
        ..Magnet::default()
    };
    Ok(Created { torrent: top.to_bytes(), info_hash, magnet: magnet.to_link() })
}
