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
            Some((
                HttpRange { url, start: seg.offset_in_file, end_inclusive: seg.offset_in_file + seg.len - 1 },
                padding,
            ))
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

/// How long an HTTP request may take (WebTorrent's web seed timeout).
pub const HTTP_TIMEOUT: crate::time::Millis = crate::time::Millis(60_000);
/// First back-off after a failed request (WebTorrent re-offers a piece after 10 s);
/// doubled per consecutive failure up to [`MAX_BACKOFF`].
pub const FIRST_BACKOFF: crate::time::Millis = crate::time::Millis(10_000);
/// The longest back-off.
pub const MAX_BACKOFF: crate::time::Millis = crate::time::Millis(300_000);

/// One web seed of a torrent: a peer with every piece that never chokes, fetching one
/// whole piece at a time (as WebTorrent does) in one range per file it spans.
#[derive(Clone, Debug)]
pub struct WebSeed {
    /// The `url-list` entry.
    pub url: String,
    /// A stable id for blame: SHA-1 of the URL, so smart ban can name a lying server.
    pub id: crate::wire::PeerId,
    /// The piece being fetched, if any.
    pub piece: Option<u32>,
    /// No requests before this instant.
    pub backoff_until: crate::time::Instant,
    /// Consecutive failures.
    pub failures: u32,
    /// Bytes of verified-or-not pieces it delivered.
    pub downloaded: u64,
    /// Its speed.
    pub meter: super::rate::Meter,
}

impl WebSeed {
    /// A web seed for `url`.
    pub fn new(url: &str) -> Self {
        WebSeed {
            url: url.to_string(),
            id: crate::wire::PeerId(crate::piece::sha1(url.as_bytes())),
            piece: None,
            backoff_until: crate::time::Instant(0),
            failures: 0,
            downloaded: 0,
            meter: super::rate::Meter::default(),
        }
    }

    /// A request failed: wait, longer each time in a row.
    pub fn fail(&mut self, now: crate::time::Instant) {
        self.piece = None;
        self.failures = self.failures.saturating_add(1);
        let shift = self.failures.saturating_sub(1).min(8);
        let wait = (FIRST_BACKOFF.0 << shift).min(MAX_BACKOFF.0);
        self.backoff_until = now + crate::time::Millis(wait);
    }
}

/// One HTTP request in flight.
#[derive(Clone, Debug)]
pub struct PendingGet {
    /// Which web seed.
    pub seed: usize,
    /// Which piece.
    pub piece: u32,
    /// Where its body goes in the piece.
    pub offset_in_piece: u32,
    /// What was asked.
    pub range: HttpRange,
    /// When it was sent.
    pub sent: crate::time::Instant,
}
