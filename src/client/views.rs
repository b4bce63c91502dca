//! What the UI reads about a torrent: its facts, live counters, and peers.

use super::{Client, ClientError};
use crate::engine::{PeerKey, TorrentId};
use crate::metainfo::{hex, Magnet};

/// One file of a torrent (pad files hidden).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileInfo {
    /// Index in the torrent's file list (what `set_file_priority` takes).
    pub index: usize,
    /// Path inside the torrent, `/`-joined.
    pub path: String,
    /// Bytes.
    pub length: u64,
    /// Offset of its first byte in the torrent.
    pub offset: u64,
}

/// A torrent's facts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TorrentInfo {
    /// Its handle.
    pub id: TorrentId,
    /// The v1 (or truncated v2) info hash, hex.
    pub info_hash: String,
    /// The name (a magnet's `dn`, or the hash, before the metadata).
    pub name: String,
    /// Total bytes (0 before the metadata).
    pub length: u64,
    /// Piece length (0 before the metadata).
    pub piece_length: u32,
    /// Pieces (0 before the metadata).
    pub piece_count: u32,
    /// Whether the metadata is known.
    pub has_metadata: bool,
    /// Whether it is paused.
    pub paused: bool,
    /// Whether storage is being checked for pieces it already holds (nothing is requested).
    pub checking: bool,
    /// A magnet link for sharing, with its trackers and web seeds.
    pub magnet: String,
    /// Its files.
    pub files: Vec<FileInfo>,
    /// Its web seeds.
    pub web_seeds: Vec<String>,
}

/// A torrent's live counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TorrentStats {
    /// Payload received (peers and web seeds).
    pub downloaded: u64,
    /// Payload sent.
    pub uploaded: u64,
    /// Bytes per second received, over the last few seconds.
    pub down_speed: u64,
    /// Bytes per second sent.
    pub up_speed: u64,
    /// Connected peers.
    pub peers: u32,
    /// Connected peers that have everything.
    pub seeds: u32,
    /// Verified pieces.
    pub verified_pieces: u32,
    /// Bytes of verified pieces.
    pub have_bytes: u64,
    /// Bytes of wanted pieces (skipped files left out).
    pub wanted_bytes: u64,
    /// Every wanted piece is verified.
    pub complete: bool,
}

/// Where a peer came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeerSource {
    /// A WebRTC data channel.
    Webrtc,
    /// A BEP 19 web seed.
    Webseed,
}

/// One peer or web seed, as the UI lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct PeerInfo {
    /// Its handle (none for a web seed).
    pub peer: Option<PeerKey>,
    /// Its peer id, hex (empty before its handshake; a web seed's is SHA-1 of its URL).
    pub peer_id: String,
    /// Its client name.
    pub client: String,
    /// Where it came from.
    pub source: PeerSource,
    /// A web seed's URL.
    pub url: Option<String>,
    /// Bytes per second from it.
    pub down_speed: u64,
    /// Bytes per second to it.
    pub up_speed: u64,
    /// Share of the pieces it has, 0..1.
    pub progress: f64,
    /// It chokes us.
    pub am_choked: bool,
    /// We want its pieces.
    pub am_interested: bool,
    /// We choke it.
    pub peer_choked: bool,
    /// It wants our pieces.
    pub peer_interested: bool,
}

/// A peer id's client, from its Azureus-style prefix when it sent no `v` (`-WW0300-` is
/// WebTorrent 0.300, the form WebTorrent uses).
fn client_from_id(id: &[u8; 20]) -> String {
    match id {
        [b'-', a, b, v @ .., b'-', _, _, _, _, _, _, _, _, _, _, _, _]
            if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() =>
        {
            let code = format!("{}{}", *a as char, *b as char);
            let version: String = v.iter().map(|c| *c as char).collect();
            match code.as_str() {
                "WW" => format!("WebTorrent {version}"),
                "PP" => format!("peerpage {version}"),
                _ => format!("{code} {version}"),
            }
        }
        _ => String::new(),
    }
}

impl Client {
    /// A torrent's facts.
    pub fn info(&self, id: TorrentId) -> Result<TorrentInfo, ClientError> {
        let entry = self.entry(id)?;
        let swarm = self.swarm(id)?;
        let meta = swarm.metadata();
        let magnet = Magnet {
            info_hash: Some(entry.info_hash),
            name: meta.map(|m| m.name.clone()).or_else(|| entry.display_name.clone()),
            trackers: entry.tracker_urls(),
            web_seeds: swarm.web_seed_urls(),
            ..Magnet::default()
        };
        let files = meta
            .map(|m| {
                m.visible_files()
                    .map(|(index, f)| FileInfo { index, path: f.path.join("/"), length: f.length, offset: f.offset })
                    .collect()
            })
            .unwrap_or_default();
        Ok(TorrentInfo {
            id,
            info_hash: hex(&entry.info_hash.0),
            name: magnet.name.clone().unwrap_or_else(|| hex(&entry.info_hash.0)),
            length: meta.map_or(0, |m| m.total_length()),
            piece_length: meta.map_or(0, |m| m.piece_length),
            piece_count: meta.map_or(0, |m| m.layout.piece_count()),
            has_metadata: meta.is_some(),
            paused: entry.paused,
            checking: swarm.is_checking(),
            magnet: magnet.to_link(),
            files,
            web_seeds: swarm.web_seed_urls(),
        })
    }

    /// A torrent's live counters.
    pub fn stats(&self, id: TorrentId) -> Result<TorrentStats, ClientError> {
        let swarm = self.swarm(id)?;
        let s = swarm.stats();
        let (down_speed, up_speed) = swarm.speeds();
        let (have_bytes, wanted_bytes) = swarm.byte_progress();
        Ok(TorrentStats {
            downloaded: s.downloaded,
            uploaded: s.uploaded,
            down_speed,
            up_speed,
            peers: s.peers,
            seeds: swarm.seed_count(),
            verified_pieces: s.pieces_have,
            have_bytes,
            wanted_bytes,
            complete: swarm.is_complete(),
        })
    }

    /// A torrent's peers and web seeds.
    pub fn peers(&self, id: TorrentId) -> Result<Vec<PeerInfo>, ClientError> {
        let swarm = self.swarm(id)?;
        let total = swarm.stats().pieces_total;
        let mut list: Vec<PeerInfo> = swarm
            .peer_views()
            .into_iter()
            .map(|p| PeerInfo {
                peer: Some(p.key),
                peer_id: p.peer_id.map(|i| hex(&i.0)).unwrap_or_default(),
                client: p.client.clone().or_else(|| p.peer_id.map(|i| client_from_id(&i.0))).unwrap_or_default(),
                source: PeerSource::Webrtc,
                url: None,
                down_speed: p.down_speed,
                up_speed: p.up_speed,
                progress: if total == 0 { 0.0 } else { f64::from(p.pieces) / f64::from(total) },
                am_choked: p.peer_choking,
                am_interested: p.am_interested,
                peer_choked: p.am_choking,
                peer_interested: p.peer_interested,
            })
            .collect();
        for w in swarm.web_seed_views() {
            list.push(PeerInfo {
                peer: None,
                peer_id: hex(&crate::piece::sha1(w.url.as_bytes())),
                client: "web seed".into(),
                source: PeerSource::Webseed,
                url: Some(w.url),
                down_speed: w.down_speed,
                up_speed: 0,
                progress: 1.0,
                am_choked: w.failing,
                am_interested: !swarm.is_complete(),
                peer_choked: true,
                peer_interested: false,
            });
        }
        Ok(list)
    }

    /// The BEP 3 bitfield of verified pieces (empty before the metadata).
    pub fn piece_map(&self, id: TorrentId) -> Result<Vec<u8>, ClientError> {
        Ok(self.swarm(id)?.have().as_wire().to_vec())
    }
}
