//! Magnet links (BEP 9; `so` from BEP 53): parsing what WebTorrent and others emit, and
//! building links that every client reads.

use super::error::MetainfoError as E;
use super::info_hash::{InfoHash, InfoHashV2};
pub use crate::percent::{percent_decode, percent_encode};

/// What a magnet link names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Magnet {
    /// `xt=urn:btih:` (40 hex or 32 base32).
    pub info_hash: Option<InfoHash>,
    /// `xt=urn:btmh:1220…` (v2, SHA-256 multihash).
    pub info_hash_v2: Option<InfoHashV2>,
    /// `dn`: display name.
    pub name: Option<String>,
    /// `tr`: trackers, in order, without duplicates.
    pub trackers: Vec<String>,
    /// `ws`: web seeds (BEP 19).
    pub web_seeds: Vec<String>,
    /// `xs`: exact sources (a URL of the .torrent).
    pub exact_sources: Vec<String>,
    /// `so`: selected file indices (BEP 53), expanded and sorted.
    pub select_only: Vec<u32>,
    /// `x.pe`: peer addresses (host:port); no use in a browser but kept.
    pub peers: Vec<String>,
}

/// The most file indices a `so` range may expand to, so `so=0-4294967295` cannot eat memory.
const MAX_SELECTED: usize = 1 << 20;

impl Magnet {
    /// Parses `magnet:?…`. A bare 40-hex or 32-base32 info hash is accepted too, as WebTorrent
    /// does.
    pub fn parse(link: &str) -> Result<Magnet, E> {
        let link = link.trim();
        if let Some(hash) = InfoHash::from_hex(link).or_else(|| InfoHash::from_base32(link)) {
            return Ok(Magnet { info_hash: Some(hash), ..Magnet::default() });
        }
        let query = link
            .strip_prefix("magnet:?")
            .or_else(|| link.strip_prefix("MAGNET:?"))
            .ok_or_else(|| E::Magnet("it does not start with magnet:?".into()))?;
        let mut m = Magnet::default();
        for param in query.split('&').filter(|p| !p.is_empty()) {
            let (key, raw) = param.split_once('=').unwrap_or((param, ""));
            let value = percent_decode(raw).ok_or_else(|| E::Magnet(format!("bad percent-encoding in {key}")))?;
            match key {
                "xt" => m.read_xt(&value)?,
                // A `+` in a query value is a space (form encoding), as WebTorrent reads `dn`.
                "dn" => m.name = Some(percent_decode(&raw.replace('+', " ")).unwrap_or(value)),
                "tr" => push_unique(&mut m.trackers, value),
                "ws" | "as" => push_unique(&mut m.web_seeds, value),
                "xs" => push_unique(&mut m.exact_sources, value),
                "x.pe" => push_unique(&mut m.peers, value),
                "so" => m.select_only = parse_so(&value)?,
                // kt, ix and unknown keys carry nothing we act on.
                _ => {}
            }
        }
        if m.info_hash.is_none() && m.info_hash_v2.is_none() {
            return Err(E::Magnet("it has no xt=urn:btih: or urn:btmh: info hash".into()));
        }
        Ok(m)
    }

    fn read_xt(&mut self, value: &str) -> Result<(), E> {
        if let Some(h) = strip_prefix_ci(value, "urn:btih:") {
            let hash = InfoHash::from_hex(h)
                .or_else(|| InfoHash::from_base32(h))
                .ok_or_else(|| E::Magnet(format!("urn:btih:{h} is neither 40 hex nor 32 base32 characters")))?;
            self.info_hash = Some(hash);
        } else if let Some(h) = strip_prefix_ci(value, "urn:btmh:") {
            // Multihash: 0x12 = SHA-256, 0x20 = 32 bytes (BEP 52).
            let digest = strip_prefix_ci(h, "1220")
                .and_then(InfoHashV2::from_hex)
                .ok_or_else(|| E::Magnet("urn:btmh: must be 1220 followed by 64 hex digits".into()))?;
            self.info_hash_v2 = Some(digest);
        }
        // Other xt namespaces (ed2k, sha1, ...) belong to other networks: ignored.
        Ok(())
    }

    /// The link, every value percent-encoded: `magnet:?xt=urn:btih:…&dn=…&tr=…&ws=…`.
    pub fn to_link(&self) -> String {
        let mut parts = Vec::new();
        if let Some(h) = self.info_hash {
            parts.push(format!("xt=urn:btih:{}", h.to_hex()));
        }
        if let Some(h) = self.info_hash_v2 {
            parts.push(format!("xt=urn:btmh:1220{}", h.to_hex()));
        }
        if let Some(name) = &self.name {
            parts.push(format!("dn={}", percent_encode(name)));
        }
        parts.extend(self.trackers.iter().map(|t| format!("tr={}", percent_encode(t))));
        parts.extend(self.web_seeds.iter().map(|w| format!("ws={}", percent_encode(w))));
        parts.extend(self.exact_sources.iter().map(|x| format!("xs={}", percent_encode(x))));
        if !self.select_only.is_empty() {
            parts.push(format!("so={}", so_ranges(&self.select_only)));
        }
        parts.extend(self.peers.iter().map(|p| format!("x.pe={}", percent_encode(p))));
        format!("magnet:?{}", parts.join("&"))
    }

    /// The magnet for a parsed torrent: hashes, name, trackers and web seeds.
    pub fn from_metainfo(meta: &super::Metainfo) -> Magnet {
        Magnet {
            info_hash: meta.info_hash,
            info_hash_v2: meta.info_hash_v2,
            name: Some(meta.name.clone()),
            trackers: meta.tracker_urls().map(String::from).collect(),
            web_seeds: meta.web_seeds.clone(),
            ..Magnet::default()
        }
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &s[prefix.len()..])
}

fn push_unique(list: &mut Vec<String>, value: String) {
    if !value.is_empty() && !list.contains(&value) {
        list.push(value);
    }
}

/// BEP 53: `0,2,4-6` → [0, 2, 4, 5, 6].
fn parse_so(value: &str) -> Result<Vec<u32>, E> {
    let bad = || E::Magnet(format!("so={value} is not a list of file indices and ranges"));
    let mut out = Vec::new();
    for part in value.split(',').filter(|p| !p.is_empty()) {
        let (a, b) = part.split_once('-').unwrap_or((part, part));
        let a: u32 = a.trim().parse().map_err(|_| bad())?;
        let b: u32 = b.trim().parse().map_err(|_| bad())?;
        // u64: on wasm32 `usize` is 32 bits, and `len + (b - a)` could wrap past the cap.
        if a > b || out.len() as u64 + u64::from(b - a) >= MAX_SELECTED as u64 {
            return Err(bad());
        }
        out.extend(a..=b);
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// BEP 53 in its short form: runs of consecutive indices become `a-b` (`0,2,4-6`).
fn so_ranges(indices: &[u32]) -> String {
    let mut sorted = indices.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut parts = Vec::new();
    let mut iter = sorted.into_iter().peekable();
    while let Some(first) = iter.next() {
        let mut last = first;
        while iter.peek().is_some_and(|&next| Some(next) == last.checked_add(1)) {
            last = iter.next().unwrap_or(last);
        }
        parts.push(if first == last { first.to_string() } else { format!("{first}-{last}") });
    }
    parts.join(",")
}

/// Fuzz entry point: parsing never panics, and what parses survives a build/parse round trip.
#[doc(hidden)]
pub fn fuzz_parse(data: &[u8]) {
    if let Ok(text) = core::str::from_utf8(data) {
        if let Ok(m) = Magnet::parse(text) {
            let again = Magnet::parse(&m.to_link()).expect("our own link parses");
            assert_eq!(again.info_hash, m.info_hash);
            assert_eq!(again.trackers, m.trackers);
        }
    }
}
