//! Decoded bencode values that borrow from the input (zero-copy) and keep their raw spans.

/// One decoded value. Byte strings borrow from the input; containers keep the exact input bytes
/// they came from (`raw`), because an info hash is the hash of those bytes, never of a
/// re-encoding (BEP 3; PROTOCOL.md §5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value<'a> {
    /// `i<n>e`
    Int(i64),
    /// `<len>:<bytes>`
    Bytes(&'a [u8]),
    /// `l…e`
    List(List<'a>),
    /// `d…e`
    Dict(Dict<'a>),
}

/// A decoded list and the input bytes it spans.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct List<'a> {
    /// The exact input bytes of this list, `l` through `e`.
    pub raw: &'a [u8],
    /// Its items in order.
    pub items: Vec<Value<'a>>,
}

/// A decoded dictionary and the input bytes it spans. Entries keep input order (which is
/// sorted unless the input was decoded in tolerant mode).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dict<'a> {
    /// The exact input bytes of this dictionary, `d` through `e`.
    pub raw: &'a [u8],
    /// Its entries in input order; keys are unique.
    pub entries: Vec<(&'a [u8], Value<'a>)>,
}

impl<'a> Value<'a> {
    /// The integer, if this is one.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }
    /// The byte string, if this is one.
    pub fn as_bytes(&self) -> Option<&'a [u8]> {
        match self {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }
    /// The byte string as UTF-8 text, if it is a byte string holding valid UTF-8.
    pub fn as_str(&self) -> Option<&'a str> {
        self.as_bytes().and_then(|b| core::str::from_utf8(b).ok())
    }
    /// The list, if this is one.
    pub fn as_list(&self) -> Option<&List<'a>> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }
    /// The dictionary, if this is one.
    pub fn as_dict(&self) -> Option<&Dict<'a>> {
        match self {
            Value::Dict(d) => Some(d),
            _ => None,
        }
    }
    /// A short name of the kind of value, for error messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Int(_) => "integer",
            Value::Bytes(_) => "byte string",
            Value::List(_) => "list",
            Value::Dict(_) => "dictionary",
        }
    }
}

impl<'a> Dict<'a> {
    /// The value under `key`. Dicts in torrents are small, so a scan beats a map here.
    pub fn get(&self, key: &[u8]) -> Option<&Value<'a>> {
        self.entries.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }
    /// The integer under `key`, if present and an integer.
    pub fn get_int(&self, key: &[u8]) -> Option<i64> {
        self.get(key).and_then(Value::as_int)
    }
    /// The byte string under `key`, if present and a byte string.
    pub fn get_bytes(&self, key: &[u8]) -> Option<&'a [u8]> {
        self.get(key).and_then(Value::as_bytes)
    }
    /// The UTF-8 string under `key`, if present and valid UTF-8.
    pub fn get_str(&self, key: &[u8]) -> Option<&'a str> {
        self.get(key).and_then(Value::as_str)
    }
    /// The list under `key`, if present and a list.
    pub fn get_list(&self, key: &[u8]) -> Option<&List<'a>> {
        self.get(key).and_then(Value::as_list)
    }
    /// The dictionary under `key`, if present and a dictionary.
    pub fn get_dict(&self, key: &[u8]) -> Option<&Dict<'a>> {
        self.get(key).and_then(Value::as_dict)
    }
}
