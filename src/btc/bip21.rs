//! BIP-21 payment URIs: `bitcoin:<address>?amount=<BTC>&label=<text>&message=<text>`.
//!
//! Parsing is strict where money is concerned (the address must be of the wallet's
//! network, the amount a plain decimal of at most 8 places within 21 million BTC, and an
//! unknown `req-` parameter refuses the URI as BIP-21 demands) and lenient elsewhere
//! (unknown optional parameters are kept for display, the scheme's case is ignored).

use super::amount::{Amount, MAX_MONEY, SAT_PER_BTC};
use super::{Address, AddressError, Network};
use crate::error::{CoreError, Fault};
use core::fmt;

/// A payment request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentUri {
    /// Who to pay.
    pub address: Address,
    /// How much, if the request says.
    pub amount: Option<Amount>,
    /// The payee's name for the request.
    pub label: Option<String>,
    /// A note for the payer.
    pub message: Option<String>,
    /// Other optional parameters, decoded, in their order.
    pub other: Vec<(String, String)>,
}

/// Why a text is not a BIP-21 URI we can pay.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UriError {
    /// It does not start with `bitcoin:`.
    NotBitcoinUri,
    /// The address part is not an address of this network.
    Address(AddressError),
    /// The amount is not a decimal number of BTC within 21 million with ≤ 8 decimals.
    BadAmount,
    /// A `%XX` escape that is not hex, or decoded bytes that are not UTF-8.
    BadEncoding,
    /// A parameter appears twice (`amount`, `label` or `message`).
    Duplicate(String),
    /// A `req-` parameter we do not know: BIP-21 says the URI must then be refused.
    UnknownRequired(String),
}

impl fmt::Display for UriError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotBitcoinUri => write!(f, "not a bitcoin: payment link"),
            Self::Address(e) => write!(f, "{e}"),
            Self::BadAmount => write!(f, "the amount is not a number of BTC with at most 8 decimals"),
            Self::BadEncoding => write!(f, "a %-escape in the link is not valid UTF-8 text"),
            Self::Duplicate(p) => write!(f, "the parameter {p:?} appears twice"),
            Self::UnknownRequired(p) => write!(f, "the link requires {p:?}, which this wallet does not support"),
        }
    }
}

impl CoreError for UriError {
    fn code(&self) -> &'static str {
        match self {
            Self::NotBitcoinUri => "bip21.not-bitcoin-uri",
            Self::Address(e) => e.code(),
            Self::BadAmount => "bip21.bad-amount",
            Self::BadEncoding => "bip21.bad-encoding",
            Self::Duplicate(_) => "bip21.duplicate",
            Self::UnknownRequired(_) => "bip21.unknown-required",
        }
    }
    fn fault(&self) -> Fault {
        match self {
            Self::UnknownRequired(_) => Fault::Unsupported,
            _ => Fault::BadInput,
        }
    }
}

/// Reads a decimal BTC amount (`"0.0015"`, `"21"`, `".5"`): at most 8 decimals, ≤ 21M BTC.
pub fn parse_btc(text: &str) -> Option<Amount> {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if (whole.is_empty() && frac.is_empty()) || frac.len() > 8 || whole.len() > 8 {
        return None;
    }
    if !whole.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: u64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let frac: u64 = if frac.is_empty() { 0 } else { format!("{frac:0<8}").parse().ok()? };
    let sat = whole.checked_mul(SAT_PER_BTC)?.checked_add(frac)?;
    (sat <= MAX_MONEY).then_some(Amount::from_sat(sat))
}

fn percent_decode(text: &str) -> Result<String, UriError> {
    crate::percent::percent_decode(text).ok_or(UriError::BadEncoding)
}

impl PaymentUri {
    /// A request to pay `address`.
    pub fn new(address: Address) -> Self {
        PaymentUri { address, amount: None, label: None, message: None, other: Vec::new() }
    }

    /// Reads a `bitcoin:` URI for a wallet on `network`.
    pub fn parse(text: &str, network: Network) -> Result<Self, UriError> {
        let text = text.trim();
        let rest = text
            .get(..8)
            .filter(|scheme| scheme.eq_ignore_ascii_case("bitcoin:"))
            .map(|_| &text[8..])
            .ok_or(UriError::NotBitcoinUri)?;
        let (address, query) = rest.split_once('?').unwrap_or((rest, ""));
        let address = Address::parse(&percent_decode(address)?, network).map_err(UriError::Address)?;
        let mut uri = PaymentUri::new(address);
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let key = percent_decode(key)?;
            let value = percent_decode(value)?;
            let dup = || UriError::Duplicate(key.clone());
            match key.as_str() {
                "amount" => {
                    if uri.amount.is_some() {
                        return Err(dup());
                    }
                    uri.amount = Some(parse_btc(&value).ok_or(UriError::BadAmount)?);
                }
                "label" => {
                    if uri.label.is_some() {
                        return Err(dup());
                    }
                    uri.label = Some(value);
                }
                "message" => {
                    if uri.message.is_some() {
                        return Err(dup());
                    }
                    uri.message = Some(value);
                }
                k if k.starts_with("req-") => return Err(UriError::UnknownRequired(key)),
                _ => uri.other.push((key, value)),
            }
        }
        Ok(uri)
    }

    /// The URI text. Bech32 addresses without parameters are upper-cased (with the
    /// scheme) so a QR code can use its compact alphanumeric mode, as BIP-173 suggests.
    pub fn to_uri(&self) -> String {
        let address = self.address.to_string();
        let mut out = String::from("bitcoin:");
        let bare = self.amount.is_none() && self.label.is_none() && self.message.is_none() && self.other.is_empty();
        if bare && matches!(self.address.payload, super::Payload::Segwit { .. }) {
            return format!("BITCOIN:{}", address.to_uppercase());
        }
        out.push_str(&address);
        let mut sep = '?';
        let mut param = |out: &mut String, key: &str, value: &str| {
            out.push(sep);
            sep = '&';
            out.push_str(&crate::percent::percent_encode(key));
            out.push('=');
            out.push_str(&crate::percent::percent_encode(value));
        };
        if let Some(amount) = self.amount {
            param(&mut out, "amount", &amount.to_btc_string());
        }
        if let Some(label) = &self.label {
            param(&mut out, "label", label);
        }
        if let Some(message) = &self.message {
            param(&mut out, "message", message);
        }
        for (k, v) in &self.other {
            param(&mut out, k, v);
        }
        out
    }
}
