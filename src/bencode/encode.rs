//! The canonical bencode encoder: sorted unique keys, minimal integers (BEP 3).

use super::value::Value;
use std::collections::BTreeMap;

/// An owned value for building messages and torrents. Dicts are `BTreeMap`s, so whatever is
/// built encodes canonically.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OwnedValue {
    /// An integer.
    Int(i64),
    /// A byte string.
    Bytes(Vec<u8>),
    /// A list.
    List(Vec<OwnedValue>),
    /// A dictionary with byte-string keys.
    Dict(BTreeMap<Vec<u8>, OwnedValue>),
}

impl OwnedValue {
    /// An empty dictionary, to fill with [`OwnedValue::insert`].
    pub fn dict() -> Self {
        OwnedValue::Dict(BTreeMap::new())
    }

    /// Adds an entry to a dictionary and returns it (builder style). On a non-dict this is
    /// a no-op, which only a programming error could reach.
    pub fn insert(mut self, key: impl Into<Vec<u8>>, value: impl Into<OwnedValue>) -> Self {
        if let OwnedValue::Dict(map) = &mut self {
            map.insert(key.into(), value.into());
        }
        self
    }

    /// The canonical encoding.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }

    /// Appends the canonical encoding to `out`.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        match self {
            OwnedValue::Int(n) => put_int(out, *n),
            OwnedValue::Bytes(b) => put_bytes(out, b),
            OwnedValue::List(items) => {
                out.push(b'l');
                for item in items {
                    item.encode_into(out);
                }
                out.push(b'e');
            }
            OwnedValue::Dict(map) => {
                out.push(b'd');
                for (k, v) in map {
                    put_bytes(out, k);
                    v.encode_into(out);
                }
                out.push(b'e');
            }
        }
    }
}

impl From<i64> for OwnedValue {
    fn from(n: i64) -> Self {
        OwnedValue::Int(n)
    }
}
impl From<Vec<u8>> for OwnedValue {
    fn from(b: Vec<u8>) -> Self {
        OwnedValue::Bytes(b)
    }
}
impl From<&[u8]> for OwnedValue {
    fn from(b: &[u8]) -> Self {
        OwnedValue::Bytes(b.to_vec())
    }
}
impl From<&str> for OwnedValue {
    fn from(s: &str) -> Self {
        OwnedValue::Bytes(s.as_bytes().to_vec())
    }
}
impl From<String> for OwnedValue {
    fn from(s: String) -> Self {
        OwnedValue::Bytes(s.into_bytes())
    }
}
impl From<Vec<OwnedValue>> for OwnedValue {
    fn from(items: Vec<OwnedValue>) -> Self {
        OwnedValue::List(items)
    }
}

impl Value<'_> {
    /// Copies this value into an owned one.
    pub fn to_owned_value(&self) -> OwnedValue {
        match self {
            Value::Int(n) => OwnedValue::Int(*n),
            Value::Bytes(b) => OwnedValue::Bytes(b.to_vec()),
            Value::List(l) => OwnedValue::List(l.items.iter().map(Value::to_owned_value).collect()),
            Value::Dict(d) => {
                OwnedValue::Dict(d.entries.iter().map(|(k, v)| (k.to_vec(), v.to_owned_value())).collect())
            }
        }
    }

    /// The canonical encoding of this value: keys sorted, integers minimal. Equals the input
    /// bytes exactly when the input was canonical.
    pub fn encode_canonical(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.raw_len_hint());
        self.encode_canonical_into(&mut out);
        out
    }

    /// Appends the canonical encoding to `out`.
    pub fn encode_canonical_into(&self, out: &mut Vec<u8>) {
        match self {
            Value::Int(n) => put_int(out, *n),
            Value::Bytes(b) => put_bytes(out, b),
            Value::List(l) => {
                out.push(b'l');
                for item in &l.items {
                    item.encode_canonical_into(out);
                }
                out.push(b'e');
            }
            Value::Dict(d) => {
                out.push(b'd');
                let in_order = d.entries.windows(2).all(|w| w[0].0 < w[1].0);
                if in_order {
                    for (k, v) in &d.entries {
                        put_bytes(out, k);
                        v.encode_canonical_into(out);
                    }
                } else {
                    let mut sorted: Vec<&(&[u8], Value<'_>)> = d.entries.iter().collect();
                    sorted.sort_by(|a, b| a.0.cmp(b.0));
                    for (k, v) in sorted {
                        put_bytes(out, k);
                        v.encode_canonical_into(out);
                    }
                }
                out.push(b'e');
            }
        }
    }

    fn raw_len_hint(&self) -> usize {
        match self {
            Value::List(l) => l.raw.len(),
            Value::Dict(d) => d.raw.len(),
            Value::Bytes(b) => b.len() + 8,
            Value::Int(_) => 22,
        }
    }
}

/// Appends `i<n>e`.
pub fn put_int(out: &mut Vec<u8>, n: i64) {
    out.push(b'i');
    put_decimal(out, n);
    out.push(b'e');
}

/// Appends `<len>:<bytes>`.
pub fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_decimal(out, bytes.len() as i64);
    out.push(b':');
    out.extend_from_slice(bytes);
}

fn put_decimal(out: &mut Vec<u8>, n: i64) {
    // Formatting through a stack buffer avoids pulling `core::fmt` into the hot path.
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut m = n.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (m % 10) as u8;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    if n < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&buf[i..]);
}
