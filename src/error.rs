//! What every error in the core shares: who is at fault, and a stable code for JS.
//!
//! Each module has its own `#[non_exhaustive]` error enum (see STYLE.md, "Errors"); they all
//! implement [`CoreError`] so the bindings can turn any of them into a JS error with a stable
//! `code` string and a `fault` the UI can act on (drop a peer, tell the user, fix the caller).

/// Who caused an error. A peer's fault drops that peer; bad input is reported to the user;
/// misuse is our own bug in the caller (the JS shell or a test).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fault {
    /// Bytes from outside (a file, a paste, a peer, a tracker) are malformed.
    BadInput,
    /// A remote peer broke the protocol (well-formed bytes, forbidden behaviour).
    PeerMisbehaved,
    /// Well-formed and allowed, but something we do not support.
    Unsupported,
    /// The caller used the API wrongly (wrong handle, wrong order, out-of-range argument).
    ApiMisuse,
    /// A secret operation was refused (wrong passphrase, locked keystore).
    Refused,
}

impl Fault {
    /// Stable lower-case name, used across the wasm boundary.
    pub fn as_str(self) -> &'static str {
        match self {
            Fault::BadInput => "bad-input",
            Fault::PeerMisbehaved => "peer-misbehaved",
            Fault::Unsupported => "unsupported",
            Fault::ApiMisuse => "api-misuse",
            Fault::Refused => "refused",
        }
    }
}

/// Implemented by every module's error type.
pub trait CoreError: core::fmt::Display + core::fmt::Debug {
    /// A stable, dotted code such as `bencode.unexpected-eof`. Never reworded once shipped:
    /// the page and its tests match on it.
    fn code(&self) -> &'static str;
    /// Who is at fault.
    fn fault(&self) -> Fault;
}
