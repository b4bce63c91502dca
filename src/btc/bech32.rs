//! Bech32 and Bech32m (BIP-173, BIP-350), and segwit address programs inside them.

/// Which checksum constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// BIP-173, for witness version 0.
    Bech32,
    /// BIP-350, for witness versions 1 to 16.
    Bech32m,
}

const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const GEN: [u32; 5] = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

impl Variant {
    fn constant(self) -> u32 {
        match self {
            Variant::Bech32 => 1,
            Variant::Bech32m => 0x2bc830a3,
        }
    }
}

fn polymod(values: impl Iterator<Item = u8>) -> u32 {
    let mut chk: u32 = 1;
    for v in values {
        let top = chk >> 25;
        chk = ((chk & 0x1ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

fn hrp_expand(hrp: &[u8]) -> impl Iterator<Item = u8> + '_ {
    hrp.iter().map(|c| c >> 5).chain(core::iter::once(0)).chain(hrp.iter().map(|c| c & 31))
}

/// Encodes 5-bit `data` under `hrp` (lower case).
pub fn encode(hrp: &str, data: &[u8], variant: Variant) -> String {
    let hrp = hrp.to_ascii_lowercase();
    let checksum_input = hrp_expand(hrp.as_bytes()).chain(data.iter().copied()).chain([0u8; 6]);
    let pm = polymod(checksum_input) ^ variant.constant();
    let mut out = hrp;
    out.push('1');
    out.extend(data.iter().map(|&d| char::from(CHARSET[usize::from(d & 31)])));
    out.extend((0..6).map(|i| char::from(CHARSET[((pm >> (5 * (5 - i))) & 31) as usize])));
    out
}

/// Why a bech32 string is invalid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bech32Error {
    /// Longer than 90 characters (BIP-173).
    TooLong,
    /// Upper and lower case mixed.
    MixedCase,
    /// No `1` separator, an empty HRP, or fewer than 6 checksum characters.
    BadSeparator,
    /// A character outside the HRP range or the data charset.
    BadChar,
    /// Neither checksum constant matches.
    BadChecksum,
}

/// Decodes to (hrp in lower case, 5-bit data without checksum, variant).
pub fn decode(s: &str) -> Result<(String, Vec<u8>, Variant), Bech32Error> {
    if s.len() > 90 {
        return Err(Bech32Error::TooLong);
    }
    if s.bytes().any(|c| !(33..=126).contains(&c)) {
        return Err(Bech32Error::BadChar);
    }
    let has_lower = s.bytes().any(|c| c.is_ascii_lowercase());
    let has_upper = s.bytes().any(|c| c.is_ascii_uppercase());
    if has_lower && has_upper {
        return Err(Bech32Error::MixedCase);
    }
    let s = s.to_ascii_lowercase();
    let sep = s.rfind('1').ok_or(Bech32Error::BadSeparator)?;
    if sep == 0 || sep + 7 > s.len() {
        return Err(Bech32Error::BadSeparator);
    }
    let (hrp, rest) = (&s[..sep], &s[sep + 1..]);
    let data: Vec<u8> = rest
        .bytes()
        .map(|c| CHARSET.iter().position(|&x| x == c).map(|p| p as u8))
        .collect::<Option<_>>()
        .ok_or(Bech32Error::BadChar)?;
    let pm = polymod(hrp_expand(hrp.as_bytes()).chain(data.iter().copied()));
    let variant = match pm {
        1 => Variant::Bech32,
        0x2bc830a3 => Variant::Bech32m,
        _ => return Err(Bech32Error::BadChecksum),
    };
    Ok((hrp.to_string(), data[..data.len() - 6].to_vec(), variant))
}

/// Regroups bits (8→5 to encode, 5→8 to decode). Decoding refuses leftover non-zero bits
/// or more than 4 bits of padding (BIP-173).
pub fn convert_bits(data: &[u8], from: u32, to: u32, pad: bool) -> Option<Vec<u8>> {
    let mut acc: u32 = 0;
    let mut bits: u32 = 0;
    let maxv = (1 << to) - 1;
    let mut out = Vec::with_capacity(data.len() * from as usize / to as usize + 1);
    for &v in data {
        if u32::from(v) >> from != 0 {
            return None;
        }
        acc = (acc << from) | u32::from(v);
        bits += from;
        while bits >= to {
            bits -= to;
            out.push(((acc >> bits) & maxv) as u8);
        }
    }
    if pad {
        if bits > 0 {
            out.push(((acc << (to - bits)) & maxv) as u8);
        }
    } else if bits >= from || ((acc << (to - bits)) & maxv) != 0 {
        return None;
    }
    Some(out)
}

/// A segwit address string for a witness program (bech32 for v0, bech32m for v1+).
pub fn encode_segwit(hrp: &str, version: u8, program: &[u8]) -> String {
    let mut data = vec![version];
    data.extend(convert_bits(program, 8, 5, true).unwrap_or_default());
    let variant = if version == 0 { Variant::Bech32 } else { Variant::Bech32m };
    encode(hrp, &data, variant)
}

/// (hrp, witness version, program) of a segwit address, checked per BIP-173/350: version
/// 0–16, the matching checksum variant, program length 2–40 (20 or 32 for v0).
pub fn decode_segwit(s: &str) -> Option<(String, u8, Vec<u8>)> {
    let (hrp, data, variant) = decode(s).ok()?;
    let (&version, rest) = data.split_first()?;
    if version > 16 {
        return None;
    }
    let program = convert_bits(rest, 5, 8, false)?;
    if !(2..=40).contains(&program.len()) || (version == 0 && program.len() != 20 && program.len() != 32) {
        return None;
    }
    let expected = if version == 0 { Variant::Bech32 } else { Variant::Bech32m };
    (variant == expected).then_some((hrp, version, program))
}
