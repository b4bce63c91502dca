//! Base58 and Base58Check (legacy addresses, WIF, extended keys).

use super::hash::sha256d;

const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
/// Longest input we decode: extended keys are 111 characters; this bounds the quadratic work.
const MAX_DECODE_LEN: usize = 512;

/// Base58 of `data` (leading zero bytes become `1`s).
pub fn encode(data: &[u8]) -> String {
    let zeros = data.iter().take_while(|&&b| b == 0).count();
    // Base-58 digits, least significant first.
    let mut digits: Vec<u8> = Vec::with_capacity(data.len() * 138 / 100 + 1);
    for &byte in &data[zeros..] {
        let mut carry = u32::from(byte);
        for d in digits.iter_mut() {
            carry += u32::from(*d) << 8;
            *d = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let mut out = String::with_capacity(zeros + digits.len());
    out.extend(core::iter::repeat_n('1', zeros));
    out.extend(digits.iter().rev().map(|&d| char::from(ALPHABET[d as usize])));
    out
}

/// Bytes of a Base58 string; `None` on a character outside the alphabet or a too-long input.
pub fn decode(s: &str) -> Option<Vec<u8>> {
    if s.len() > MAX_DECODE_LEN {
        return None;
    }
    let zeros = s.bytes().take_while(|&c| c == b'1').count();
    let mut bytes: Vec<u8> = Vec::with_capacity(s.len());
    for c in s.bytes().skip(zeros) {
        let mut carry = ALPHABET.iter().position(|&a| a == c)? as u32;
        for b in bytes.iter_mut() {
            carry += u32::from(*b) * 58;
            *b = carry as u8;
            carry >>= 8;
        }
        while carry > 0 {
            bytes.push(carry as u8);
            carry >>= 8;
        }
    }
    let mut out = vec![0u8; zeros];
    out.extend(bytes.iter().rev());
    Some(out)
}

/// Base58Check: payload plus the first 4 bytes of its double SHA-256.
pub fn encode_check(payload: &[u8]) -> String {
    let mut data = payload.to_vec();
    data.extend_from_slice(&sha256d(payload)[..4]);
    encode(&data)
}

/// The payload of a Base58Check string, if its checksum holds.
pub fn decode_check(s: &str) -> Option<Vec<u8>> {
    let mut data = decode(s)?;
    if data.len() < 4 {
        return None;
    }
    let checksum = data.split_off(data.len() - 4);
    (sha256d(&data)[..4] == checksum[..]).then_some(data)
}
