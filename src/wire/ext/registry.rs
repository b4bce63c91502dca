//! Which extension id means what, in each direction (BEP 10).
//!
//! Each side picks the ids it wants to *receive* an extension under and lists them in its
//! `m` dict. So we send ut_metadata with the id from the peer's `m`, and read ids we get by
//! our own table. Later handshakes from the peer are additive: a name with id 0 disables it,
//! names left out keep their id (BEP 10, "handshake message").

use super::handshake::ExtHandshake;
use super::ut_metadata::MetadataMessage;
use crate::wire::error::WireError;
use crate::wire::message::Message;

/// The extensions we speak.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Extension {
    /// BEP 9 metadata exchange.
    UtMetadata,
    /// libtorrent's `lt_donthave`: the sender lost a piece (a web-seed failure, an evicted
    /// cache). A 4-byte piece index.
    LtDonthave,
}

impl Extension {
    /// Every extension we speak, in the order of our ids.
    pub const ALL: [Extension; 2] = [Extension::UtMetadata, Extension::LtDonthave];

    /// The name in `m` dicts.
    pub fn name(self) -> &'static str {
        match self {
            Extension::UtMetadata => "ut_metadata",
            Extension::LtDonthave => "lt_donthave",
        }
    }

    /// The id we ask peers to send this extension under: the same as a browser WebTorrent
    /// (`ut_metadata: 1, lt_donthave: 2`; PROTOCOL.md §4), so traces compare easily.
    pub fn our_id(self) -> u8 {
        match self {
            Extension::UtMetadata => 1,
            Extension::LtDonthave => 2,
        }
    }

    fn index(self) -> usize {
        match self {
            Extension::UtMetadata => 0,
            Extension::LtDonthave => 1,
        }
    }
}

/// An extended message (id 20) read through the registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExtMessage<'a> {
    /// Extended id 0: the peer's extension handshake (already applied to the registry).
    Handshake(ExtHandshake),
    /// A ut_metadata message.
    Metadata(MetadataMessage<'a>),
    /// An lt_donthave: the peer no longer has this piece.
    DontHave(u32),
    /// An id we did not offer: BEP 10 says to ignore it.
    Unknown {
        /// The extension id.
        id: u8,
        /// Its payload.
        payload: &'a [u8],
    },
}

/// Extension ids for one connection: ours (fixed) and the peer's (learnt from its handshake).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExtRegistry {
    theirs: [Option<u8>; Extension::ALL.len()],
    handshakes: u32,
}

impl ExtRegistry {
    /// A registry before the peer's extension handshake: we may send no extension yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Our extension handshake. `metadata_size` only once we hold the info dict (WebTorrent
    /// starts fetching as soon as it sees one); `reqq` is how many requests we queue per
    /// peer, which WebTorrent obeys (PROTOCOL.md §8.7).
    pub fn our_handshake(metadata_size: Option<u32>, reqq: u32, client: &str) -> ExtHandshake {
        ExtHandshake {
            extensions: Extension::ALL.iter().map(|e| (e.name().to_string(), e.our_id())).collect(),
            client: Some(client.to_string()),
            reqq: Some(reqq),
            metadata_size,
            port: None,
            your_ip: None,
        }
    }

    /// Takes in the peer's handshake: names it lists update their ids (0 disables).
    pub fn handle_handshake(&mut self, theirs: &ExtHandshake) {
        self.handshakes = self.handshakes.saturating_add(1);
        for ext in Extension::ALL {
            if let Some((_, id)) = theirs.extensions.iter().rev().find(|(name, _)| name == ext.name()) {
                if let Some(slot) = self.theirs.get_mut(ext.index()) {
                    *slot = (*id != 0).then_some(*id);
                }
            }
        }
    }

    /// How many extension handshakes the peer has sent (WebTorrent restarts its metadata
    /// fetch on each, so a session may want to know).
    pub fn handshakes_seen(&self) -> u32 {
        self.handshakes
    }

    /// The id to send `ext` under, `None` if the peer does not speak it.
    pub fn their_id(&self, ext: Extension) -> Option<u8> {
        self.theirs.get(ext.index()).copied().flatten()
    }

    /// Which of our extensions an incoming extended id is (`None` for 0 or an id we never
    /// offered).
    pub fn ours_by_id(id: u8) -> Option<Extension> {
        Extension::ALL.into_iter().find(|e| e.our_id() == id)
    }

    /// Reads an extended message's payload by its id. A handshake is applied to the registry.
    pub fn decode<'a>(&mut self, id: u8, payload: &'a [u8]) -> Result<ExtMessage<'a>, WireError> {
        if id == 0 {
            let hs = ExtHandshake::parse(payload)?;
            self.handle_handshake(&hs);
            return Ok(ExtMessage::Handshake(hs));
        }
        match Self::ours_by_id(id) {
            Some(Extension::UtMetadata) => MetadataMessage::parse(payload).map(ExtMessage::Metadata),
            Some(Extension::LtDonthave) => {
                let index = payload
                    .first_chunk::<4>()
                    .filter(|_| payload.len() == 4)
                    .ok_or(WireError::BadExtension("lt_donthave is not a 4-byte piece index"))?;
                Ok(ExtMessage::DontHave(u32::from_be_bytes(*index)))
            }
            None => Ok(ExtMessage::Unknown { id, payload }),
        }
    }

    /// Appends a ut_metadata message under the peer's id; `false` (nothing written) if the
    /// peer does not speak ut_metadata.
    pub fn encode_metadata(&self, msg: &MetadataMessage<'_>, out: &mut Vec<u8>) -> bool {
        let Some(id) = self.their_id(Extension::UtMetadata) else {
            return false;
        };
        Message::Extended { id, payload: &msg.encode() }.encode_into(out);
        true
    }

    /// Appends an lt_donthave for `piece`; `false` if the peer does not speak it.
    pub fn encode_dont_have(&self, piece: u32, out: &mut Vec<u8>) -> bool {
        let Some(id) = self.their_id(Extension::LtDonthave) else {
            return false;
        };
        Message::Extended { id, payload: &piece.to_be_bytes() }.encode_into(out);
        true
    }

    /// Appends our extension handshake (extended id 0).
    pub fn encode_handshake(ours: &ExtHandshake, out: &mut Vec<u8>) {
        Message::Extended { id: 0, payload: &ours.encode() }.encode_into(out);
    }
}
