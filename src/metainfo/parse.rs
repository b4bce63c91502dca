//! Reading .torrent files (BEP 3, 12, 19, 27, 47, 52) into [`Metainfo`].

use super::error::MetainfoError as E;
use super::info_hash::{InfoHash, InfoHashV2};
use super::layout::{Layout, LayoutError};
use super::torrent::{FileEntry, MetaVersion, Metainfo};
use super::v2;
use crate::bencode::{decode, Dict, Mode, Value};
use sha2::{Digest, Sha256};

/// Largest piece length we accept: a piece is verified in memory, and no creator goes past
/// 64 MiB in practice; 256 MiB leaves room while bounding memory.
pub const MAX_PIECE_LENGTH: u32 = 256 << 20;

/// Parses a whole .torrent file. Real-world files that are not canonical bencode are read
/// (tolerant mode); the info hash is always taken over the original bytes of `info`.
pub fn parse_torrent(bytes: &[u8]) -> Result<Metainfo, E> {
    let top = decode(bytes, Mode::Tolerant)?;
    let top = top.as_dict().ok_or_else(|| E::invalid("(top level)", "not a dictionary"))?;
    let info = match top.get(b"info") {
        Some(Value::Dict(d)) => d,
        Some(_) => return Err(E::invalid("info", "not a dictionary")),
        None => return Err(E::Missing("info")),
    };
    let mut meta = parse_info_dict(info)?;
    meta.trackers = trackers(top);
    meta.web_seeds = web_seeds(top);
    meta.comment = text(top, b"comment.utf-8").or_else(|| text(top, b"comment"));
    meta.created_by = text(top, b"created by");
    meta.creation_date = top.get_int(b"creation date");
    if let (Some(layers), Some(Value::Dict(info))) = (top.get(b"piece layers"), top.get(b"info")) {
        let layers = layers.as_dict().ok_or_else(|| E::invalid("piece layers", "not a dictionary"))?;
        let tree =
            info.get_dict(b"file tree").ok_or_else(|| E::invalid("piece layers", "in a torrent with no file tree"))?;
        let roots: Vec<(u64, [u8; 32])> =
            v2::leaves(tree)?.into_iter().filter_map(|(_, len, root)| Some((len, root?))).collect();
        meta.piece_layers = super::piece_layers::check(layers, &roots, meta.piece_length)?;
    }
    Ok(meta)
}

/// Parses a bare info dict, as fetched from peers with BEP 9 (no trackers or web seeds).
pub fn parse_info(info_bytes: &[u8]) -> Result<Metainfo, E> {
    let info = decode(info_bytes, Mode::Tolerant)?;
    let info = info.as_dict().ok_or_else(|| E::invalid("info", "not a dictionary"))?;
    parse_info_dict(info)
}

fn parse_info_dict(info: &Dict<'_>) -> Result<Metainfo, E> {
    let info_hash_v1 = InfoHash(crate::piece::sha1(info.raw));
    let name = text(info, b"name.utf-8").or_else(|| text(info, b"name")).ok_or(E::Missing("info.name"))?;
    check_component("info.name", &name)?;
    let piece_length = match info.get_int(b"piece length") {
        None => return Err(E::Missing("info.piece length")),
        Some(n) if n <= 0 => return Err(E::invalid("info.piece length", "must be positive")),
        Some(n) if n > i64::from(MAX_PIECE_LENGTH) => {
            return Err(E::invalid("info.piece length", format!("{n} bytes is larger than 256 MiB")))
        }
        Some(n) => n as u32,
    };
    let meta_version = info.get_int(b"meta version");
    let has_v1 = info.get(b"pieces").is_some();
    let version = match (meta_version, has_v1) {
        (Some(2), true) => MetaVersion::Hybrid,
        (Some(2), false) => MetaVersion::V2,
        (Some(v), _) if v != 1 => {
            return Err(E::Unsupported(format!("meta version {v}")));
        }
        (_, true) => MetaVersion::V1,
        (_, false) => return Err(E::Missing("info.pieces")),
    };
    let private = info.get_int(b"private") == Some(1);

    let (files, single_file) = if version == MetaVersion::V2 {
        let tree = info.get_dict(b"file tree").ok_or(E::Missing("info.file tree"))?;
        (v2::files_from_tree(tree, piece_length)?, v2::is_single_file(tree))
    } else {
        v1_files(info, &name)?
    };
    if version == MetaVersion::Hybrid {
        let tree = info.get_dict(b"file tree").ok_or(E::Missing("info.file tree"))?;
        v2::check_hybrid_agrees(tree, &files)?;
    }
    let lengths: Vec<u64> = files.iter().map(|f| f.length).collect();
    let layout = Layout::new(&lengths, piece_length).map_err(|e| match e {
        LayoutError::Empty => E::invalid("info.length", "the torrent holds no data"),
        LayoutError::TooLarge => E::invalid("info.files", "total length overflows 64 bits"),
        LayoutError::TooManyPieces => E::invalid("info.piece length", "too many pieces"),
        LayoutError::ZeroPieceLength => E::invalid("info.piece length", "must be positive"),
    })?;
    let pieces = if has_v1 { v1_pieces(info, layout.piece_count())? } else { Vec::new() };
    let info_hash_v2 = (meta_version == Some(2)).then(|| InfoHashV2(Sha256::digest(info.raw).into()));
    Ok(Metainfo {
        version,
        info_hash: has_v1.then_some(info_hash_v1),
        info_hash_v2,
        info_bytes: info.raw.to_vec(),
        name,
        piece_length,
        pieces,
        files,
        single_file,
        private,
        trackers: Vec::new(),
        web_seeds: Vec::new(),
        comment: None,
        created_by: None,
        creation_date: None,
        piece_layers: 0,
        layout,
    })
}

fn v1_pieces(info: &Dict<'_>, piece_count: u32) -> Result<Vec<[u8; 20]>, E> {
    let bytes = info.get_bytes(b"pieces").ok_or_else(|| E::invalid("info.pieces", "not a byte string"))?;
    if bytes.len() % 20 != 0 {
        return Err(E::invalid("info.pieces", format!("{} bytes is not a multiple of 20", bytes.len())));
    }
    if bytes.len() / 20 != piece_count as usize {
        return Err(E::invalid("info.pieces", format!("{} hashes for {piece_count} pieces", bytes.len() / 20)));
    }
    Ok(bytes.chunks_exact(20).map(|c| c.try_into().unwrap_or([0; 20])).collect())
}

fn v1_files(info: &Dict<'_>, name: &str) -> Result<(Vec<FileEntry>, bool), E> {
    let entry = |path: Vec<String>, length, offset, attr: String| FileEntry {
        // BEP 47 marks pad files with `attr` p. BitComet wrote them before BEP 47 existed,
        // named `_____padding_file_N_…` with no attr; libtorrent hides those too.
        padding: attr.contains('p') || path.last().is_some_and(|name| name.starts_with(LEGACY_PAD_PREFIX)),
        path,
        length,
        offset,
        attr: attr.replace('p', ""),
        pieces_root: None,
    };
    if let Some(files) = info.get(b"files") {
        let files = files.as_list().ok_or_else(|| E::invalid("info.files", "not a list"))?;
        let mut out = Vec::with_capacity(files.items.len());
        let mut offset: u64 = 0;
        for (i, file) in files.items.iter().enumerate() {
            let field = |f: &str| format!("info.files[{i}].{f}");
            let file = file.as_dict().ok_or_else(|| E::invalid(format!("info.files[{i}]"), "not a dictionary"))?;
            let length = length(file, &field("length"))?;
            let path_value = file.get(b"path.utf-8").or_else(|| file.get(b"path"));
            let path = path_value
                .and_then(Value::as_list)
                .ok_or_else(|| E::invalid(field("path"), "missing or not a list"))?;
            let mut components = Vec::with_capacity(path.items.len());
            for part in &path.items {
                let part = part.as_bytes().ok_or_else(|| E::invalid(field("path"), "a component is not a string"))?;
                let part = String::from_utf8_lossy(part).into_owned();
                check_component(&field("path"), &part)?;
                components.push(part);
            }
            if components.is_empty() {
                return Err(E::invalid(field("path"), "empty"));
            }
            let attr = file.get_str(b"attr").unwrap_or("").to_string();
            out.push(entry(components, length, offset, attr));
            offset = offset.checked_add(length).ok_or_else(|| E::invalid("info.files", "total length overflows"))?;
        }
        if out.is_empty() {
            return Err(E::invalid("info.files", "no files"));
        }
        Ok((out, false))
    } else {
        let length = length(info, "info.length")?;
        let attr = info.get_str(b"attr").unwrap_or("").to_string();
        Ok((vec![entry(vec![name.to_string()], length, 0, attr)], true))
    }
}

/// Name prefix of the pad files BitComet wrote before BEP 47 gave them an attribute.
const LEGACY_PAD_PREFIX: &str = "_____padding_file_";

/// The non-negative integer `length` of a file dict (or of a single-file info dict).
fn length(dict: &Dict<'_>, field: &str) -> Result<u64, E> {
    match dict.get(b"length") {
        None => Err(E::invalid(field, "missing")),
        Some(Value::Int(n)) if *n >= 0 => Ok(*n as u64),
        Some(Value::Int(n)) => Err(E::invalid(field, format!("negative ({n})"))),
        Some(v) => Err(E::invalid(field, format!("a {} instead of an integer", v.kind_name()))),
    }
}

/// A path component must not escape the download folder or hide a separator.
pub(super) fn check_component(field: &str, part: &str) -> Result<(), E> {
    if part.is_empty() || part == "." || part == ".." || part.contains(['/', '\\', '\0']) {
        return Err(E::invalid(field, format!("unsafe path component {part:?}")));
    }
    Ok(())
}

fn text(dict: &Dict<'_>, key: &[u8]) -> Option<String> {
    dict.get_bytes(key).map(|b| String::from_utf8_lossy(b).into_owned())
}

/// BEP 12 tiers, else `announce` as one tier; empty and repeated URLs dropped.
fn trackers(top: &Dict<'_>) -> Vec<Vec<String>> {
    let mut seen = std::collections::HashSet::new();
    let mut tiers = Vec::new();
    if let Some(list) = top.get_list(b"announce-list") {
        for tier in &list.items {
            let urls: Vec<String> = tier
                .as_list()
                .map(|t| t.items.iter().filter_map(Value::as_str).map(str::trim).map(String::from).collect())
                .unwrap_or_default();
            let urls: Vec<String> = urls.into_iter().filter(|u| !u.is_empty() && seen.insert(u.clone())).collect();
            if !urls.is_empty() {
                tiers.push(urls);
            }
        }
    }
    // BEP 12: a client that reads announce-list ignores announce.
    if tiers.is_empty() {
        if let Some(announce) = top.get_str(b"announce").map(str::trim).filter(|a| !a.is_empty()) {
            tiers.push(vec![announce.to_string()]);
        }
    }
    tiers
}

/// BEP 19 `url-list`: a string or a list of strings; an empty string means none.
fn web_seeds(top: &Dict<'_>) -> Vec<String> {
    let mut out: Vec<String> = match top.get(b"url-list") {
        Some(Value::Bytes(b)) => vec![String::from_utf8_lossy(b).into_owned()],
        Some(Value::List(l)) => l.items.iter().filter_map(Value::as_str).map(String::from).collect(),
        _ => Vec::new(),
    };
    out.retain(|u| !u.trim().is_empty());
    out.dedup();
    out
}
