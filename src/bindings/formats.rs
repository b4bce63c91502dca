//! Torrent files, magnets and torrent creation for the page.

use super::{js_error, to_js, BadArgument};
use crate::bencode::{decode, Mode};
use crate::metainfo::{self, CreateOptions, Magnet, Metainfo};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FileView {
    index: usize,
    path: String,
    length: f64,
    offset: f64,
    first_piece: u32,
    end_piece: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TorrentView {
    name: String,
    version: &'static str,
    info_hash: Option<String>,
    info_hash_v2: Option<String>,
    total_length: f64,
    piece_length: u32,
    piece_count: u32,
    last_piece_length: u32,
    files: Vec<FileView>,
    pad_files: usize,
    private: bool,
    trackers: Vec<Vec<String>>,
    web_seeds: Vec<String>,
    comment: Option<String>,
    created_by: Option<String>,
    creation_date: Option<f64>,
    magnet: String,
}

fn view(meta: &Metainfo) -> TorrentView {
    let layout = &meta.layout;
    let files = meta
        .visible_files()
        .map(|(index, f)| {
            let pieces = layout.file_pieces(index);
            FileView {
                index,
                path: f.path.join("/"),
                length: f.length as f64,
                offset: f.offset as f64,
                first_piece: pieces.start,
                end_piece: pieces.end,
            }
        })
        .collect();
    let last = layout.piece(layout.piece_count().saturating_sub(1)).map_or(0, |p| layout.piece_size(p));
    TorrentView {
        name: meta.name.clone(),
        version: match meta.version {
            metainfo::MetaVersion::V1 => "v1",
            metainfo::MetaVersion::V2 => "v2",
            metainfo::MetaVersion::Hybrid => "hybrid",
        },
        info_hash: meta.info_hash.map(|h| h.to_hex()),
        info_hash_v2: meta.info_hash_v2.map(|h| h.to_hex()),
        total_length: meta.total_length() as f64,
        piece_length: meta.piece_length,
        piece_count: layout.piece_count(),
        last_piece_length: last,
        files,
        pad_files: meta.files.iter().filter(|f| f.padding).count(),
        private: meta.private,
        trackers: meta.trackers.clone(),
        web_seeds: meta.web_seeds.clone(),
        comment: meta.comment.clone(),
        created_by: meta.created_by.clone(),
        creation_date: meta.creation_date.map(|d| d as f64),
        magnet: Magnet::from_metainfo(meta).to_link(),
    }
}

/// Reads a .torrent file into a plain record for display.
#[wasm_bindgen(js_name = parseTorrent)]
pub fn parse_torrent(bytes: &[u8]) -> Result<JsValue, JsValue> {
    let meta = metainfo::parse_torrent(bytes).map_err(|e| js_error(&e))?;
    to_js(&view(&meta))
}

/// The v1 piece hashes of a .torrent, 20 bytes per piece in order (none for a v2-only one):
/// what the page checks files it already has against before seeding them under a torrent
/// made elsewhere.
#[wasm_bindgen(js_name = pieceHashes)]
pub fn piece_hashes(bytes: &[u8]) -> Result<Vec<u8>, JsValue> {
    let meta = metainfo::parse_torrent(bytes).map_err(|e| js_error(&e))?;
    Ok(meta.pieces.concat())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MagnetView {
    info_hash: Option<String>,
    info_hash_v2: Option<String>,
    name: Option<String>,
    trackers: Vec<String>,
    web_seeds: Vec<String>,
    exact_sources: Vec<String>,
    select_only: Vec<u32>,
    peers: Vec<String>,
    magnet: String,
}

/// Reads a magnet link (or a bare info hash) into a plain record.
#[wasm_bindgen(js_name = parseMagnet)]
pub fn parse_magnet(link: &str) -> Result<JsValue, JsValue> {
    let m = Magnet::parse(link).map_err(|e| js_error(&e))?;
    to_js(&MagnetView {
        info_hash: m.info_hash.map(|h| h.to_hex()),
        info_hash_v2: m.info_hash_v2.map(|h| h.to_hex()),
        name: m.name.clone(),
        trackers: m.trackers.clone(),
        web_seeds: m.web_seeds.clone(),
        exact_sources: m.exact_sources.clone(),
        select_only: m.select_only.clone(),
        peers: m.peers.clone(),
        magnet: m.to_link(),
    })
}

/// A plain JS record read field by field (cheaper in wasm than a serde deserializer): a
/// missing or null field is absent, one of the wrong type is a `core.bad-argument` error.
struct Record(JsValue);

fn wrong_type() -> JsValue {
    js_error(&BadArgument("a TorrentCreator option or file has the wrong type"))
}

impl Record {
    fn get(&self, key: &str) -> Result<Option<JsValue>, JsValue> {
        if !self.0.is_object() {
            return Err(wrong_type());
        }
        let v = js_sys::Reflect::get(&self.0, &key.into())?;
        Ok((!v.is_undefined() && !v.is_null()).then_some(v))
    }

    fn string(&self, key: &str) -> Result<Option<String>, JsValue> {
        self.get(key)?.map(|v| v.as_string().ok_or_else(wrong_type)).transpose()
    }

    fn number(&self, key: &str) -> Result<Option<f64>, JsValue> {
        self.get(key)?.map(|v| v.as_f64().ok_or_else(wrong_type)).transpose()
    }

    fn strings(&self, key: &str) -> Result<Vec<String>, JsValue> {
        self.get(key)?.map_or(Ok(Vec::new()), |v| strings(&v))
    }
}

fn list(v: &JsValue) -> Result<js_sys::Array, JsValue> {
    if !js_sys::Array::is_array(v) {
        return Err(wrong_type());
    }
    Ok(js_sys::Array::from(v))
}

fn strings(v: &JsValue) -> Result<Vec<String>, JsValue> {
    list(v)?.iter().map(|s| s.as_string().ok_or_else(wrong_type)).collect()
}

/// `{name, pieceLength?, trackers?, webSeeds?, private?, comment?, createdBy?, creationDate?}`.
fn create_options(options: JsValue) -> Result<CreateOptions, JsValue> {
    let o = Record(options);
    let piece_length = match o.number("pieceLength")? {
        Some(n) if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) => Some(n as u32),
        Some(_) => return Err(wrong_type()),
        None => None,
    };
    let trackers = match o.get("trackers")? {
        Some(tiers) => list(&tiers)?.iter().map(|tier| strings(&tier)).collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    let private = match o.get("private")? {
        Some(v) => v.as_bool().ok_or_else(wrong_type)?,
        None => false,
    };
    Ok(CreateOptions {
        name: o.string("name")?.unwrap_or_default(),
        piece_length,
        trackers,
        web_seeds: o.strings("webSeeds")?,
        private,
        comment: o.string("comment")?,
        created_by: o.string("createdBy")?,
        creation_date: o.number("creationDate")?.map(|d| d as i64),
    })
}

/// `[{path: string[], length}]`.
fn file_decls(files: JsValue) -> Result<Vec<(Vec<String>, u64)>, JsValue> {
    list(&files)?
        .iter()
        .map(|f| {
            let f = Record(f);
            let path = f.get("path")?.ok_or_else(wrong_type)?;
            let length = f.number("length")?.ok_or_else(wrong_type)?;
            Ok((strings(&path)?, length.max(0.0) as u64))
        })
        .collect()
}

/// Creates a torrent from files whose bytes are fed in order, chunk by chunk (in a Worker).
#[wasm_bindgen]
pub struct TorrentCreator {
    inner: Option<metainfo::TorrentCreator>,
}

#[wasm_bindgen]
impl TorrentCreator {
    /// `options`: `{name, pieceLength?, trackers?: string[][], webSeeds?, private?, comment?,
    /// createdBy?, creationDate? (Unix seconds)}`; `files`: `[{path: string[], length}]`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue, files: JsValue) -> Result<TorrentCreator, JsValue> {
        let options = create_options(options)?;
        let files = file_decls(files)?;
        let inner = metainfo::TorrentCreator::new(options, files).map_err(|e| js_error(&e))?;
        Ok(TorrentCreator { inner: Some(inner) })
    }

    fn creator(&mut self) -> Result<&mut metainfo::TorrentCreator, JsValue> {
        self.inner.as_mut().ok_or_else(|| js_sys::Error::new("the torrent was already finished").into())
    }

    /// The piece length chosen.
    #[wasm_bindgen(js_name = pieceLength)]
    pub fn piece_length(&mut self) -> Result<u32, JsValue> {
        Ok(self.creator()?.piece_length())
    }

    /// Feeds the next bytes of the files, in declared order.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        self.creator()?.feed(chunk).map_err(|e| js_error(&e))
    }

    /// Bytes fed so far.
    pub fn fed(&mut self) -> Result<f64, JsValue> {
        Ok(self.creator()?.fed() as f64)
    }

    /// Splits hashing into up to `parts` jobs for parallel workers:
    /// `[{firstPiece, pieceCount, len, segments: [{file, offset, length}]}]`.
    pub fn plan(&mut self, parts: u32) -> Result<JsValue, JsValue> {
        let jobs: Vec<JobView> = self
            .creator()?
            .plan(parts)
            .into_iter()
            .map(|j| JobView {
                first_piece: j.first_piece,
                piece_count: j.piece_count,
                len: j.len as f64,
                segments: j
                    .segments
                    .iter()
                    .map(|s| SegmentView { file: s.file, offset: s.offset_in_file as f64, length: s.len as f64 })
                    .collect(),
            })
            .collect();
        to_js(&jobs)
    }

    /// Finishes: `{torrent: Uint8Array, infoHash, magnet}`.
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let creator = self.take()?;
        created_to_js(creator.finish().map_err(|e| js_error(&e))?)
    }

    /// Finishes from piece hashes computed by workers, joined in job order.
    #[wasm_bindgen(js_name = finishWithPieceHashes)]
    pub fn finish_with_piece_hashes(&mut self, hashes: Vec<u8>) -> Result<JsValue, JsValue> {
        let creator = self.take()?;
        created_to_js(creator.finish_with_piece_hashes(hashes).map_err(|e| js_error(&e))?)
    }

    fn take(&mut self) -> Result<metainfo::TorrentCreator, JsValue> {
        self.inner.take().ok_or_else(|| JsValue::from(js_sys::Error::new("the torrent was already finished")))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SegmentView {
    file: usize,
    offset: f64,
    length: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JobView {
    first_piece: u32,
    piece_count: u32,
    len: f64,
    segments: Vec<SegmentView>,
}

/// `{torrent: Uint8Array, infoHash, magnet}`.
fn created_to_js(created: metainfo::Created) -> Result<JsValue, JsValue> {
    let out = js_sys::Object::new();
    js_sys::Reflect::set(&out, &"torrent".into(), &js_sys::Uint8Array::from(created.torrent.as_slice()))?;
    js_sys::Reflect::set(&out, &"infoHash".into(), &created.info_hash.to_hex().into())?;
    js_sys::Reflect::set(&out, &"magnet".into(), &created.magnet.into())?;
    Ok(out.into())
}

/// Hashes one share of a torrent's pieces in a worker (see `TorrentCreator.plan`).
#[wasm_bindgen]
pub struct PieceRangeHasher {
    inner: Option<metainfo::PieceRangeHasher>,
}

#[wasm_bindgen]
impl PieceRangeHasher {
    /// A hasher for `len` bytes starting on a piece boundary.
    #[wasm_bindgen(constructor)]
    pub fn new(piece_length: u32, len: f64) -> Result<PieceRangeHasher, JsValue> {
        let inner = metainfo::PieceRangeHasher::new(piece_length, len.max(0.0) as u64).map_err(|e| js_error(&e))?;
        Ok(PieceRangeHasher { inner: Some(inner) })
    }

    /// Feeds the next bytes.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        let inner = self.inner.as_mut().ok_or_else(|| JsValue::from(js_sys::Error::new("already finished")))?;
        inner.feed(chunk).map_err(|e| js_error(&e))
    }

    /// The concatenated piece hashes.
    pub fn finish(&mut self) -> Result<Vec<u8>, JsValue> {
        let inner = self.inner.take().ok_or_else(|| JsValue::from(js_sys::Error::new("already finished")))?;
        inner.finish().map_err(|e| js_error(&e))
    }
}

/// SHA-1 of `bytes` (piece hashing; also what the benchmarks time).
#[wasm_bindgen]
pub fn sha1(bytes: &[u8]) -> Vec<u8> {
    crate::piece::sha1(bytes).to_vec()
}

/// Decodes bencode (tolerant) and re-encodes it canonically: the benchmark's unit of work.
/// Returns the encoded length so the work cannot be skipped.
#[wasm_bindgen(js_name = bencodeRoundTrip)]
pub fn bencode_round_trip(bytes: &[u8]) -> Result<u32, JsValue> {
    let value = decode(bytes, Mode::Tolerant).map_err(|e| js_error(&e))?;
    Ok(value.encode_canonical().len() as u32)
}
