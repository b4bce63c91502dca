//! A bounded, zero-copy bencode decoder (BEP 3) that never panics on hostile bytes.

use super::error::{DecodeError, DecodeErrorKind as Kind};
use super::value::{Dict, List, Value};

/// How strictly to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Canonical bencode only: no leading zeros, no `-0`, dict keys strictly ascending.
    /// Use for data we will re-encode or compare byte for byte (wire extension messages).
    Strict,
    /// Accept what real-world torrent creators write: unsorted keys, leading zeros and `-0`.
    /// Duplicate keys are still refused because their meaning is ambiguous.
    Tolerant,
}

/// Caps that bound the work and memory a hostile input can cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of lists and dicts. Torrents need about 4; file trees (BEP 52) follow
    /// directory depth.
    pub max_depth: usize,
    /// Longest single byte string.
    pub max_string_len: usize,
    /// Most values in the whole input.
    pub max_values: usize,
}

impl Limits {
    /// Defaults for .torrent files and wire messages: generous for real torrents (a 100,000-file
    /// torrent has about 400,000 values), tight enough that input size bounds all work.
    pub const DEFAULT: Limits = Limits { max_depth: 64, max_string_len: 64 << 20, max_values: 4_000_000 };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// Decodes exactly one value spanning all of `input`.
pub fn decode(input: &[u8], mode: Mode) -> Result<Value<'_>, DecodeError> {
    decode_with(input, mode, Limits::DEFAULT)
}

/// Decodes exactly one value spanning all of `input`, under explicit limits.
pub fn decode_with(input: &[u8], mode: Mode, limits: Limits) -> Result<Value<'_>, DecodeError> {
    let (value, used) = decode_prefix_with(input, mode, limits)?;
    if used != input.len() {
        return Err(DecodeError { kind: Kind::TrailingData, offset: used });
    }
    Ok(value)
}

/// Decodes one value at the start of `input` and returns it with the number of bytes it used.
/// BEP 9 `ut_metadata` data messages are a dict followed by raw bytes: this is for them.
pub fn decode_prefix(input: &[u8], mode: Mode) -> Result<(Value<'_>, usize), DecodeError> {
    decode_prefix_with(input, mode, Limits::DEFAULT)
}

/// [`decode_prefix`] under explicit limits.
pub fn decode_prefix_with(input: &[u8], mode: Mode, limits: Limits) -> Result<(Value<'_>, usize), DecodeError> {
    let mut decoder = Decoder { input, pos: 0, mode, limits, values: 0 };
    let value = decoder.value(0)?;
    Ok((value, decoder.pos))
}

struct Decoder<'a> {
    input: &'a [u8],
    pos: usize,
    mode: Mode,
    limits: Limits,
    values: usize,
}

impl<'a> Decoder<'a> {
    fn err<T>(&self, kind: Kind, offset: usize) -> Result<T, DecodeError> {
        Err(DecodeError { kind, offset })
    }

    fn peek(&self) -> Result<u8, DecodeError> {
        match self.input.get(self.pos) {
            Some(&b) => Ok(b),
            None => self.err(Kind::UnexpectedEof, self.pos),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value<'a>, DecodeError> {
        self.values += 1;
        if self.values > self.limits.max_values {
            return self.err(Kind::TooManyValues, self.pos);
        }
        match self.peek()? {
            b'i' => self.int().map(Value::Int),
            b'0'..=b'9' => self.bytes().map(Value::Bytes),
            b'l' => self.list(depth).map(Value::List),
            b'd' => self.dict(depth).map(Value::Dict),
            other => self.err(Kind::UnexpectedByte(other), self.pos),
        }
    }

    /// `i<digits>e`, with an optional `-`.
    fn int(&mut self) -> Result<i64, DecodeError> {
        self.pos += 1; // 'i'
        let negative = self.input.get(self.pos) == Some(&b'-');
        if negative {
            self.pos += 1;
        }
        let digits_start = self.pos;
        let magnitude = self.digits()?;
        let digits = self.pos - digits_start;
        if digits == 0 {
            return match self.input.get(self.pos) {
                None => self.err(Kind::UnexpectedEof, self.pos),
                Some(b'e') => self.err(Kind::EmptyInteger, self.pos),
                Some(&b) => self.err(Kind::UnexpectedByte(b), self.pos),
            };
        }
        if self.mode == Mode::Strict {
            if digits > 1 && self.input.get(digits_start) == Some(&b'0') {
                return self.err(Kind::LeadingZero, digits_start);
            }
            if negative && magnitude == 0 {
                return self.err(Kind::NegativeZero, digits_start);
            }
        }
        match self.peek()? {
            b'e' => self.pos += 1,
            other => return self.err(Kind::UnexpectedByte(other), self.pos),
        }
        // The magnitude of i64::MIN is one more than i64::MAX.
        if negative {
            if magnitude > (i64::MAX as u64) + 1 {
                return self.err(Kind::IntegerOverflow, digits_start);
            }
            Ok((magnitude as i64).wrapping_neg())
        } else if magnitude > i64::MAX as u64 {
            self.err(Kind::IntegerOverflow, digits_start)
        } else {
            Ok(magnitude as i64)
        }
    }

    /// Reads ASCII digits into a u64, stopping at the first non-digit.
    fn digits(&mut self) -> Result<u64, DecodeError> {
        let start = self.pos;
        let mut n: u64 = 0;
        while let Some(&b) = self.input.get(self.pos) {
            if !b.is_ascii_digit() {
                break;
            }
            n = match n.checked_mul(10).and_then(|n| n.checked_add(u64::from(b - b'0'))) {
                Some(n) => n,
                None => return self.err(Kind::IntegerOverflow, start),
            };
            self.pos += 1;
        }
        Ok(n)
    }

    /// `<len>:<bytes>`, borrowed from the input.
    fn bytes(&mut self) -> Result<&'a [u8], DecodeError> {
        let start = self.pos;
        let len = match self.digits() {
            Ok(len) => len,
            Err(_) => return self.err(Kind::StringTooLong, start),
        };
        if self.mode == Mode::Strict && self.pos - start > 1 && self.input.get(start) == Some(&b'0') {
            return self.err(Kind::LeadingZero, start);
        }
        match self.peek()? {
            b':' => self.pos += 1,
            other => return self.err(Kind::UnexpectedByte(other), self.pos),
        }
        let remaining = self.input.len() - self.pos;
        if len > self.limits.max_string_len as u64 {
            return self.err(Kind::StringTooLong, start);
        }
        if len > remaining as u64 {
            return self.err(Kind::UnexpectedEof, self.input.len());
        }
        let len = len as usize;
        let bytes = &self.input[self.pos..self.pos + len];
        self.pos += len;
        Ok(bytes)
    }

    fn enter(&self, depth: usize) -> Result<usize, DecodeError> {
        if depth >= self.limits.max_depth {
            return self.err(Kind::TooDeep, self.pos);
        }
        Ok(depth + 1)
    }

    fn list(&mut self, depth: usize) -> Result<List<'a>, DecodeError> {
        let depth = self.enter(depth)?;
        let start = self.pos;
        self.pos += 1; // 'l'
        let mut items = Vec::new();
        while self.peek()? != b'e' {
            items.push(self.value(depth)?);
        }
        self.pos += 1;
        Ok(List { raw: &self.input[start..self.pos], items })
    }

    fn dict(&mut self, depth: usize) -> Result<Dict<'a>, DecodeError> {
        let depth = self.enter(depth)?;
        let start = self.pos;
        self.pos += 1; // 'd'
        let mut entries: Vec<(&'a [u8], Value<'a>)> = Vec::new();
        let mut sorted = true;
        loop {
            let key_at = self.pos;
            match self.peek()? {
                b'e' => break,
                b'0'..=b'9' => {}
                other => return self.err(Kind::UnexpectedByte(other), key_at),
            }
            self.values += 1;
            let key = self.bytes()?;
            if let Some((previous, _)) = entries.last() {
                if key == *previous {
                    return self.err(Kind::DuplicateKey, key_at);
                }
                if key < *previous {
                    if self.mode == Mode::Strict {
                        return self.err(Kind::UnsortedKeys, key_at);
                    }
                    sorted = false;
                }
            }
            let value = self.value(depth)?;
            entries.push((key, value));
        }
        self.pos += 1;
        if !sorted && has_duplicate_key(&entries) {
            return self.err(Kind::DuplicateKey, start);
        }
        Ok(Dict { raw: &self.input[start..self.pos], entries })
    }
}

/// Only reached for unsorted dicts in tolerant mode, where neighbours prove nothing.
fn has_duplicate_key(entries: &[(&[u8], Value<'_>)]) -> bool {
    let mut keys: Vec<&[u8]> = entries.iter().map(|(k, _)| *k).collect();
    keys.sort_unstable();
    keys.windows(2).any(|w| w[0] == w[1])
}
