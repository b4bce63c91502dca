//! The wasm `Core`: a thin wrapper of [`crate::client::Client`] for the JS pump
//! (CORE_API.md). Conversions only: times are `performance.now()` milliseconds, handles are
//! numbers, outputs are small objects with `Uint8Array` payloads, errors carry `code`.

use super::{js_error, to_js, BadArgument};
use crate::client::{Client, ClientOutput, ConnId, PeerSource};
use crate::engine::{Event, Output, PeerKey, TorrentId};
use crate::swarm::Priority;
use crate::time::Instant;
use js_sys::{Object, Reflect, Uint8Array};
use serde::Serialize;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

fn at(now: f64) -> Instant {
    // performance.now() is never negative; NaN and negatives become 0.
    Instant(if now > 0.0 { now as u64 } else { 0 })
}

fn err(e: crate::client::ClientError) -> JsValue {
    js_error(&e)
}

fn torrent(id: u32) -> TorrentId {
    TorrentId(id)
}

fn peer(id: f64) -> PeerKey {
    PeerKey(if id > 0.0 { id as u64 } else { 0 })
}

fn bytes_per_sec(v: f64) -> u64 {
    if v.is_finite() && v > 0.0 {
        v as u64
    } else {
        0
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FileView {
    index: usize,
    path: String,
    length: f64,
    offset: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InfoView {
    id: u32,
    info_hash: String,
    name: String,
    length: f64,
    piece_length: u32,
    piece_count: u32,
    has_metadata: bool,
    paused: bool,
    checking: bool,
    magnet: String,
    files: Vec<FileView>,
    web_seeds: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StatsView {
    downloaded: f64,
    uploaded: f64,
    down_speed: f64,
    up_speed: f64,
    peers: u32,
    seeds: u32,
    verified_pieces: u32,
    have_bytes: f64,
    wanted_bytes: f64,
    complete: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PeerView {
    peer: Option<f64>,
    peer_id: String,
    client: String,
    source: &'static str,
    url: Option<String>,
    down_speed: f64,
    up_speed: f64,
    progress: f64,
    am_choked: bool,
    am_interested: bool,
    peer_choked: bool,
    peer_interested: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TrackerView {
    url: String,
    connected: bool,
    seeders: Option<f64>,
    leechers: Option<f64>,
    last_error: Option<String>,
}

thread_local! {
    /// JS strings of output keys and types, each made once: a Rust str becomes a JS string
    /// through TextDecoder, and every output (one per channel message, piece, event) names
    /// three or four.
    static NAMES: RefCell<Vec<(&'static str, JsValue)>> = const { RefCell::new(Vec::new()) };
}

/// The index of `name` in [`NAMES`], added on first use.
fn name_index(name: &'static str) -> usize {
    NAMES.with(|names| {
        let mut names = names.borrow_mut();
        names.iter().position(|(n, _)| *n == name).unwrap_or_else(|| {
            names.push((name, JsValue::from_str(name)));
            names.len() - 1
        })
    })
}

/// Sets `object[key] = value`, or the name `value_name` when given.
fn set_named(object: &Object, key: &'static str, value: &JsValue, value_name: Option<&'static str>) {
    let k = name_index(key);
    let v = value_name.map(name_index);
    NAMES.with(|names| {
        let names = names.borrow();
        let _ = Reflect::set(object, &names[k].1, v.map_or(value, |v| &names[v].1));
    });
}

/// A small output object: `{type, ...fields}`.
struct Out(Object);

impl Out {
    fn new(kind: &'static str) -> Out {
        let o = Object::new();
        set_named(&o, "type", &JsValue::UNDEFINED, Some(kind));
        Out(o)
    }
    fn set(self, key: &'static str, value: impl Into<JsValue>) -> Out {
        set_named(&self.0, key, &value.into(), None);
        self
    }
    fn bytes(self, key: &'static str, bytes: &[u8]) -> Out {
        let value: JsValue = Uint8Array::from(bytes).into();
        self.set(key, value)
    }
}

fn engine_output(out: Output) -> Out {
    match out {
        Output::Send { peer, bytes } => Out::new("send").set("peer", peer.0 as f64).bytes("bytes", &bytes),
        Output::ClosePeer { peer, reason } => Out::new("close-peer").set("peer", peer.0 as f64).set("reason", reason),
        Output::StorePiece { torrent, piece, data } => {
            Out::new("store-piece").set("torrent", torrent.0).set("piece", piece).bytes("data", &data)
        }
        Output::ReadPiece { torrent, piece } => Out::new("read-piece").set("torrent", torrent.0).set("piece", piece),
        Output::HttpGet { torrent, id, url, start, end_inclusive } => Out::new("http-get")
            .set("torrent", torrent.0)
            .set("request", id as f64)
            .set("url", url)
            .set("start", start as f64)
            .set("end", end_inclusive as f64),
        Output::Event(Event::MetadataReady(torrent)) => Out::new("metadata").set("torrent", torrent.0),
        Output::Event(Event::PieceVerified(torrent, piece)) => {
            Out::new("verified").set("torrent", torrent.0).set("piece", piece)
        }
        Output::Event(Event::HashFailed(torrent, piece)) => {
            Out::new("hash-failed").set("torrent", torrent.0).set("piece", piece)
        }
        Output::Event(Event::Complete(torrent)) => Out::new("complete").set("torrent", torrent.0),
        Output::Event(Event::Banned(torrent, peer_id)) => {
            Out::new("banned").set("torrent", torrent.0).set("peerId", crate::metainfo::hex(&peer_id.0))
        }
    }
}

fn output(out: ClientOutput) -> JsValue {
    let o = match out {
        ClientOutput::Engine(out) => engine_output(out),
        ClientOutput::TrackerConnect { url } => Out::new("tracker-connect").set("url", url),
        ClientOutput::TrackerClose { url } => Out::new("tracker-close").set("url", url),
        ClientOutput::TrackerSend { url, text } => Out::new("tracker-send").set("url", url).set("text", text),
        ClientOutput::CreateOffer { conn, torrent } => {
            Out::new("create-offer").set("conn", conn.0).set("torrent", torrent.0)
        }
        ClientOutput::AcceptOffer { conn, torrent, sdp } => {
            Out::new("accept-offer").set("conn", conn.0).set("torrent", torrent.0).set("sdp", sdp)
        }
        ClientOutput::ApplyAnswer { conn, sdp } => Out::new("apply-answer").set("conn", conn.0).set("sdp", sdp),
        ClientOutput::DropConn { conn } => Out::new("drop-conn").set("conn", conn.0),
        ClientOutput::PeerCount { torrent } => Out::new("peer-count").set("torrent", torrent.0),
    };
    o.0.into()
}

/// The whole BitTorrent peer: torrents, trackers, WebRTC connection planning.
#[wasm_bindgen]
pub struct Core {
    inner: Client,
}

#[wasm_bindgen]
impl Core {
    /// `peerId`: 20 bytes (one per page session); `seed`: 8 random bytes; `securePage`:
    /// the page is https (only `wss://` trackers then).
    #[wasm_bindgen(constructor)]
    pub fn new(peer_id: &[u8], seed: &[u8], secure_page: bool) -> Result<Core, JsValue> {
        let id: [u8; 20] = peer_id.try_into().map_err(|_| js_error(&BadArgument("peerId must be 20 bytes")))?;
        let seed: [u8; 8] = seed.try_into().map_err(|_| js_error(&BadArgument("seed must be 8 bytes")))?;
        Ok(Core { inner: Client::new(crate::wire::PeerId(id), u64::from_le_bytes(seed), secure_page) })
    }

    /// Trackers for torrents and magnets that name none.
    #[wasm_bindgen(js_name = setDefaultTrackers)]
    pub fn set_default_trackers(&mut self, urls: Vec<String>) {
        self.inner.set_default_trackers(urls);
    }

    /// Adds .torrent bytes; returns the torrent id.
    #[wasm_bindgen(js_name = addTorrent)]
    pub fn add_torrent(&mut self, torrent: &[u8], now: f64) -> Result<u32, JsValue> {
        self.inner.add_torrent(torrent, at(now)).map(|t| t.0).map_err(err)
    }

    /// Adds a torrent whose every piece we hold.
    #[wasm_bindgen(js_name = addSeed)]
    pub fn add_seed(&mut self, torrent: &[u8], now: f64) -> Result<u32, JsValue> {
        self.inner.add_seed(torrent, at(now)).map(|t| t.0).map_err(err)
    }

    /// Adds a magnet link.
    #[wasm_bindgen(js_name = addMagnet)]
    pub fn add_magnet(&mut self, link: &str, now: f64) -> Result<u32, JsValue> {
        self.inner.add_magnet(link, at(now)).map(|t| t.0).map_err(err)
    }

    /// Adds a torrent back from `resumeSnapshot` bytes; `have`, when given, is the bitfield
    /// of pieces storage holds and replaces the snapshot's.
    #[wasm_bindgen(js_name = addResume)]
    pub fn add_resume(&mut self, snapshot: &[u8], now: f64, have: Option<Vec<u8>>) -> Result<u32, JsValue> {
        match have {
            Some(have) => self.inner.add_resume_with_pieces(snapshot, &have, at(now)),
            None => self.inner.add_resume(snapshot, at(now)),
        }
        .map(|t| t.0)
        .map_err(err)
    }

    /// Removes a torrent (`stopped` to its trackers).
    #[wasm_bindgen(js_name = removeTorrent)]
    pub fn remove_torrent(&mut self, id: u32, now: f64) -> Result<(), JsValue> {
        self.inner.remove_torrent(torrent(id), at(now)).map_err(err)
    }

    /// Pauses a torrent.
    pub fn pause(&mut self, id: u32, now: f64) -> Result<(), JsValue> {
        self.inner.pause(torrent(id), at(now)).map_err(err)
    }

    /// Resumes a torrent.
    pub fn resume(&mut self, id: u32, now: f64) -> Result<(), JsValue> {
        self.inner.resume(torrent(id), at(now)).map_err(err)
    }

    /// Torrent ids, oldest first.
    #[wasm_bindgen(js_name = torrentIds)]
    pub fn torrent_ids(&self) -> Vec<u32> {
        self.inner.torrent_ids().into_iter().map(|t| t.0).collect()
    }

    /// A torrent's facts.
    pub fn info(&self, id: u32) -> Result<JsValue, JsValue> {
        let i = self.inner.info(torrent(id)).map_err(err)?;
        to_js(&InfoView {
            id: i.id.0,
            info_hash: i.info_hash,
            name: i.name,
            length: i.length as f64,
            piece_length: i.piece_length,
            piece_count: i.piece_count,
            has_metadata: i.has_metadata,
            paused: i.paused,
            checking: i.checking,
            magnet: i.magnet,
            files: i
                .files
                .into_iter()
                .map(|f| FileView { index: f.index, path: f.path, length: f.length as f64, offset: f.offset as f64 })
                .collect(),
            web_seeds: i.web_seeds,
        })
    }

    /// The .torrent bytes (undefined before a magnet's metadata).
    #[wasm_bindgen(js_name = torrentFile)]
    pub fn torrent_file(&self, id: u32) -> Result<Option<Vec<u8>>, JsValue> {
        self.inner.torrent_file(torrent(id)).map_err(err)
    }

    /// Live counters.
    pub fn stats(&self, id: u32) -> Result<JsValue, JsValue> {
        let s = self.inner.stats(torrent(id)).map_err(err)?;
        to_js(&StatsView {
            downloaded: s.downloaded as f64,
            uploaded: s.uploaded as f64,
            down_speed: s.down_speed as f64,
            up_speed: s.up_speed as f64,
            peers: s.peers,
            seeds: s.seeds,
            verified_pieces: s.verified_pieces,
            have_bytes: s.have_bytes as f64,
            wanted_bytes: s.wanted_bytes as f64,
            complete: s.complete,
        })
    }

    /// Peers and web seeds.
    pub fn peers(&self, id: u32) -> Result<JsValue, JsValue> {
        let list: Vec<PeerView> = self
            .inner
            .peers(torrent(id))
            .map_err(err)?
            .into_iter()
            .map(|p| PeerView {
                peer: p.peer.map(|k| k.0 as f64),
                peer_id: p.peer_id,
                client: p.client,
                source: match p.source {
                    PeerSource::Webrtc => "webrtc",
                    PeerSource::Webseed => "webseed",
                },
                url: p.url,
                down_speed: p.down_speed as f64,
                up_speed: p.up_speed as f64,
                progress: p.progress,
                am_choked: p.am_choked,
                am_interested: p.am_interested,
                peer_choked: p.peer_choked,
                peer_interested: p.peer_interested,
            })
            .collect();
        to_js(&list)
    }

    /// Tracker states.
    pub fn trackers(&self, id: u32) -> Result<JsValue, JsValue> {
        let list: Vec<TrackerView> = self
            .inner
            .tracker_status(torrent(id))
            .map_err(err)?
            .into_iter()
            .map(|t| TrackerView {
                url: t.url,
                connected: t.connected,
                seeders: t.counts.map(|c| c.0 as f64),
                leechers: t.counts.map(|c| c.1 as f64),
                last_error: t.last_error,
            })
            .collect();
        to_js(&list)
    }

    /// BEP 3 bitfield of verified pieces.
    #[wasm_bindgen(js_name = pieceMap)]
    pub fn piece_map(&self, id: u32) -> Result<Vec<u8>, JsValue> {
        self.inner.piece_map(torrent(id)).map_err(err)
    }

    /// Bytes to keep for `addResume`.
    #[wasm_bindgen(js_name = resumeSnapshot)]
    pub fn resume_snapshot(&self, id: u32) -> Result<Vec<u8>, JsValue> {
        self.inner.resume_snapshot(torrent(id)).map_err(err)
    }

    /// `'skip' | 'low' | 'normal' | 'high'`.
    #[wasm_bindgen(js_name = setFilePriority)]
    pub fn set_file_priority(&mut self, id: u32, file: u32, priority: &str) -> Result<(), JsValue> {
        let p = match priority {
            "skip" => Priority::Skip,
            "low" => Priority::Low,
            "normal" => Priority::Normal,
            "high" => Priority::High,
            _ => return Err(js_error(&BadArgument("priority must be skip, low, normal or high"))),
        };
        self.inner.set_file_priority(torrent(id), file as usize, p).map_err(err)
    }

    /// Bytes of the torrent to fetch first.
    #[wasm_bindgen(js_name = setStreamWindow)]
    pub fn set_stream_window(&mut self, id: u32, offset: f64, length: f64) -> Result<(), JsValue> {
        self.inner.set_stream_window(torrent(id), bytes_per_sec(offset), bytes_per_sec(length)).map_err(err)
    }

    /// Global limits in bytes per second (0 = unlimited).
    #[wasm_bindgen(js_name = setRateLimits)]
    pub fn set_rate_limits(&mut self, down: f64, up: f64) {
        self.inner.set_rate_limits(bytes_per_sec(down), bytes_per_sec(up));
    }

    /// One torrent's limits in bytes per second (0 = unlimited).
    #[wasm_bindgen(js_name = setTorrentRateLimits)]
    pub fn set_torrent_rate_limits(&mut self, id: u32, down: f64, up: f64) -> Result<(), JsValue> {
        self.inner.set_torrent_rate_limits(torrent(id), bytes_per_sec(down), bytes_per_sec(up)).map_err(err)
    }

    /// The tracker's WebSocket opened.
    #[wasm_bindgen(js_name = trackerOpened)]
    pub fn tracker_opened(&mut self, url: &str, now: f64) {
        self.inner.tracker_opened(url, at(now));
    }

    /// The tracker's WebSocket closed or failed.
    #[wasm_bindgen(js_name = trackerClosed)]
    pub fn tracker_closed(&mut self, url: &str, now: f64) {
        self.inner.tracker_closed(url, at(now));
    }

    /// A text frame from a tracker.
    #[wasm_bindgen(js_name = trackerMessage)]
    pub fn tracker_message(&mut self, url: &str, text: &str, now: f64) -> Result<(), JsValue> {
        self.inner.tracker_message(url, text, at(now)).map_err(err)
    }

    /// A connection's SDP (our offer or our answer), ICE gathering complete.
    #[wasm_bindgen(js_name = connSdp)]
    pub fn conn_sdp(&mut self, conn: u32, sdp: String, now: f64) -> Result<(), JsValue> {
        self.inner.conn_sdp(ConnId(conn), sdp, at(now)).map_err(err)
    }

    /// A connection failed before its channel opened.
    #[wasm_bindgen(js_name = connFailed)]
    pub fn conn_failed(&mut self, conn: u32, now: f64) -> Result<(), JsValue> {
        self.inner.conn_failed(ConnId(conn), at(now)).map_err(err)
    }

    /// A connection's data channel opened; returns its peer handle.
    #[wasm_bindgen(js_name = connOpen)]
    pub fn conn_open(&mut self, conn: u32, now: f64) -> Result<f64, JsValue> {
        self.inner.conn_open(ConnId(conn), at(now)).map(|p| p.0 as f64).map_err(err)
    }

    /// Bytes from a peer's data channel.
    #[wasm_bindgen(js_name = peerData)]
    pub fn peer_data(&mut self, peer_key: f64, bytes: &[u8], now: f64) -> Result<(), JsValue> {
        self.inner.peer_data(peer(peer_key), bytes, at(now)).map_err(err)
    }

    /// A peer's data channel closed.
    #[wasm_bindgen(js_name = peerClosed)]
    pub fn peer_closed(&mut self, peer_key: f64, now: f64) -> Result<(), JsValue> {
        self.inner.peer_closed(peer(peer_key), at(now)).map_err(err)
    }

    /// A peer's data channel drained (`bufferedamountlow`).
    #[wasm_bindgen(js_name = peerDrained)]
    pub fn peer_drained(&mut self, peer_key: f64, now: f64) -> Result<(), JsValue> {
        self.inner.peer_drained(peer(peer_key), at(now)).map_err(err)
    }

    /// Storage read a piece.
    #[wasm_bindgen(js_name = pieceRead)]
    pub fn piece_read(&mut self, id: u32, piece: u32, bytes: Vec<u8>, now: f64) -> Result<(), JsValue> {
        self.inner.piece_read(torrent(id), piece, bytes, at(now)).map_err(err)
    }

    /// Storage is about to be checked for pieces it already holds: nothing is requested
    /// until `piecesChecked`.
    #[wasm_bindgen(js_name = startCheck)]
    pub fn start_check(&mut self, id: u32) -> Result<(), JsValue> {
        self.inner.start_check(torrent(id)).map_err(err)
    }

    /// The check is done: `found` (a BEP 3 bitfield) are the pieces storage holds whose
    /// hashes matched; the rest is fetched.
    #[wasm_bindgen(js_name = piecesChecked)]
    pub fn pieces_checked(&mut self, id: u32, found: &[u8], now: f64) -> Result<(), JsValue> {
        self.inner.pieces_checked(torrent(id), found, at(now)).map_err(err)
    }

    /// Storage lost a piece.
    #[wasm_bindgen(js_name = pieceMissing)]
    pub fn piece_missing(&mut self, id: u32, piece: u32, now: f64) -> Result<(), JsValue> {
        self.inner.piece_missing(torrent(id), piece, at(now)).map_err(err)
    }

    /// A web seed's answer (status 0: network error).
    #[wasm_bindgen(js_name = httpResponse)]
    pub fn http_response(&mut self, id: u32, request: f64, status: u16, body: &[u8], now: f64) -> Result<(), JsValue> {
        self.inner.http_response(torrent(id), bytes_per_sec(request), status, body, at(now)).map_err(err)
    }

    /// The timer fired.
    pub fn timeout(&mut self, now: f64) {
        self.inner.handle_timeout(at(now));
    }

    /// When to call `timeout` (absolute, same clock), or undefined.
    #[wasm_bindgen(js_name = nextTimeout)]
    pub fn next_timeout(&self) -> Option<f64> {
        self.inner.poll_timeout().map(|t| t.0 as f64)
    }

    /// The next output, or undefined.
    pub fn poll(&mut self) -> JsValue {
        self.inner.poll_output().map_or(JsValue::UNDEFINED, output)
    }
}
