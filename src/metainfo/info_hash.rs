//! Info hashes: v1 (SHA-1 of the info dict's bytes) and v2 (SHA-256, BEP 52).

use core::fmt;

/// A v1 info hash: SHA-1 of the exact bytes of the `info` dict (BEP 3).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InfoHash(pub [u8; 20]);

/// A v2 info hash: SHA-256 of the exact bytes of the `info` dict (BEP 52). Swarms and the
/// wire use its first 20 bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InfoHashV2(pub [u8; 32]);

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

impl InfoHash {
    /// Lower-case hex, as magnet links and WebTorrent show it.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }
    /// RFC 4648 base32 without padding (32 characters), the other magnet form.
    pub fn to_base32(&self) -> String {
        let mut out = String::with_capacity(32);
        for chunk in self.0.chunks(5) {
            let mut buf = [0u8; 5];
            buf[..chunk.len()].copy_from_slice(chunk);
            let bits = buf.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
            for i in (0..8).rev() {
                out.push(char::from(BASE32[((bits >> (i * 5)) & 31) as usize]));
            }
        }
        out
    }
    /// Reads 40 hex digits (either case).
    pub fn from_hex(s: &str) -> Option<Self> {
        let bytes = unhex(s)?;
        Some(InfoHash(bytes.try_into().ok()?))
    }
    /// Reads 32 base32 characters (either case).
    pub fn from_base32(s: &str) -> Option<Self> {
        if s.len() != 32 {
            return None;
        }
        let mut out = [0u8; 20];
        let mut acc: u64 = 0;
        let mut bits = 0;
        let mut n = 0;
        for c in s.bytes() {
            let v = match c.to_ascii_uppercase() {
                c @ b'A'..=b'Z' => c - b'A',
                c @ b'2'..=b'7' => c - b'2' + 26,
                _ => return None,
            };
            acc = (acc << 5) | u64::from(v);
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                *out.get_mut(n)? = (acc >> bits) as u8;
                n += 1;
            }
        }
        Some(InfoHash(out))
    }
}

impl InfoHashV2 {
    /// Lower-case hex of all 32 bytes.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }
    /// The 20-byte form used in handshakes and on trackers (BEP 52).
    pub fn truncated(&self) -> InfoHash {
        let mut out = [0u8; 20];
        out.copy_from_slice(&self.0[..20]);
        InfoHash(out)
    }
    /// Reads 64 hex digits.
    pub fn from_hex(s: &str) -> Option<Self> {
        Some(InfoHashV2(unhex(s)?.try_into().ok()?))
    }
}

impl fmt::Debug for InfoHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "InfoHash({})", self.to_hex())
    }
}
impl fmt::Display for InfoHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}
impl fmt::Debug for InfoHashV2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "InfoHashV2({})", self.to_hex())
    }
}
impl fmt::Display for InfoHashV2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// Lower-case hex of any bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[(b >> 4) as usize]));
        s.push(char::from(DIGITS[(b & 15) as usize]));
    }
    s
}

/// Bytes from hex of either case; `None` on odd length or a non-hex digit.
pub fn unhex(s: &str) -> Option<Vec<u8>> {
    let s = s.as_bytes();
    if s.len() % 2 != 0 {
        return None;
    }
    s.chunks(2)
        .map(|pair| {
            let hi = (pair[0] as char).to_digit(16)?;
            let lo = (pair[1] as char).to_digit(16)?;
            Some((hi * 16 + lo) as u8)
        })
        .collect()
}
