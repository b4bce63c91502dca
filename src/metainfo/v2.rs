//! BEP 52 (v2) file trees: reading them, aligning files to pieces, and checking that a
//! hybrid's v1 file list describes the same files.

use super::error::MetainfoError as E;
use super::parse::check_component;
use super::torrent::FileEntry;
use crate::bencode::{Dict, Value};

/// Deepest directory nesting we read (the bencode decoder caps nesting too).
const MAX_TREE_DEPTH: usize = 48;

/// A v2 torrent is single-file when its tree is exactly `{name: {"": {...}}}`.
pub(super) fn is_single_file(tree: &Dict<'_>) -> bool {
    tree.entries.len() == 1 && tree.entries[0].1.as_dict().is_some_and(|d| d.entries.len() == 1 && d.get(b"").is_some())
}

/// The files of a pure v2 torrent in tree order, with a synthetic pad entry after each file
/// that does not end on a piece boundary: BEP 52 aligns every file to a piece.
pub(super) fn files_from_tree(tree: &Dict<'_>, piece_length: u32) -> Result<Vec<FileEntry>, E> {
    let leaves = leaves(tree)?;
    let mut files = Vec::with_capacity(leaves.len() * 2);
    let mut offset: u64 = 0;
    let count = leaves.len();
    for (i, (path, length, root)) in leaves.into_iter().enumerate() {
        files.push(FileEntry { path, length, offset, padding: false, attr: String::new(), pieces_root: root });
        offset = offset.checked_add(length).ok_or_else(|| E::invalid("info.file tree", "total length overflows"))?;
        let rem = offset % u64::from(piece_length);
        if rem != 0 && i + 1 < count {
            let pad = u64::from(piece_length) - rem;
            files.push(FileEntry {
                path: vec![".pad".into(), pad.to_string()],
                length: pad,
                offset,
                padding: true,
                attr: String::new(),
                pieces_root: None,
            });
            // Hostile lengths near 2^64 can make even the alignment overflow.
            offset = offset.checked_add(pad).ok_or_else(|| E::invalid("info.file tree", "total length overflows"))?;
        }
    }
    Ok(files)
}

/// A hybrid's v1 files (pad files skipped) must be the v2 tree's files, same paths and sizes.
pub(super) fn check_hybrid_agrees(tree: &Dict<'_>, v1_files: &[FileEntry]) -> Result<(), E> {
    let leaves = leaves(tree)?;
    let real: Vec<&FileEntry> = v1_files.iter().filter(|f| !f.padding && f.length > 0).collect();
    let tree_files: Vec<_> = leaves.iter().filter(|(_, len, _)| *len > 0).collect();
    if real.len() != tree_files.len()
        || real.iter().zip(&tree_files).any(|(a, (path, len, _))| a.length != *len || a.path != *path)
    {
        return Err(E::invalid("info.file tree", "does not describe the same files as the v1 file list"));
    }
    Ok(())
}

type Leaf = (Vec<String>, u64, Option<[u8; 32]>);

/// The tree's files in order: (path, length, pieces root).
pub(super) fn leaves(tree: &Dict<'_>) -> Result<Vec<Leaf>, E> {
    let mut out = Vec::new();
    walk(tree, &mut Vec::new(), &mut out, 0)?;
    if out.is_empty() {
        return Err(E::invalid("info.file tree", "no files"));
    }
    Ok(out)
}

fn walk(dir: &Dict<'_>, path: &mut Vec<String>, out: &mut Vec<Leaf>, depth: usize) -> Result<(), E> {
    if depth > MAX_TREE_DEPTH {
        return Err(E::invalid("info.file tree", "nested too deeply"));
    }
    // Tree order is key order; tolerant decoding may keep input order, so sort here.
    let mut entries: Vec<&(&[u8], Value<'_>)> = dir.entries.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    for (key, value) in entries {
        let node = value.as_dict().ok_or_else(|| E::invalid("info.file tree", "an entry is not a dictionary"))?;
        if key.is_empty() {
            if path.is_empty() {
                return Err(E::invalid("info.file tree", "a file with no name"));
            }
            let length = match node.get_int(b"length") {
                Some(n) if n >= 0 => n as u64,
                _ => return Err(E::invalid("info.file tree", "a file without a valid length")),
            };
            let root = match node.get_bytes(b"pieces root") {
                Some(r) => Some(
                    <[u8; 32]>::try_from(r).map_err(|_| E::invalid("info.file tree", "pieces root is not 32 bytes"))?,
                ),
                None if length > 0 => return Err(E::invalid("info.file tree", "a non-empty file without pieces root")),
                None => None,
            };
            out.push((path.clone(), length, root));
        } else {
            let part = String::from_utf8_lossy(key).into_owned();
            check_component("info.file tree", &part)?;
            path.push(part);
            walk(node, path, out, depth + 1)?;
            path.pop();
        }
    }
    Ok(())
}
