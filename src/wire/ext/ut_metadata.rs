//! BEP 9 ut_metadata: fetching the info dict from peers (magnet links) and serving it.
//! A message is a bencoded `{msg_type, piece[, total_size]}` followed, for data, by the raw
//! piece bytes. Metadata pieces are 16 KiB; the last may be shorter.

use crate::bencode::{decode_prefix, put_bytes, put_int, Mode};
use crate::metainfo::InfoHash;
use crate::wire::error::WireError;

use super::handshake::MAX_METADATA_SIZE;

/// Metadata piece size (BEP 9).
pub const METADATA_PIECE: u32 = 16 * 1024;

/// One ut_metadata message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetadataMessage<'a> {
    /// `msg_type` 0: please send piece.
    Request(u32),
    /// `msg_type` 1: a piece of the metadata, and the whole size.
    Data {
        /// Piece number.
        piece: u32,
        /// `total_size`: the whole metadata's length.
        total_size: u32,
        /// The bytes after the dict.
        data: &'a [u8],
    },
    /// `msg_type` 2: the sender will not send piece.
    Reject(u32),
}

impl<'a> MetadataMessage<'a> {
    /// Reads a ut_metadata payload.
    pub fn parse(payload: &'a [u8]) -> Result<Self, WireError> {
        let (value, used) = decode_prefix(payload, Mode::Tolerant)
            .map_err(|_| WireError::BadExtension("ut_metadata dict is not bencode"))?;
        let dict = value.as_dict().ok_or(WireError::BadExtension("ut_metadata is not a dictionary"))?;
        let int = |key: &[u8]| dict.get_int(key).and_then(|n| u32::try_from(n).ok());
        let piece = int(b"piece").ok_or(WireError::BadExtension("ut_metadata without a valid piece"))?;
        match dict.get_int(b"msg_type") {
            Some(0) => Ok(MetadataMessage::Request(piece)),
            Some(1) => {
                let total_size =
                    int(b"total_size").ok_or(WireError::BadExtension("ut_metadata data without total_size"))?;
                Ok(MetadataMessage::Data { piece, total_size, data: &payload[used..] })
            }
            Some(2) => Ok(MetadataMessage::Reject(piece)),
            _ => Err(WireError::BadExtension("unknown ut_metadata msg_type")),
        }
    }

    /// The payload. Keys are written sorted and exactly these, because WebTorrent finds the
    /// end of the dict by the first `ee` (PROTOCOL.md §4).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.push(b'd');
        let (kind, piece, total) = match *self {
            MetadataMessage::Request(p) => (0, p, None),
            MetadataMessage::Data { piece, total_size, .. } => (1, piece, Some(total_size)),
            MetadataMessage::Reject(p) => (2, p, None),
        };
        put_bytes(&mut out, b"msg_type");
        put_int(&mut out, kind);
        put_bytes(&mut out, b"piece");
        put_int(&mut out, i64::from(piece));
        if let Some(total) = total {
            put_bytes(&mut out, b"total_size");
            put_int(&mut out, i64::from(total));
        }
        out.push(b'e');
        if let MetadataMessage::Data { data, .. } = self {
            out.extend_from_slice(data);
        }
        out
    }
}

/// Number of 16 KiB pieces for metadata of `size` bytes.
pub fn metadata_pieces(size: u32) -> u32 {
    size.div_ceil(METADATA_PIECE)
}

/// Where metadata piece `piece` starts, or `None` past what a `usize` holds (wasm32 has 32-bit
/// sizes, so a hostile piece number times 16 KiB must not wrap).
fn piece_start(piece: u32) -> Option<usize> {
    usize::try_from(piece).ok()?.checked_mul(METADATA_PIECE as usize)
}

/// Answers a peer's request: the piece from the info dict we hold, or `reject` when we do not
/// hold it yet (`None`) or the piece is past the end. WebTorrent serves any piece once it
/// has the metadata and tolerates rejects (PROTOCOL.md §4).
pub fn serve(info_bytes: Option<&[u8]>, piece: u32) -> MetadataMessage<'_> {
    let Some(info) = info_bytes else {
        return MetadataMessage::Reject(piece);
    };
    let total_size = u32::try_from(info.len()).ok().filter(|&n| n <= MAX_METADATA_SIZE);
    let rest = piece_start(piece).and_then(|start| info.get(start..)).filter(|r| !r.is_empty());
    match (rest, total_size) {
        (Some(rest), Some(total_size)) => {
            MetadataMessage::Data { piece, total_size, data: rest.get(..METADATA_PIECE as usize).unwrap_or(rest) }
        }
        _ => MetadataMessage::Reject(piece),
    }
}

/// Assembles the info dict from data messages, possibly from several peers, and checks it
/// against the info hash before handing it out.
#[derive(Debug)]
pub struct MetadataAssembler {
    info_hash: InfoHash,
    size: u32,
    buf: Vec<u8>,
    have: Vec<bool>,
}

/// What an incoming data message did.
#[derive(Debug, PartialEq, Eq)]
pub enum Assembled {
    /// Stored; more pieces are needed.
    Progress,
    /// Every piece arrived and the SHA-1 matches: the info dict's bytes.
    Complete(Vec<u8>),
}

impl MetadataAssembler {
    /// Starts assembling `size` bytes (from a peer's `metadata_size`), capped at
    /// [`MAX_METADATA_SIZE`] so a peer cannot make us allocate more.
    pub fn new(info_hash: InfoHash, size: u32) -> Result<Self, WireError> {
        if size == 0 || size > MAX_METADATA_SIZE {
            return Err(WireError::BadExtension("metadata_size out of range"));
        }
        Ok(MetadataAssembler {
            info_hash,
            size,
            buf: vec![0; size as usize],
            have: vec![false; metadata_pieces(size) as usize],
        })
    }

    /// The size being assembled.
    pub fn size(&self) -> u32 {
        self.size
    }

    /// Number of 16 KiB pieces.
    pub fn piece_count(&self) -> u32 {
        metadata_pieces(self.size)
    }

    /// Whether piece `piece` has arrived.
    pub fn has(&self, piece: u32) -> bool {
        usize::try_from(piece).ok().and_then(|i| self.have.get(i)).copied().unwrap_or(false)
    }

    /// Pieces still missing, in order.
    pub fn missing(&self) -> impl Iterator<Item = u32> + '_ {
        self.have.iter().enumerate().filter(|(_, h)| !**h).map(|(i, _)| i as u32)
    }

    /// Stores a data message. A piece of the wrong size or beyond the end is the peer's fault;
    /// a hash mismatch clears everything so the fetch restarts (possibly from other peers).
    pub fn add(&mut self, piece: u32, total_size: u32, data: &[u8]) -> Result<Assembled, WireError> {
        if total_size != self.size {
            return Err(WireError::BadExtension("total_size differs from metadata_size"));
        }
        let out_of_range = WireError::BadExtension("metadata piece of the wrong size or out of range");
        let start = piece_start(piece).ok_or(out_of_range.clone())?;
        let expected = (self.size as usize).saturating_sub(start).min(METADATA_PIECE as usize);
        let (Some(slot), Some(have)) = (self.buf.get_mut(start..start + expected), self.have.get_mut(piece as usize))
        else {
            return Err(out_of_range);
        };
        if data.len() != expected || expected == 0 {
            return Err(out_of_range);
        }
        slot.copy_from_slice(data);
        *have = true;
        if self.have.iter().all(|h| *h) {
            if crate::piece::sha1(&self.buf) == self.info_hash.0 {
                return Ok(Assembled::Complete(std::mem::take(&mut self.buf)));
            }
            self.have.iter_mut().for_each(|h| *h = false);
            return Err(WireError::MetadataHashMismatch);
        }
        Ok(Assembled::Progress)
    }
}
