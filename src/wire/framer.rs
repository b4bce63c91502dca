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

use super::error::WireError;
use super::handshake::{Handshake, HANDSHAKE_LEN};
use super::message::Message;

/// Default cap on one message: a 128 KiB block (the most WebTorrent serves) plus headroom for
/// a bitfield of 1M pieces. Anything larger is an attack or a bug.
pub const DEFAULT_MAX_MESSAGE_LEN: u32 = 128 * 1024 + 13;

/// Buffered bytes are compacted once this many consumed bytes sit in front.
const COMPACT_AFTER: usize = 64 * 1024;

/// One unit out of the stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    /// The first 68 bytes.
    Handshake(Handshake),
    /// Every message after it.
    Message(Message<'a>),
}

/// Cuts a byte stream into a handshake and then messages.
#[derive(Debug)]
pub struct Framer {
    buf: Vec<u8>,
    start: usize,
    handshake_seen: bool,
    max_len: u32,
    failed: Option<WireError>,
}

impl Default for Framer {
    fn default() -> Self {
        Self::new()
    }
}

impl Framer {
    /// A framer expecting a handshake first, with the default message cap.
    pub fn new() -> Self {
        Self::with_max_len(DEFAULT_MAX_MESSAGE_LEN)
    }

    /// A framer with an explicit message cap (e.g. from the torrent's piece count).
    pub fn with_max_len(max_len: u32) -> Self {
        Framer { buf: Vec::new(), start: 0, handshake_seen: false, max_len, failed: None }
    }

    /// Bytes received but not yet framed.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.start
    }

    /// Appends bytes from the peer.
    pub fn push(&mut self, bytes: &[u8]) {
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
    pub fn next(&mut self) -> Result<Option<Frame<'_>>, WireError> {
        if let Some(err) = &self.failed {
            return Err(err.clone());
        }
        let available = &self.buf[self.start..];
        if !self.handshake_seen {
            let Some(bytes) = available.get(..HANDSHAKE_LEN) else {
                // Fail fast on a wrong protocol string rather than waiting for 68 bytes.
                let seen = available.len().min(20);
                if available[..seen] != super::handshake::PROTOCOL[..seen] {
                    return self.fail(WireError::BadProtocol);
                }
                return Ok(None);
            };
            let bytes: &[u8; HANDSHAKE_LEN] = bytes.try_into().map_err(|_| WireError::BadProtocol)?;
            let handshake = match Handshake::parse(bytes) {
                Ok(h) => h,
                Err(e) => return self.fail(e),
            };
            self.start += HANDSHAKE_LEN;
            self.handshake_seen = true;
            return Ok(Some(Frame::Handshake(handshake)));
        }
        let Some(prefix) = available.get(..4) else {
            return Ok(None);
        };
        let len = u32::from_be_bytes([prefix[0], prefix[1], prefix[2], prefix[3]]);
        if len > self.max_len {
            return self.fail(WireError::MessageTooLong { len, max: self.max_len });
        }
        let end = 4 + len as usize;
        if available.len() < end {
            return Ok(None);
        }
        let start = self.start;
        self.start += end;
        match Message::decode(&self.buf[start + 4..start + end]) {
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
