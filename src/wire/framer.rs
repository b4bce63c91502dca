//! A push decoder for the peer byte stream. WebRTC data channels deliver messages in any
//! split (WebTorrent sends a piece header and its block as two channel messages; PROTOCOL.md
//! §2), so bytes are buffered and cut by the length prefix, never by channel message.
//!
//! ```
//! use peerpage::wire::{Framer, Frame, Handshake, Message, PeerId};
//! use peerpage::metainfo::InfoHash;
//! let mut stream = Handshake::ours(InfoHash([1; 20]), PeerId([2; 20])).encode().to_vec();
//! stream.extend(Message::Have(7).to_bytes());
//! let mut framer = Framer::new();
//! for byte in &stream {
//!     framer.push(std::slice::from_ref(byte)); // the worst split: one byte at a time
//! }
//! assert!(matches!(framer.next(), Ok(Some(Frame::Handshake(_)))));
//! assert_eq!(framer.next(), Ok(Some(Frame::Message(Message::Have(7)))));
//! assert_eq!(framer.next(), Ok(None));
//! ```
//!
//! Lengths are checked as soon as the prefix (and then the id) arrives, so a hostile peer
//! cannot make us buffer more than one legitimate message (STYLE.md, "Wire formats": rqbit's
//! `MAX_MSG_LEN`; bittorrent-protocol's uncapped length is the warning).

use super::error::WireError;
use super::handshake::{Handshake, HANDSHAKE_LEN, PROTOCOL};
use super::message::{Message, ID_BITFIELD, ID_EXTENDED, ID_PIECE};

/// The block size everyone requests (BEP 3 convention, 16 KiB; WebTorrent requests exactly
/// this). We never request more, so a longer `piece` is a broken or hostile peer.
pub const BLOCK_LEN: u32 = 16 * 1024;

/// Largest extended (id 20) payload we buffer: a ut_metadata data message is a short dict
/// plus a 16 KiB piece (BEP 9); the rest leaves room for extensions we do not speak.
pub const MAX_EXTENDED_LEN: u32 = 32 * 1024;

/// Largest bitfield before the piece count is known (a magnet before its metadata): 2^21
/// pieces, far above any real torrent (WebTorrent aims at ~1024 pieces; PROTOCOL.md §5).
pub const MAX_BITFIELD_UNKNOWN_PIECES: u32 = (1 << 21) / 8;

/// Largest message with an id we do not know (BEP 3: ignore them; BEP 52 hash messages fit).
pub const MAX_UNKNOWN_LEN: u32 = 32 * 1024;

/// Buffered bytes are compacted once this many consumed bytes sit in front.
const COMPACT_AFTER: usize = 64 * 1024;

/// What the framer accepts. A peer exceeding a cap is dropped with
/// [`WireError::MessageTooLong`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameLimits {
    /// Largest block in a `piece` message (default [`BLOCK_LEN`]).
    pub max_block_len: u32,
    /// The torrent's piece count once known: a `bitfield` must then be `ceil(n/8)` bytes.
    pub piece_count: Option<u32>,
    /// Largest extended payload, extension id included (default [`MAX_EXTENDED_LEN`]).
    pub max_extended_len: u32,
}

impl Default for FrameLimits {
    fn default() -> Self {
        FrameLimits { max_block_len: BLOCK_LEN, piece_count: None, max_extended_len: MAX_EXTENDED_LEN }
    }
}

impl FrameLimits {
    /// The longest body (id + payload) allowed for message `id`.
    pub fn max_body_len(&self, id: u8) -> u32 {
        match id {
            // Fixed-size messages: their exact length is checked once they are complete.
            0..=4 | 6 | 8 | 9 | 13..=17 => 13,
            ID_PIECE => self.max_block_len.saturating_add(9),
            ID_BITFIELD => {
                let bytes = match self.piece_count {
                    Some(n) => n.div_ceil(8),
                    None => MAX_BITFIELD_UNKNOWN_PIECES,
                };
                bytes.saturating_add(1)
            }
            ID_EXTENDED => self.max_extended_len.saturating_add(1),
            _ => MAX_UNKNOWN_LEN,
        }
    }

    /// The longest body of any message, checked when only the length prefix has arrived.
    pub fn max_any_len(&self) -> u32 {
        [ID_PIECE, ID_BITFIELD, ID_EXTENDED, 0xff].iter().map(|&id| self.max_body_len(id)).max().unwrap_or(0)
    }
}

/// One unit out of the stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    /// The first 68 bytes.
    Handshake(Handshake),
    /// Every message after it. Payloads borrow the framer's buffer (no copy per block).
    Message(Message<'a>),
}

/// Cuts a byte stream into a handshake and then messages.
///
/// Call [`Framer::push`] with each chunk from the channel, then [`Framer::next`] until it
/// returns `Ok(None)`. Buffering is bounded by the largest message [`FrameLimits`] allows as
/// long as the caller drains after every push.
#[derive(Debug)]
pub struct Framer {
    buf: Vec<u8>,
    start: usize,
    handshake_seen: bool,
    limits: FrameLimits,
    failed: Option<WireError>,
}

impl Default for Framer {
    fn default() -> Self {
        Self::new()
    }
}

impl Framer {
    /// A framer expecting a handshake first, with default limits.
    pub fn new() -> Self {
        Self::with_limits(FrameLimits::default())
    }

    /// A framer expecting a handshake first, with explicit limits.
    pub fn with_limits(limits: FrameLimits) -> Self {
        Framer { buf: Vec::new(), start: 0, handshake_seen: false, limits, failed: None }
    }

    /// A framer for a stream whose handshake was already consumed (tests, resumed links).
    pub fn after_handshake(limits: FrameLimits) -> Self {
        Framer { handshake_seen: true, ..Self::with_limits(limits) }
    }

    /// The limits in force.
    pub fn limits(&self) -> FrameLimits {
        self.limits
    }

    /// Bitfields must now match this piece count (call once the metadata is known).
    pub fn set_piece_count(&mut self, pieces: u32) {
        self.limits.piece_count = Some(pieces);
    }

    /// Bytes received but not yet framed.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.start
    }

    /// Whether the stream has failed (every later [`Framer::next`] returns the error).
    pub fn failed(&self) -> Option<&WireError> {
        self.failed.as_ref()
    }

    /// Appends bytes from the peer. After a failure the bytes are dropped.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.failed.is_some() {
            return;
        }
        if self.start == self.buf.len() {
            self.buf.clear();
            self.start = 0;
        } else if self.start >= COMPACT_AFTER {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete frame, `None` if more bytes are needed. After an error the stream
    /// cannot be resynchronised: every later call returns the same error.
    #[allow(clippy::should_implement_trait)] // lends from self, which Iterator cannot
    pub fn next(&mut self) -> Result<Option<Frame<'_>>, WireError> {
        if let Some(err) = &self.failed {
            return Err(err.clone());
        }
        let available = self.buf.get(self.start..).unwrap_or_default();
        if !self.handshake_seen {
            let Some(bytes) = available.first_chunk::<HANDSHAKE_LEN>() else {
                // Fail fast on a wrong protocol string rather than waiting for 68 bytes.
                let seen = available.len().min(PROTOCOL.len());
                if available.get(..seen) != PROTOCOL.get(..seen) {
                    return self.fail(WireError::BadProtocol);
                }
                return Ok(None);
            };
            let handshake = match Handshake::parse(bytes) {
                Ok(h) => h,
                Err(e) => return self.fail(e),
            };
            self.start += HANDSHAKE_LEN;
            self.handshake_seen = true;
            return Ok(Some(Frame::Handshake(handshake)));
        }
        let Some(prefix) = available.first_chunk::<4>() else {
            return Ok(None);
        };
        let len = u32::from_be_bytes(*prefix);
        if len > self.limits.max_any_len() {
            return self.fail(WireError::MessageTooLong { id: None, len, max: self.limits.max_any_len() });
        }
        if let Some(&id) = available.get(4) {
            let max = self.limits.max_body_len(id);
            if len > max {
                return self.fail(WireError::MessageTooLong { id: Some(id), len, max });
            }
        }
        // `len` is at most a few hundred KiB here, so the sum cannot overflow.
        let end = 4 + len as usize;
        if available.len() < end {
            return Ok(None);
        }
        let body_at = self.start + 4;
        self.start += end;
        let body = self.buf.get(body_at..self.start).unwrap_or_default();
        match Message::decode(body) {
            Ok(message) => Ok(Some(Frame::Message(message))),
            Err(e) => {
                self.failed = Some(e.clone());
                Err(e)
            }
        }
    }

    fn fail<T>(&mut self, err: WireError) -> Result<T, WireError> {
        self.failed = Some(err.clone());
        Err(err)
    }
}
