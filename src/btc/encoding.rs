//! Bitcoin's consensus encoding: little-endian integers, CompactSize lengths, and a bounded
//! [`Reader`] that never reads past its input and reports trailing bytes.
//!
//! Lengths read from hostile bytes are checked against what is left before anything is
//! allocated, so a claimed 4 GiB vector in a 10-byte input fails at once.

use crate::error::{CoreError, Fault};
use core::fmt;

/// The largest length Bitcoin Core accepts in a CompactSize (`MAX_SIZE`, serialize.h).
pub const MAX_COMPACT_SIZE: u64 = 0x0200_0000;

/// Why bytes are not a valid consensus encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input ended inside a field (`needed` more bytes were wanted).
    UnexpectedEof {
        /// Bytes the field still wanted.
        needed: usize,
    },
    /// A CompactSize used a longer form than its value needs (Core rejects these).
    NonCanonicalCompactSize,
    /// A CompactSize above [`MAX_COMPACT_SIZE`] or more items than the input could hold.
    TooLarge,
    /// Bytes were left after a complete structure.
    TrailingData {
        /// How many bytes were left.
        extra: usize,
    },
    /// A segwit transaction whose flag byte is not 1, or whose witnesses are all empty
    /// (BIP-144: the marker/flag form must carry a witness).
    BadWitnessFlag,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnexpectedEof { needed } => write!(f, "input ends early ({needed} more bytes needed)"),
            Self::NonCanonicalCompactSize => write!(f, "non-canonical CompactSize length"),
            Self::TooLarge => write!(f, "length too large"),
            Self::TrailingData { extra } => write!(f, "{extra} unexpected bytes after the end"),
            Self::BadWitnessFlag => write!(f, "bad segwit flag or superfluous witness"),
        }
    }
}

impl CoreError for DecodeError {
    fn code(&self) -> &'static str {
        match self {
            Self::UnexpectedEof { .. } => "btc.encoding.unexpected-eof",
            Self::NonCanonicalCompactSize => "btc.encoding.non-canonical-size",
            Self::TooLarge => "btc.encoding.too-large",
            Self::TrailingData { .. } => "btc.encoding.trailing-data",
            Self::BadWitnessFlag => "btc.encoding.bad-witness-flag",
        }
    }
    fn fault(&self) -> Fault {
        Fault::BadInput
    }
}

/// A cursor over untrusted bytes: every read is bounds-checked.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Reader { data, pos: 0 }
    }
    /// Bytes not yet read.
    pub fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }
    /// Bytes consumed so far.
    pub fn position(&self) -> usize {
        self.pos
    }
    /// The next byte without consuming it.
    pub fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }
    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let rest = self.data.get(self.pos..).unwrap_or_default();
        let bytes = rest.get(..n).ok_or_else(|| DecodeError::UnexpectedEof { needed: n.saturating_sub(rest.len()) })?;
        self.pos += n;
        Ok(bytes)
    }
    /// The next `N` bytes as an array.
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }
    /// One byte.
    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.array::<1>()?[0])
    }
    /// A little-endian u16.
    pub fn u16_le(&mut self) -> Result<u16, DecodeError> {
        Ok(u16::from_le_bytes(self.array()?))
    }
    /// A little-endian u32.
    pub fn u32_le(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    /// A little-endian i32 (transaction versions are signed).
    pub fn i32_le(&mut self) -> Result<i32, DecodeError> {
        Ok(i32::from_le_bytes(self.array()?))
    }
    /// A little-endian u64.
    pub fn u64_le(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    /// A CompactSize, canonical and at most [`MAX_COMPACT_SIZE`] (Core's `ReadCompactSize`).
    pub fn compact_size(&mut self) -> Result<u64, DecodeError> {
        let n = self.compact_size_unbounded()?;
        if n > MAX_COMPACT_SIZE {
            return Err(DecodeError::TooLarge);
        }
        Ok(n)
    }
    /// A canonical CompactSize of any value (PSBT key types may use the full range).
    pub fn compact_size_unbounded(&mut self) -> Result<u64, DecodeError> {
        let (n, min) = match self.u8()? {
            0xfd => (u64::from(self.u16_le()?), 0xfd),
            0xfe => (u64::from(self.u32_le()?), 0x1_0000),
            0xff => (self.u64_le()?, 0x1_0000_0000),
            small => return Ok(u64::from(small)),
        };
        if n < min {
            return Err(DecodeError::NonCanonicalCompactSize);
        }
        Ok(n)
    }
    /// A CompactSize count of items each at least `min_item_len` bytes long; refuses counts
    /// the remaining input cannot hold, so callers may reserve capacity for them.
    pub fn count(&mut self, min_item_len: usize) -> Result<usize, DecodeError> {
        let n = usize::try_from(self.compact_size()?).map_err(|_| DecodeError::TooLarge)?;
        if n.checked_mul(min_item_len.max(1)).is_none_or(|need| need > self.remaining()) {
            return Err(DecodeError::UnexpectedEof { needed: n.saturating_mul(min_item_len.max(1)) });
        }
        Ok(n)
    }
    /// Bytes prefixed by their CompactSize length.
    pub fn var_bytes(&mut self) -> Result<&'a [u8], DecodeError> {
        let n = usize::try_from(self.compact_size()?).map_err(|_| DecodeError::TooLarge)?;
        self.take(n)
    }
    /// A witness stack (BIP-144): a CompactSize count of CompactSize-prefixed items.
    pub fn witness(&mut self) -> Result<Vec<Vec<u8>>, DecodeError> {
        let n = self.count(1)?;
        (0..n).map(|_| self.var_bytes().map(<[u8]>::to_vec)).collect()
    }
    /// Everything not yet read.
    pub fn rest(&mut self) -> &'a [u8] {
        let rest = self.data.get(self.pos..).unwrap_or_default();
        self.pos = self.data.len();
        rest
    }
    /// Succeeds only if every byte was read.
    pub fn finish(&self) -> Result<(), DecodeError> {
        match self.remaining() {
            0 => Ok(()),
            extra => Err(DecodeError::TrailingData { extra }),
        }
    }
}

/// Appends `n` as a CompactSize.
pub fn write_compact_size(out: &mut Vec<u8>, n: u64) {
    match n {
        0..=0xfc => out.push(n as u8),
        0xfd..=0xffff => {
            out.push(0xfd);
            out.extend_from_slice(&(n as u16).to_le_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(0xfe);
            out.extend_from_slice(&(n as u32).to_le_bytes());
        }
        _ => {
            out.push(0xff);
            out.extend_from_slice(&n.to_le_bytes());
        }
    }
}

/// The encoded size of a CompactSize for `n`.
pub fn compact_size_len(n: u64) -> usize {
    match n {
        0..=0xfc => 1,
        0xfd..=0xffff => 3,
        0x1_0000..=0xffff_ffff => 5,
        _ => 9,
    }
}

/// Appends `bytes` prefixed by their CompactSize length.
pub fn write_var_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    write_compact_size(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// Appends a witness stack (BIP-144): the item count, then each item with its length.
pub fn write_witness(out: &mut Vec<u8>, witness: &[Vec<u8>]) {
    write_compact_size(out, witness.len() as u64);
    for item in witness {
        write_var_bytes(out, item);
    }
}

/// The encoded size of [`write_witness`]'s output for `witness`.
pub fn witness_len(witness: &[Vec<u8>]) -> usize {
    let items: usize = witness.iter().map(|w| compact_size_len(w.len() as u64) + w.len()).sum();
    compact_size_len(witness.len() as u64) + items
}

/// Lower-case hex of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// Bytes of a hex string (either case); `None` on an odd length or a non-hex character.
pub fn from_hex(s: &str) -> Option<Vec<u8>> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    let bytes = s.as_bytes();
    if bytes.len() % 2 != 0 {
        return None;
    }
    bytes.chunks_exact(2).map(|p| Some(nibble(p[0])? << 4 | nibble(p[1])?)).collect()
}
