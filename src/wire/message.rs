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

fn u32_at(p: &[u8], at: usize) -> u32 {
    // Callers check lengths first; `get` keeps this total anyway.
    p.get(at..at + 4).map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
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
                if p.len() < 8 {
                    return Err(WireError::BadLength { id, len: p.len() });
                }
                Message::Piece { index: u32_at(p, 0), begin: u32_at(p, 4), data: &p[8..] }
            }
            9 => {
                exact(id, p, 2)?;
                Message::Port(u16::from_be_bytes([p[0], p[1]]))
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
        let header = |out: &mut Vec<u8>, id: u8, payload_len: usize| {
            out.extend_from_slice(&((payload_len + 1) as u32).to_be_bytes());
            out.push(id);
        };
        let request = |out: &mut Vec<u8>, id: u8, r: &BlockRequest| {
            header(out, id, 12);
            out.extend_from_slice(&r.index.to_be_bytes());
            out.extend_from_slice(&r.begin.to_be_bytes());
            out.extend_from_slice(&r.length.to_be_bytes());
        };
        match *self {
            Message::KeepAlive => out.extend_from_slice(&0u32.to_be_bytes()),
            Message::Choke => header(out, 0, 0),
            Message::Unchoke => header(out, 1, 0),
            Message::Interested => header(out, 2, 0),
            Message::NotInterested => header(out, 3, 0),
            Message::HaveAll => header(out, 14, 0),
            Message::HaveNone => header(out, 15, 0),
            Message::Have(i) | Message::Suggest(i) | Message::AllowedFast(i) => {
                let id = match self {
                    Message::Have(_) => 4,
                    Message::Suggest(_) => 13,
                    _ => 17,
                };
                header(out, id, 4);
                out.extend_from_slice(&i.to_be_bytes());
            }
            Message::Bitfield(bits) => {
                header(out, 5, bits.len());
                out.extend_from_slice(bits);
            }
            Message::Request(r) => request(out, 6, &r),
            Message::Cancel(r) => request(out, 8, &r),
            Message::Reject(r) => request(out, 16, &r),
            Message::Piece { index, begin, data } => {
                Self::encode_piece_header(out, index, begin, data.len());
                out.extend_from_slice(data);
            }
            Message::Port(port) => {
                header(out, 9, 2);
                out.extend_from_slice(&port.to_be_bytes());
            }
            Message::Extended { id, payload } => {
                header(out, 20, payload.len() + 1);
                out.push(id);
                out.extend_from_slice(payload);
            }
            Message::Unknown { id, payload } => {
                header(out, id, payload.len());
                out.extend_from_slice(payload);
            }
        }
    }

    /// The 13-byte header of a `piece` message carrying `len` block bytes, so a block can be
    /// sent as header + data without copying the data into one buffer.
    pub fn encode_piece_header(out: &mut Vec<u8>, index: u32, begin: u32, len: usize) {
        out.extend_from_slice(&((len + 9) as u32).to_be_bytes());
        out.push(7);
        out.extend_from_slice(&index.to_be_bytes());
        out.extend_from_slice(&begin.to_be_bytes());
    }

    /// The encoding as a new vector.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }
}
