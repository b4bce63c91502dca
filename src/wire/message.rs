//! Peer wire messages (BEP 3, BEP 6 Fast, BEP 10 extended): a 4-byte big-endian length, a
//! 1-byte id, the payload. Decoding borrows payloads (a block is a slice, not a copy).

use super::error::WireError;

/// (index, begin, length) of a requested block (BEP 3 `request`, `cancel`; BEP 6 `reject`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BlockRequest {
    /// Piece index.
    pub index: u32,
    /// Byte offset within the piece.
    pub begin: u32,
    /// Length in bytes.
    pub length: u32,
}

/// One message. Unknown ids are kept, not refused: BEP 3 peers ignore them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Message<'a> {
    /// Length 0: nothing but proof of life (WebTorrent sends one every 55 s).
    KeepAlive,
    /// id 0.
    Choke,
    /// id 1.
    Unchoke,
    /// id 2.
    Interested,
    /// id 3.
    NotInterested,
    /// id 4: the sender now has this piece.
    Have(u32),
    /// id 5: the sender's pieces, high bit first (validated against the piece count later).
    Bitfield(&'a [u8]),
    /// id 6.
    Request(BlockRequest),
    /// id 7: a block.
    Piece {
        /// Piece index.
        index: u32,
        /// Byte offset within the piece.
        begin: u32,
        /// The block's bytes.
        data: &'a [u8],
    },
    /// id 8.
    Cancel(BlockRequest),
    /// id 9: DHT port (never used in a browser).
    Port(u16),
    /// id 13 (Fast): a hint; ignored, as WebTorrent does.
    Suggest(u32),
    /// id 14 (Fast): the sender is a seeder.
    HaveAll,
    /// id 15 (Fast): the sender has nothing.
    HaveNone,
    /// id 16 (Fast): a request the sender will not serve.
    Reject(BlockRequest),
    /// id 17 (Fast): a piece we may request while choked.
    AllowedFast(u32),
    /// id 20 (BEP 10): extension id (0 = handshake) and its payload.
    Extended {
        /// The extension id, as the receiver assigned it in its `m` dict.
        id: u8,
        /// The payload.
        payload: &'a [u8],
    },
    /// Any other id, kept so the caller can ignore it.
    Unknown {
        /// The id.
        id: u8,
        /// The payload.
        payload: &'a [u8],
    },
}

/// Message ids (BEP 3, BEP 6 Fast, BEP 10).
pub const ID_CHOKE: u8 = 0;
/// `unchoke`.
pub const ID_UNCHOKE: u8 = 1;
/// `interested`.
pub const ID_INTERESTED: u8 = 2;
/// `not interested`.
pub const ID_NOT_INTERESTED: u8 = 3;
/// `have`.
pub const ID_HAVE: u8 = 4;
/// `bitfield`.
pub const ID_BITFIELD: u8 = 5;
/// `request`.
pub const ID_REQUEST: u8 = 6;
/// `piece`.
pub const ID_PIECE: u8 = 7;
/// `cancel`.
pub const ID_CANCEL: u8 = 8;
/// `port` (DHT).
pub const ID_PORT: u8 = 9;
/// `suggest piece` (Fast).
pub const ID_SUGGEST: u8 = 13;
/// `have all` (Fast).
pub const ID_HAVE_ALL: u8 = 14;
/// `have none` (Fast).
pub const ID_HAVE_NONE: u8 = 15;
/// `reject request` (Fast).
pub const ID_REJECT: u8 = 16;
/// `allowed fast` (Fast).
pub const ID_ALLOWED_FAST: u8 = 17;
/// `extended` (BEP 10).
pub const ID_EXTENDED: u8 = 20;

/// Bytes of a `piece` message before its block: length prefix, id, index, begin.
pub const PIECE_HEADER_LEN: usize = 13;

fn u32_at(p: &[u8], at: usize) -> u32 {
    // Callers check lengths first; `get` keeps this total anyway.
    p.get(at..).and_then(<[u8]>::first_chunk::<4>).map_or(0, |b| u32::from_be_bytes(*b))
}

fn exact(id: u8, payload: &[u8], len: usize) -> Result<(), WireError> {
    if payload.len() == len {
        Ok(())
    } else {
        Err(WireError::BadLength { id, len: payload.len() })
    }
}

fn block_request(id: u8, p: &[u8]) -> Result<BlockRequest, WireError> {
    exact(id, p, 12)?;
    Ok(BlockRequest { index: u32_at(p, 0), begin: u32_at(p, 4), length: u32_at(p, 8) })
}

/// A length prefix for a body of `body_len` bytes. Bodies are ours (we never build one above
/// a few hundred KiB), so saturation is unreachable rather than a silent truncation.
fn prefix(body_len: usize) -> [u8; 4] {
    u32::try_from(body_len).unwrap_or(u32::MAX).to_be_bytes()
}

impl<'a> Message<'a> {
    /// Decodes a message body (everything after the length prefix). An empty body is a
    /// keep-alive.
    pub fn decode(body: &'a [u8]) -> Result<Message<'a>, WireError> {
        let Some((&id, p)) = body.split_first() else {
            return Ok(Message::KeepAlive);
        };
        Ok(match id {
            0 | 1 | 2 | 3 | 14 | 15 => {
                exact(id, p, 0)?;
                match id {
                    0 => Message::Choke,
                    1 => Message::Unchoke,
                    2 => Message::Interested,
                    3 => Message::NotInterested,
                    14 => Message::HaveAll,
                    _ => Message::HaveNone,
                }
            }
            4 | 13 | 17 => {
                exact(id, p, 4)?;
                let index = u32_at(p, 0);
                match id {
                    4 => Message::Have(index),
                    13 => Message::Suggest(index),
                    _ => Message::AllowedFast(index),
                }
            }
            5 => Message::Bitfield(p),
            6 => Message::Request(block_request(id, p)?),
            8 => Message::Cancel(block_request(id, p)?),
            16 => Message::Reject(block_request(id, p)?),
            7 => {
                let Some(data) = p.get(8..) else {
                    return Err(WireError::BadLength { id, len: p.len() });
                };
                Message::Piece { index: u32_at(p, 0), begin: u32_at(p, 4), data }
            }
            9 => {
                let Some(&port) = p.first_chunk::<2>().filter(|_| p.len() == 2) else {
                    return Err(WireError::BadLength { id, len: p.len() });
                };
                Message::Port(u16::from_be_bytes(port))
            }
            20 => {
                let Some((&ext, payload)) = p.split_first() else {
                    return Err(WireError::BadLength { id, len: 0 });
                };
                Message::Extended { id: ext, payload }
            }
            _ => Message::Unknown { id, payload: p },
        })
    }

    /// Appends the message, length prefix included.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        out.reserve(self.encoded_len());
        self.encode_with(&mut |bytes: &[u8]| out.extend_from_slice(bytes));
    }

    /// Hands the encoding to `write` in pieces (prefix, id, fields, payload), so the same
    /// code fills a vector or a fixed send buffer.
    fn encode_with(&self, write: &mut impl FnMut(&[u8])) {
        let body_len = self.encoded_len() - 4;
        write(&prefix(body_len));
        let Some(id) = self.id() else { return };
        write(&[id]);
        match *self {
            Message::Have(i) | Message::Suggest(i) | Message::AllowedFast(i) => write(&i.to_be_bytes()),
            Message::Request(r) | Message::Cancel(r) | Message::Reject(r) => {
                write(&r.index.to_be_bytes());
                write(&r.begin.to_be_bytes());
                write(&r.length.to_be_bytes());
            }
            Message::Piece { index, begin, data } => {
                write(&index.to_be_bytes());
                write(&begin.to_be_bytes());
                write(data);
            }
            Message::Port(port) => write(&port.to_be_bytes()),
            Message::Extended { id, payload } => {
                write(&[id]);
                write(payload);
            }
            Message::Bitfield(payload) | Message::Unknown { payload, .. } => write(payload),
            Message::KeepAlive
            | Message::Choke
            | Message::Unchoke
            | Message::Interested
            | Message::NotInterested
            | Message::HaveAll
            | Message::HaveNone => {}
        }
    }

    /// The 13-byte header of a `piece` message carrying `len` block bytes, so a block can be
    /// sent as header + data without copying the data into one buffer.
    pub fn encode_piece_header(out: &mut Vec<u8>, index: u32, begin: u32, len: usize) {
        out.extend_from_slice(&prefix(len + 9));
        out.push(ID_PIECE);
        out.extend_from_slice(&index.to_be_bytes());
        out.extend_from_slice(&begin.to_be_bytes());
    }

    /// The 13-byte `piece` header as an array, for writing next to a block without a buffer.
    pub fn piece_header(index: u32, begin: u32, len: usize) -> [u8; PIECE_HEADER_LEN] {
        let mut out = [0u8; PIECE_HEADER_LEN];
        let (head, rest) = out.split_at_mut(4);
        head.copy_from_slice(&prefix(len + 9));
        rest[0] = ID_PIECE;
        rest[1..5].copy_from_slice(&index.to_be_bytes());
        rest[5..9].copy_from_slice(&begin.to_be_bytes());
        out
    }

    /// The message id on the wire (`None` for a keep-alive).
    pub fn id(&self) -> Option<u8> {
        Some(match self {
            Message::KeepAlive => return None,
            Message::Choke => ID_CHOKE,
            Message::Unchoke => ID_UNCHOKE,
            Message::Interested => ID_INTERESTED,
            Message::NotInterested => ID_NOT_INTERESTED,
            Message::Have(_) => ID_HAVE,
            Message::Bitfield(_) => ID_BITFIELD,
            Message::Request(_) => ID_REQUEST,
            Message::Piece { .. } => ID_PIECE,
            Message::Cancel(_) => ID_CANCEL,
            Message::Port(_) => ID_PORT,
            Message::Suggest(_) => ID_SUGGEST,
            Message::HaveAll => ID_HAVE_ALL,
            Message::HaveNone => ID_HAVE_NONE,
            Message::Reject(_) => ID_REJECT,
            Message::AllowedFast(_) => ID_ALLOWED_FAST,
            Message::Extended { .. } => ID_EXTENDED,
            Message::Unknown { id, .. } => *id,
        })
    }

    /// Whether this is a BEP 6 Fast message, allowed only when both handshakes set the Fast
    /// bit (WebTorrent closes the connection otherwise; PROTOCOL.md §3).
    pub fn requires_fast(&self) -> bool {
        matches!(
            self,
            Message::Suggest(_) | Message::HaveAll | Message::HaveNone | Message::Reject(_) | Message::AllowedFast(_)
        )
    }

    /// Refuses a Fast message on a connection where Fast was not negotiated by both
    /// handshakes (BEP 6: "only if both ends set the bit"; WebTorrent closes the connection).
    pub fn check_fast(&self, fast_negotiated: bool) -> Result<(), WireError> {
        match self.id() {
            Some(id) if self.requires_fast() && !fast_negotiated => Err(WireError::FastNotNegotiated { id }),
            _ => Ok(()),
        }
    }

    /// Bytes [`Message::encode_into`] writes, length prefix included.
    pub fn encoded_len(&self) -> usize {
        4 + match self {
            Message::KeepAlive => 0,
            Message::Choke | Message::Unchoke | Message::Interested | Message::NotInterested => 1,
            Message::HaveAll | Message::HaveNone => 1,
            Message::Have(_) | Message::Suggest(_) | Message::AllowedFast(_) => 5,
            Message::Request(_) | Message::Cancel(_) | Message::Reject(_) => 13,
            Message::Port(_) => 3,
            Message::Bitfield(b) => 1 + b.len(),
            Message::Piece { data, .. } => 9 + data.len(),
            Message::Extended { payload, .. } => 2 + payload.len(),
            Message::Unknown { payload, .. } => 1 + payload.len(),
        }
    }

    /// Writes the message into the front of `out` (a caller's send buffer) and returns the
    /// bytes written, or [`WireError::BufferTooSmall`] leaving `out` unspecified.
    pub fn encode_to_slice(&self, out: &mut [u8]) -> Result<usize, WireError> {
        let need = self.encoded_len();
        let Some(dest) = out.get_mut(..need) else {
            return Err(WireError::BufferTooSmall { need, have: out.len() });
        };
        let mut w = SliceWriter { dest, at: 0 };
        let mut write = |bytes: &[u8]| w.put(bytes);
        self.encode_with(&mut write);
        Ok(need)
    }

    /// The encoding as a new vector.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }
}

/// Copies consecutive writes into a slice already checked to be exactly long enough.
struct SliceWriter<'a> {
    dest: &'a mut [u8],
    at: usize,
}

impl SliceWriter<'_> {
    fn put(&mut self, bytes: &[u8]) {
        let end = self.at + bytes.len();
        if let Some(d) = self.dest.get_mut(self.at..end) {
            d.copy_from_slice(bytes);
        }
        self.at = end;
    }
}
