//! 20-byte ids inside tracker JSON: each byte is one character U+0000–U+00FF (a "latin-1
//! binary string"), never hex or base64 (PROTOCOL.md §1.2).

/// The JSON string for 20 raw bytes.
pub fn to_binary_string(bytes: &[u8; 20]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// The 20 raw bytes of a binary string; `None` for a char above U+00FF or a length other
/// than 20.
pub fn from_binary_string(s: &str) -> Option<[u8; 20]> {
    let mut out = [0u8; 20];
    let mut n = 0;
    for c in s.chars() {
        let b = u8::try_from(u32::from(c)).ok()?;
        *out.get_mut(n)? = b;
        n += 1;
    }
    (n == 20).then_some(out)
}
