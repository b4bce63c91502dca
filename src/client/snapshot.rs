//! Bytes that outlive the page: a .torrent rebuilt for saving and sharing, and the resume
//! snapshot the pump keeps in IndexedDB.
//!
//! Snapshot: bencoded `{have: <BEP 3 bitfield>, info: <info dict bytes, empty before a
//! magnet's metadata>, magnet: <link>, paused: 0|1, tiers: [[url]], url-list: [url]}`.

use super::{Client, ClientError, Entry};
use crate::bencode::{decode, put_bytes, put_int, Mode};
use crate::engine::TorrentId;
use crate::metainfo::{Magnet, Metainfo};
use crate::piece::Bitfield;
use crate::time::Instant;

fn put_list(out: &mut Vec<u8>, items: &[String]) {
    out.push(b'l');
    for s in items {
        put_bytes(out, s.as_bytes());
    }
    out.push(b'e');
}

fn put_tiers(out: &mut Vec<u8>, tiers: &[Vec<String>]) {
    out.push(b'l');
    for tier in tiers.iter().filter(|t| !t.is_empty()) {
        put_list(out, tier);
    }
    out.push(b'e');
}

fn strings(list: Option<&crate::bencode::List<'_>>) -> Option<Vec<String>> {
    list?.items.iter().map(|v| v.as_str().map(String::from)).collect()
}

impl Client {
    /// The .torrent for a torrent with metadata: its exact info dict (so the info hash is
    /// the same), the trackers it announces to, and its web seeds.
    pub fn torrent_file(&self, id: TorrentId) -> Result<Option<Vec<u8>>, ClientError> {
        let entry = self.entry(id)?;
        let swarm = self.swarm(id)?;
        let Some(meta) = swarm.metadata() else { return Ok(None) };
        let mut out = b"d".to_vec();
        if let Some(first) = entry.tiers.iter().flatten().next() {
            put_bytes(&mut out, b"announce");
            put_bytes(&mut out, first.as_bytes());
            put_bytes(&mut out, b"announce-list");
            put_tiers(&mut out, &entry.tiers);
        }
        put_bytes(&mut out, b"info");
        out.extend_from_slice(&meta.info_bytes);
        let seeds = swarm.web_seed_urls();
        if !seeds.is_empty() {
            put_bytes(&mut out, b"url-list");
            put_list(&mut out, &seeds);
        }
        out.push(b'e');
        Ok(Some(out))
    }

    /// Everything needed to add the torrent back after a reload.
    pub fn resume_snapshot(&self, id: TorrentId) -> Result<Vec<u8>, ClientError> {
        let entry = self.entry(id)?;
        let swarm = self.swarm(id)?;
        let magnet = Magnet { info_hash: Some(entry.info_hash), name: entry.display_name.clone(), ..Magnet::default() };
        let mut out = b"d".to_vec();
        put_bytes(&mut out, b"have");
        put_bytes(&mut out, swarm.have().as_wire());
        put_bytes(&mut out, b"info");
        put_bytes(&mut out, swarm.metadata().map(|m| m.info_bytes.as_slice()).unwrap_or_default());
        put_bytes(&mut out, b"magnet");
        put_bytes(&mut out, magnet.to_link().as_bytes());
        put_bytes(&mut out, b"paused");
        put_int(&mut out, i64::from(entry.paused));
        put_bytes(&mut out, b"tiers");
        put_tiers(&mut out, &entry.tiers);
        put_bytes(&mut out, b"url-list");
        put_list(&mut out, &entry.extra_web_seeds);
        out.push(b'e');
        Ok(out)
    }

    /// Adds a torrent back from [`Client::resume_snapshot`] bytes: its verified pieces are
    /// trusted (storage holds them), a paused torrent stays paused.
    pub fn add_resume(&mut self, snapshot: &[u8], now: Instant) -> Result<TorrentId, ClientError> {
        self.restore(snapshot, None, now)
    }

    /// Like [`Client::add_resume`], but the verified pieces are `have` (a BEP 3 bitfield of
    /// what storage holds), not the snapshot's. Storage can then keep the snapshot once and
    /// only its own bitfield per piece, instead of a whole snapshot with every piece.
    pub fn add_resume_with_pieces(
        &mut self,
        snapshot: &[u8],
        have: &[u8],
        now: Instant,
    ) -> Result<TorrentId, ClientError> {
        self.restore(snapshot, Some(have), now)
    }

    fn restore(
        &mut self,
        snapshot: &[u8],
        have_override: Option<&[u8]>,
        now: Instant,
    ) -> Result<TorrentId, ClientError> {
        let value = decode(snapshot, Mode::Strict).map_err(|_| ClientError::BadSnapshot)?;
        let dict = value.as_dict().ok_or(ClientError::BadSnapshot)?;
        let have = dict.get_bytes(b"have").ok_or(ClientError::BadSnapshot)?;
        let have = have_override.unwrap_or(have);
        let info = dict.get_bytes(b"info").ok_or(ClientError::BadSnapshot)?;
        let link = dict.get_str(b"magnet").ok_or(ClientError::BadSnapshot)?;
        let paused = dict.get_int(b"paused").ok_or(ClientError::BadSnapshot)? != 0;
        let tiers: Vec<Vec<String>> = dict
            .get_list(b"tiers")
            .ok_or(ClientError::BadSnapshot)?
            .items
            .iter()
            .map(|t| strings(t.as_list()))
            .collect::<Option<_>>()
            .ok_or(ClientError::BadSnapshot)?;
        let extra_web_seeds = strings(dict.get_list(b"url-list")).ok_or(ClientError::BadSnapshot)?;
        let magnet = Magnet::parse(link).map_err(|_| ClientError::BadSnapshot)?;
        let info_hash = magnet.info_hash.ok_or(ClientError::BadSnapshot)?;
        let id = if info.is_empty() {
            self.engine.add_magnet(link)?
        } else {
            let meta: Metainfo = crate::metainfo::parse_info(info).map_err(|_| ClientError::BadSnapshot)?;
            if meta.swarm_hash() != info_hash {
                return Err(ClientError::BadSnapshot);
            }
            let have = Bitfield::from_wire(have, meta.layout.piece_count()).map_err(|_| ClientError::BadSnapshot)?;
            self.engine.add_metainfo(meta, Some(have))?
        };
        let entry = Entry { info_hash, tiers, display_name: magnet.name, extra_web_seeds, paused, done: false };
        if paused {
            self.engine.set_paused(id, true)?;
        }
        let left = self.left(id);
        self.register(id, entry, left, now);
        Ok(id)
    }
}
