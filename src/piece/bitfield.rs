//! Which pieces a peer (or we) have, in BEP 3's wire layout: high bit of byte 0 is piece 0.

use crate::error::{CoreError, Fault};
use core::fmt;

/// A fixed-length set of piece indices with a cached count.
#[derive(Clone, PartialEq, Eq)]
pub struct Bitfield {
    bytes: Vec<u8>,
    len: u32,
    ones: u32,
}

/// Why wire bytes are not a valid bitfield for this torrent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BitfieldError {
    /// The byte length is not `ceil(pieces / 8)` (BEP 3).
    WrongLength {
        /// Bytes expected for the torrent's piece count.
        expected: usize,
        /// Bytes received.
        got: usize,
    },
    /// A bit past the last piece is set; BEP 3 says spare bits must be zero.
    SpareBitSet,
}

impl fmt::Display for BitfieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongLength { expected, got } => {
                write!(f, "bitfield is {got} bytes, the torrent needs {expected}")
            }
            Self::SpareBitSet => write!(f, "bitfield has a bit set past the last piece"),
        }
    }
}

impl CoreError for BitfieldError {
    fn code(&self) -> &'static str {
        match self {
            Self::WrongLength { .. } => "bitfield.wrong-length",
            Self::SpareBitSet => "bitfield.spare-bit-set",
        }
    }
    fn fault(&self) -> Fault {
        Fault::PeerMisbehaved
    }
}

impl Bitfield {
    /// A bitfield of `len` pieces, none set.
    pub fn new(len: u32) -> Self {
        Bitfield { bytes: vec![0; byte_len(len)], len, ones: 0 }
    }

    /// A bitfield of `len` pieces, all set (a seeder's, or a web seed's).
    pub fn full(len: u32) -> Self {
        let mut bf = Bitfield { bytes: vec![0xff; byte_len(len)], len, ones: len };
        bf.clear_spare_bits();
        bf
    }

    /// Reads a bitfield message payload for a torrent of `len` pieces.
    pub fn from_wire(bytes: &[u8], len: u32) -> Result<Self, BitfieldError> {
        let expected = byte_len(len);
        if bytes.len() != expected {
            return Err(BitfieldError::WrongLength { expected, got: bytes.len() });
        }
        let spare = (expected as u64 * 8 - u64::from(len)) as u32;
        if spare > 0 {
            let mask = (1u8 << spare) - 1;
            if bytes.last().is_some_and(|&last| last & mask != 0) {
                return Err(BitfieldError::SpareBitSet);
            }
        }
        let ones = bytes.iter().map(|b| b.count_ones()).sum();
        Ok(Bitfield { bytes: bytes.to_vec(), len, ones })
    }

    /// The wire payload (what a `bitfield` message carries).
    pub fn as_wire(&self) -> &[u8] {
        &self.bytes
    }

    /// Number of pieces this bitfield covers.
    pub fn len(&self) -> u32 {
        self.len
    }

    /// True when it covers no pieces at all.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of pieces set.
    pub fn count(&self) -> u32 {
        self.ones
    }

    /// True when every piece is set.
    pub fn is_complete(&self) -> bool {
        self.ones == self.len
    }

    /// True when no piece is set.
    pub fn is_none(&self) -> bool {
        self.ones == 0
    }

    /// Whether piece `index` is set; false past the end.
    pub fn has(&self, index: u32) -> bool {
        if index >= self.len {
            return false;
        }
        self.bytes.get((index / 8) as usize).is_some_and(|b| b & mask(index) != 0)
    }

    /// Sets piece `index`; returns whether it was newly set. Out of range is ignored.
    pub fn set(&mut self, index: u32) -> bool {
        if index >= self.len {
            return false;
        }
        let m = mask(index);
        match self.bytes.get_mut((index / 8) as usize) {
            Some(b) if *b & m == 0 => {
                *b |= m;
                self.ones += 1;
                true
            }
            _ => false,
        }
    }

    /// Clears piece `index`; returns whether it was set.
    pub fn clear(&mut self, index: u32) -> bool {
        if index >= self.len {
            return false;
        }
        let m = mask(index);
        match self.bytes.get_mut((index / 8) as usize) {
            Some(b) if *b & m != 0 => {
                *b &= !m;
                self.ones -= 1;
                true
            }
            _ => false,
        }
    }

    /// The set piece indices, ascending.
    pub fn iter_set(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.len).filter(move |&i| self.has(i))
    }

    /// The missing piece indices, ascending.
    pub fn iter_missing(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.len).filter(move |&i| !self.has(i))
    }

    /// True if `other` has some piece this one lacks (what makes us interested, BEP 3).
    pub fn lacks_any_of(&self, other: &Bitfield) -> bool {
        self.bytes.iter().zip(&other.bytes).any(|(ours, theirs)| theirs & !ours != 0)
    }

    fn clear_spare_bits(&mut self) {
        let spare = (self.bytes.len() as u64 * 8 - u64::from(self.len)) as u32;
        if spare > 0 {
            if let Some(last) = self.bytes.last_mut() {
                *last &= !((1u8 << spare) - 1);
            }
        }
    }
}

impl fmt::Debug for Bitfield {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bitfield({}/{})", self.ones, self.len)
    }
}

fn byte_len(len: u32) -> usize {
    len.div_ceil(8) as usize
}

fn mask(index: u32) -> u8 {
    0x80 >> (index % 8)
}
