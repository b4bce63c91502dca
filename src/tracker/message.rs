//! WebSocket tracker messages (the protocol WebTorrent, bittorrent-tracker and aquatic speak;
//! PROTOCOL.md §1): announces with WebRTC offers, relayed offers and answers, responses.

use super::binary_string::{from_binary_string, to_binary_string};
use super::error::TrackerError;
use super::json::{self, array, push_string, Object, ObjectWriter, Value};
use crate::metainfo::InfoHash;
use crate::wire::PeerId;

/// A 20-byte id the offerer picks for each WebRTC offer; answers echo it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OfferId(pub [u8; 20]);

/// Announce events. `paused` is never sent: aquatic rejects it (PROTOCOL.md §1.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnnounceEvent {
    /// First announce of a session.
    Started,
    /// The download just finished.
    Completed,
    /// Leaving the swarm.
    Stopped,
}

impl AnnounceEvent {
    fn as_str(self) -> &'static str {
        match self {
            AnnounceEvent::Started => "started",
            AnnounceEvent::Completed => "completed",
            AnnounceEvent::Stopped => "stopped",
        }
    }
}

/// What we announce.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Announce {
    /// The swarm.
    pub info_hash: InfoHash,
    /// Our one peer id for every torrent and tracker.
    pub peer_id: PeerId,
    /// Bytes uploaded this session.
    pub uploaded: u64,
    /// Bytes downloaded this session.
    pub downloaded: u64,
    /// Bytes left; `None` while unknown (a magnet before its metadata): the key is then left
    /// out, because `null` makes bittorrent-tracker count us as a seeder.
    pub left: Option<u64>,
    /// `None` for a periodic announce.
    pub event: Option<AnnounceEvent>,
    /// WebRTC offers (id, SDP); left out with `completed` and `stopped`.
    pub offers: Vec<(OfferId, String)>,
    /// Echo of the tracker's `tracker id`, if it gave one.
    pub tracker_id: Option<String>,
}

impl Announce {
    /// The JSON text to send (members in sorted order, as before the JSON writer was ours).
    pub fn to_json(&self) -> String {
        let mut o = ObjectWriter::default().string("action", "announce").number("downloaded", self.downloaded);
        if let Some(event) = self.event {
            o = o.string("event", event.as_str());
        }
        o = o.string("info_hash", &to_binary_string(&self.info_hash.0));
        if let Some(left) = self.left {
            o = o.number("left", left);
        }
        let sends_offers = !matches!(self.event, Some(AnnounceEvent::Completed | AnnounceEvent::Stopped));
        if sends_offers && !self.offers.is_empty() {
            // WebTorrent asks for as many peers as it offers.
            let offers = self.offers.iter().map(|(id, sdp)| {
                ObjectWriter::default()
                    .raw("offer", &sdp_json("offer", sdp))
                    .string("offer_id", &to_binary_string(&id.0))
                    .finish()
            });
            o = o.number("numwant", self.offers.len() as u64).raw("offers", &array(offers));
        } else {
            o = o.number("numwant", 0);
        }
        o = o.string("peer_id", &to_binary_string(&self.peer_id.0));
        if let Some(id) = &self.tracker_id {
            o = o.string("trackerid", id);
        }
        o.number("uploaded", self.uploaded).finish()
    }
}

/// `{"sdp": .., "type": kind}`, an RTCSessionDescription.
fn sdp_json(kind: &str, sdp: &str) -> String {
    ObjectWriter::default().string("sdp", sdp).string("type", kind).finish()
}

/// Our answer to a relayed offer, sent back through the tracker.
pub fn answer_json(info_hash: InfoHash, peer_id: PeerId, to_peer: PeerId, offer_id: OfferId, sdp: &str) -> String {
    ObjectWriter::default()
        .string("action", "announce")
        .raw("answer", &sdp_json("answer", sdp))
        .string("info_hash", &to_binary_string(&info_hash.0))
        .string("offer_id", &to_binary_string(&offer_id.0))
        .string("peer_id", &to_binary_string(&peer_id.0))
        .string("to_peer_id", &to_binary_string(&to_peer.0))
        .finish()
}

/// Scrape request for several swarms.
pub fn scrape_json(info_hashes: &[InfoHash]) -> String {
    let hashes = info_hashes.iter().map(|h| {
        let mut s = String::new();
        push_string(&mut s, &to_binary_string(&h.0));
        s
    });
    ObjectWriter::default().string("action", "scrape").raw("info_hash", &array(hashes)).finish()
}

/// What a tracker sent us.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrackerMessage {
    /// The reply to our announce: swarm counts and when to announce next. Never carries peers.
    AnnounceResponse {
        /// The swarm.
        info_hash: InfoHash,
        /// Seeders.
        complete: Option<u64>,
        /// Leechers.
        incomplete: Option<u64>,
        /// Seconds until the next announce.
        interval: Option<u64>,
        /// Seconds we must wait at least.
        min_interval: Option<u64>,
        /// `warning message`.
        warning: Option<String>,
        /// `tracker id` to echo.
        tracker_id: Option<String>,
    },
    /// Another peer's offer, relayed to us: answer it.
    Offer {
        /// The swarm.
        info_hash: InfoHash,
        /// The offerer.
        peer_id: PeerId,
        /// Its offer id (echo it in the answer).
        offer_id: OfferId,
        /// The offer SDP.
        sdp: String,
    },
    /// The answer to one of our offers.
    Answer {
        /// The swarm.
        info_hash: InfoHash,
        /// The answerer.
        peer_id: PeerId,
        /// Which of our offers.
        offer_id: OfferId,
        /// The answer SDP.
        sdp: String,
    },
    /// `failure reason`, with the swarm when the request parsed.
    Failure {
        /// The swarm, when known.
        info_hash: Option<InfoHash>,
        /// The tracker's words.
        reason: String,
    },
    /// Scrape counts per swarm: (hash, complete, incomplete, downloaded).
    Scrape(Vec<(InfoHash, u64, u64, u64)>),
}

fn id(m: &Object, key: &'static str) -> Result<[u8; 20], TrackerError> {
    let s = m.get(key).and_then(Value::as_str).ok_or(TrackerError::Field(key))?;
    from_binary_string(s).ok_or(TrackerError::BadId(key))
}

fn num(m: &Object, key: &str) -> Option<u64> {
    m.get(key).and_then(Value::as_u64)
}

fn text(m: &Object, key: &str) -> Option<String> {
    m.get(key).and_then(Value::as_str).map(String::from)
}

fn sdp(v: Option<&Value>, kind: &str, field: &'static str) -> Result<String, TrackerError> {
    let v = v.and_then(Value::as_object).ok_or(TrackerError::Field(field))?;
    if v.get("type").and_then(Value::as_str) != Some(kind) {
        return Err(TrackerError::Field(field));
    }
    text(v, "sdp").ok_or(TrackerError::Field(field))
}

impl TrackerMessage {
    /// Reads one text frame from a tracker.
    pub fn parse(text_frame: &str) -> Result<Self, TrackerError> {
        let value = json::parse(text_frame).map_err(|_| TrackerError::NotJson)?;
        let m = value.as_object().ok_or(TrackerError::NotJson)?;
        if let Some(reason) = text(m, "failure reason") {
            let info_hash = id(m, "info_hash").ok().map(InfoHash);
            return Ok(TrackerMessage::Failure { info_hash, reason });
        }
        match m.get("action").and_then(Value::as_str) {
            Some("announce") => {
                let info_hash = InfoHash(id(m, "info_hash")?);
                if m.contains_key("offer") {
                    return Ok(TrackerMessage::Offer {
                        info_hash,
                        peer_id: PeerId(id(m, "peer_id")?),
                        offer_id: OfferId(id(m, "offer_id")?),
                        sdp: sdp(m.get("offer"), "offer", "offer")?,
                    });
                }
                if m.contains_key("answer") {
                    return Ok(TrackerMessage::Answer {
                        info_hash,
                        peer_id: PeerId(id(m, "peer_id")?),
                        offer_id: OfferId(id(m, "offer_id")?),
                        sdp: sdp(m.get("answer"), "answer", "answer")?,
                    });
                }
                Ok(TrackerMessage::AnnounceResponse {
                    info_hash,
                    complete: num(m, "complete"),
                    incomplete: num(m, "incomplete"),
                    interval: num(m, "interval"),
                    min_interval: num(m, "min interval"),
                    warning: text(m, "warning message"),
                    tracker_id: text(m, "tracker id"),
                })
            }
            Some("scrape") => {
                let files = m.get("files").and_then(Value::as_object).ok_or(TrackerError::Field("files"))?;
                let mut out = Vec::new();
                for (hash, counts) in files.iter() {
                    let hash = from_binary_string(hash).ok_or(TrackerError::BadId("files"))?;
                    let c = counts.as_object().ok_or(TrackerError::Field("files"))?;
                    out.push((
                        InfoHash(hash),
                        num(c, "complete").unwrap_or(0),
                        num(c, "incomplete").unwrap_or(0),
                        num(c, "downloaded").unwrap_or(0),
                    ));
                }
                Ok(TrackerMessage::Scrape(out))
            }
            Some(other) => Err(TrackerError::UnknownAction(other.chars().take(32).collect())),
            None => Err(TrackerError::Field("action")),
        }
    }
}
