//! The 68-byte handshake (BEP 3) and the reserved bits peers use to announce extensions.

use super::error::WireError;
use crate::metainfo::InfoHash;

/// `\x13BitTorrent protocol`.
pub const PROTOCOL: &[u8; 20] = b"\x13BitTorrent protocol";
/// Handshake length in bytes.
pub const HANDSHAKE_LEN: usize = 68;

/// A 20-byte peer id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PeerId(pub [u8; 20]);

/// The handshake both sides send first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Handshake {
    /// Reserved bits, kept as received so unknown ones survive.
    pub reserved: [u8; 8],
    /// The torrent.
    pub info_hash: InfoHash,
    /// The sender.
    pub peer_id: PeerId,
}

/// BEP 10: reserved byte 5, bit 0x10.
const EXTENSION_BYTE: usize = 5;
const EXTENSION_BIT: u8 = 0x10;
/// BEP 6 (Fast): reserved byte 7, bit 0x04.
const FAST_BYTE: usize = 7;
const FAST_BIT: u8 = 0x04;

impl Handshake {
    /// Our handshake: extension protocol and Fast, as WebTorrent sets them (PROTOCOL.md §3).
    pub fn ours(info_hash: InfoHash, peer_id: PeerId) -> Self {
        let mut reserved = [0u8; 8];
        reserved[EXTENSION_BYTE] |= EXTENSION_BIT;
        reserved[FAST_BYTE] |= FAST_BIT;
        Handshake { reserved, info_hash, peer_id }
    }

    /// Whether the sender speaks BEP 10 extensions.
    pub fn supports_extensions(&self) -> bool {
        self.reserved[EXTENSION_BYTE] & EXTENSION_BIT != 0
    }

    /// Whether the sender speaks BEP 6 (Fast). It applies only if both sides set it.
    pub fn supports_fast(&self) -> bool {
        self.reserved[FAST_BYTE] & FAST_BIT != 0
    }

    /// Reads exactly 68 bytes.
    pub fn parse(bytes: &[u8; HANDSHAKE_LEN]) -> Result<Self, WireError> {
        if &bytes[..20] != PROTOCOL {
            return Err(WireError::BadProtocol);
        }
        let mut reserved = [0u8; 8];
        reserved.copy_from_slice(&bytes[20..28]);
        let mut info_hash = [0u8; 20];
        info_hash.copy_from_slice(&bytes[28..48]);
        let mut peer_id = [0u8; 20];
        peer_id.copy_from_slice(&bytes[48..68]);
        Ok(Handshake { reserved, info_hash: InfoHash(info_hash), peer_id: PeerId(peer_id) })
    }

    /// The 68 bytes on the wire.
    pub fn encode(&self) -> [u8; HANDSHAKE_LEN] {
        let mut out = [0u8; HANDSHAKE_LEN];
        out[..20].copy_from_slice(PROTOCOL);
        out[20..28].copy_from_slice(&self.reserved);
        out[28..48].copy_from_slice(&self.info_hash.0);
        out[48..68].copy_from_slice(&self.peer_id.0);
        out
    }
}
