//! Amounts in satoshis with checked arithmetic: a sum of hostile output values must fail,
//! never wrap (CVE-2010-5139 was an overflowing sum of outputs).

use core::fmt;

/// Satoshis in one bitcoin.
pub const SAT_PER_BTC: u64 = 100_000_000;
/// No valid amount exceeds 21 million BTC (Core's `MAX_MONEY`, amount.h).
pub const MAX_MONEY: u64 = 21_000_000 * SAT_PER_BTC;

/// An amount of bitcoin in satoshis.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(u64);

impl Amount {
    /// Zero satoshis.
    pub const ZERO: Amount = Amount(0);

    /// An amount of `sat` satoshis (any u64: the raw field of a transaction output).
    pub const fn from_sat(sat: u64) -> Amount {
        Amount(sat)
    }
    /// The number of satoshis.
    pub const fn to_sat(self) -> u64 {
        self.0
    }
    /// `self + other`, or `None` on overflow.
    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.0.checked_add(other.0).map(Amount)
    }
    /// `self - other`, or `None` if `other` is larger.
    pub fn checked_sub(self, other: Amount) -> Option<Amount> {
        self.0.checked_sub(other.0).map(Amount)
    }
    /// The sum of `amounts`, or `None` on overflow.
    pub fn checked_sum(amounts: impl IntoIterator<Item = Amount>) -> Option<Amount> {
        amounts.into_iter().try_fold(Amount::ZERO, Amount::checked_add)
    }
    /// The amount in BTC as a bare decimal, as BIP-21 writes it: at most 8 decimals, no
    /// trailing zeros, no exponent, no unit (`0.0001`, `21`).
    pub fn to_btc_string(self) -> String {
        let (whole, frac) = (self.0 / SAT_PER_BTC, self.0 % SAT_PER_BTC);
        if frac == 0 {
            return whole.to_string();
        }
        let digits = format!("{frac:08}");
        format!("{whole}.{}", digits.trim_end_matches('0'))
    }
    /// Whether this is within `MAX_MONEY` (Core's `MoneyRange`).
    pub fn is_money_range(self) -> bool {
        self.0 <= MAX_MONEY
    }
}

/// Shows BTC with 8 decimals and the trailing zeros removed, e.g. `0.0001 BTC`.
impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} BTC", self.to_btc_string())
    }
}
