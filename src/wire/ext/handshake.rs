//! The BEP 10 extension handshake: which extensions each side speaks, under which ids.

use crate::bencode::{decode, Mode, OwnedValue, Value};
use crate::wire::error::WireError;

/// What an extended handshake (extended message id 0) says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExtHandshake {
    /// `m`: extension name → the id the SENDER wants to receive it under (0 = disabled).
    pub extensions: Vec<(String, u8)>,
    /// `v`: client name and version.
    pub client: Option<String>,
    /// `reqq`: how many outstanding requests the sender accepts.
    pub reqq: Option<u32>,
    /// `metadata_size` (BEP 9): size of the info dict, when the sender has it.
    pub metadata_size: Option<u32>,
    /// `p`: listen port (meaningless over WebRTC, kept for completeness).
    pub port: Option<u16>,
    /// `yourip`: our address as the sender sees it.
    pub your_ip: Option<Vec<u8>>,
}

/// Largest metadata we accept: WebTorrent's limit is 10,000,000 bytes (PROTOCOL.md §4).
pub const MAX_METADATA_SIZE: u32 = 10_000_000;

impl ExtHandshake {
    /// The id the sender assigned to `name`, if it speaks it.
    pub fn id_of(&self, name: &str) -> Option<u8> {
        self.extensions.iter().find(|(n, id)| n == name && *id != 0).map(|(_, id)| *id)
    }

    /// Reads the bencoded payload. Unknown keys are ignored; wrongly typed known keys are
    /// treated as absent, as clients do, except a dict that is not a dict at all.
    pub fn parse(payload: &[u8]) -> Result<Self, WireError> {
        let value = decode(payload, Mode::Tolerant).map_err(|_| WireError::BadExtension("handshake is not bencode"))?;
        let dict = value.as_dict().ok_or(WireError::BadExtension("handshake is not a dictionary"))?;
        let mut extensions = Vec::new();
        if let Some(m) = dict.get_dict(b"m") {
            for (name, id) in &m.entries {
                if let (Ok(name), Value::Int(id)) = (core::str::from_utf8(name), id) {
                    if let Ok(id) = u8::try_from(*id) {
                        extensions.push((name.to_string(), id));
                    }
                }
            }
        }
        let small = |key: &[u8]| dict.get_int(key).and_then(|n| u32::try_from(n).ok());
        Ok(ExtHandshake {
            extensions,
            client: dict.get_bytes(b"v").map(|v| String::from_utf8_lossy(v).into_owned()),
            reqq: small(b"reqq").filter(|&n| n > 0),
            metadata_size: small(b"metadata_size").filter(|&n| n > 0 && n <= MAX_METADATA_SIZE),
            port: dict.get_int(b"p").and_then(|p| u16::try_from(p).ok()),
            your_ip: dict.get_bytes(b"yourip").map(<[u8]>::to_vec),
        })
    }

    /// The bencoded payload.
    pub fn encode(&self) -> Vec<u8> {
        let mut m = OwnedValue::dict();
        for (name, id) in &self.extensions {
            m = m.insert(name.as_str(), i64::from(*id));
        }
        let mut d = OwnedValue::dict().insert("m", m);
        if let Some(v) = &self.client {
            d = d.insert("v", v.as_str());
        }
        if let Some(n) = self.reqq {
            d = d.insert("reqq", i64::from(n));
        }
        if let Some(n) = self.metadata_size {
            d = d.insert("metadata_size", i64::from(n));
        }
        if let Some(p) = self.port {
            d = d.insert("p", i64::from(p));
        }
        if let Some(ip) = &self.your_ip {
            d = d.insert("yourip", ip.clone());
        }
        d.to_bytes()
    }
}
