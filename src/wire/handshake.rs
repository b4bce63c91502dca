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

/// A reserved-bit position: (byte index, mask), as BEPs give them.
pub type ReservedBit = (usize, u8);
/// BEP 10 extension protocol: byte 5, 0x10 (WebTorrent always sets it).
pub const EXTENSION_BIT: ReservedBit = (5, 0x10);
/// BEP 6 Fast extension: byte 7, 0x04 (WebTorrent always sets it).
pub const FAST_BIT: ReservedBit = (7, 0x04);
/// BEP 5 DHT: byte 7, 0x01 (never set in a browser).
pub const DHT_BIT: ReservedBit = (7, 0x01);
/// BEP 52 upgrade to v2: byte 7, 0x10.
pub const V2_UPGRADE_BIT: ReservedBit = (7, 0x10);

impl Handshake {
    /// Our handshake: extension protocol and Fast, as WebTorrent sets them (PROTOCOL.md §3).
    pub fn ours(info_hash: InfoHash, peer_id: PeerId) -> Self {
        let mut h = Handshake { reserved: [0; 8], info_hash, peer_id };
        h.set_bit(EXTENSION_BIT, true);
        h.set_bit(FAST_BIT, true);
        h
    }

    /// Whether a reserved bit is set. Bits we do not know are kept as received.
    pub fn has_bit(&self, (byte, mask): ReservedBit) -> bool {
        self.reserved.get(byte).is_some_and(|b| b & mask != 0)
    }

    /// Sets or clears a reserved bit.
    pub fn set_bit(&mut self, (byte, mask): ReservedBit, on: bool) {
        if let Some(b) = self.reserved.get_mut(byte) {
            if on {
                *b |= mask;
            } else {
                *b &= !mask;
            }
        }
    }

    /// Whether the sender speaks BEP 10 extensions.
    pub fn supports_extensions(&self) -> bool {
        self.has_bit(EXTENSION_BIT)
    }

    /// Whether the sender speaks BEP 6 (Fast). It applies only if both sides set it.
    pub fn supports_fast(&self) -> bool {
        self.has_bit(FAST_BIT)
    }

    /// Whether the sender runs a DHT node (BEP 5).
    pub fn supports_dht(&self) -> bool {
        self.has_bit(DHT_BIT)
    }

    /// Checks a peer's handshake the way WebTorrent does before going on (PROTOCOL.md §3):
    /// it must be for `info_hash` and must not carry `our_peer_id`. The peer id is not
    /// compared with the tracker's, as WebTorrent does not either.
    pub fn check(&self, info_hash: &InfoHash, our_peer_id: &PeerId) -> Result<(), WireError> {
        if self.info_hash != *info_hash {
            return Err(WireError::ForeignInfoHash);
        }
        if self.peer_id == *our_peer_id {
            return Err(WireError::OwnPeerId);
        }
        Ok(())
    }

    /// Reads exactly 68 bytes.
    pub fn parse(bytes: &[u8; HANDSHAKE_LEN]) -> Result<Self, WireError> {
        // Fixed-size array: these splits cannot fail, and the compiler checks them.
        let (pstr, rest) = bytes.split_first_chunk::<20>().ok_or(WireError::BadProtocol)?;
        if pstr != PROTOCOL {
            return Err(WireError::BadProtocol);
        }
        let (reserved, rest) = rest.split_first_chunk::<8>().ok_or(WireError::BadProtocol)?;
        let (info_hash, rest) = rest.split_first_chunk::<20>().ok_or(WireError::BadProtocol)?;
        let peer_id = rest.first_chunk::<20>().ok_or(WireError::BadProtocol)?;
        Ok(Handshake { reserved: *reserved, info_hash: InfoHash(*info_hash), peer_id: PeerId(*peer_id) })
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
