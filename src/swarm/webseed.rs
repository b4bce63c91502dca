//! BEP 19 web seeds: planning HTTP Range requests for a byte range of the torrent, across
//! file boundaries for multi-file torrents, and checking the answers strictly.

use crate::metainfo::magnet::percent_encode;
use crate::metainfo::Metainfo;

/// One HTTP request: GET `url` with `Range: bytes=start-end_inclusive`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRange {
    /// The file's URL.
    pub url: String,
    /// First byte, in the file.
    pub start: u64,
    /// Last byte, inclusive, in the file (HTTP's convention).
    pub end_inclusive: u64,
}

impl HttpRange {
    /// Bytes this request returns.
    pub fn len(&self) -> u64 {
        self.end_inclusive - self.start + 1
    }

    /// Never true: a planned range holds at least one byte.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The `Range` header value.
    pub fn header(&self) -> String {
        format!("bytes={}-{}", self.start, self.end_inclusive)
    }
}

/// The URL of file `file` on web seed `base` (BEP 19): a single-file torrent uses the URL as
/// given, or appends the name when it ends in `/`; a multi-file torrent appends
/// `name/path…`, each segment percent-encoded (PROTOCOL.md §6).
pub fn file_url(meta: &Metainfo, base: &str, file: usize) -> Option<String> {
    let entry = meta.files.get(file)?;
    let mut url = base.to_string();
    if meta.single_file {
        if url.ends_with('/') {
            url.push_str(&percent_encode(&meta.name));
        }
        return Some(url);
    }
    if !url.ends_with('/') {
        url.push('/');
    }
    url.push_str(&percent_encode(&meta.name));
    for seg in &entry.path {
        url.push('/');
        url.push_str(&percent_encode(seg));
    }
    Some(url)
}

/// The requests covering torrent bytes `range`, in file order; their bodies concatenated
/// are exactly those bytes. Pad files (BEP 47) are zeros, not fetched.
pub fn plan(meta: &Metainfo, base: &str, range: core::ops::Range<u64>) -> Vec<(HttpRange, bool)> {
    meta.layout
        .segments(range)
        .into_iter()
        .filter_map(|seg| {
            let padding = meta.files.get(seg.file).is_some_and(|f| f.padding);
            let url = file_url(meta, base, seg.file)?;
            Some((HttpRange { url, start: seg.offset_in_file, end_inclusive: seg.offset_in_file + seg.len - 1 }, padding))
        })
        .collect()
}

/// Why a web seed's answer was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WebSeedReject {
    /// Not `206 Partial Content`: a 200 means the server ignored `Range` (WebTorrent
    /// stalls on it; we refuse it).
    Status(u16),
    /// The body is not the requested length.
    Length {
        /// Requested.
        expected: u64,
        /// Received.
        got: u64,
    },
}

/// Checks a response strictly: status 206 and exactly the requested length.
pub fn check_response(req: &HttpRange, status: u16, body_len: u64) -> Result<(), WebSeedReject> {
    if status != 206 {
        return Err(WebSeedReject::Status(status));
    }
    if body_len != req.len() {
        return Err(WebSeedReject::Length { expected: req.len(), got: body_len });
    }
    Ok(())
}
