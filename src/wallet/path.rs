//! BIP-32 derivation paths such as `m/84'/0'/0'/0/5`.

use super::error::WalletError;
use core::fmt;

/// Child numbers at or above this are hardened (BIP-32).
pub const HARDENED: u32 = 0x8000_0000;

/// A path of child numbers from the master key.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct DerivationPath(pub Vec<u32>);

impl DerivationPath {
    /// Reads `m/…` with `'`, `h` or `H` marking hardened steps.
    pub fn parse(s: &str) -> Result<Self, WalletError> {
        let bad = || WalletError::BadPath(s.chars().take(64).collect());
        let mut parts = s.trim().split('/');
        if parts.next() != Some("m") {
            return Err(bad());
        }
        let mut steps = Vec::new();
        for part in parts {
            let (digits, hardened) = match part.strip_suffix(['\'', 'h', 'H']) {
                Some(d) => (d, true),
                None => (part, false),
            };
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            let n: u32 = digits.parse().map_err(|_| bad())?;
            if n >= HARDENED {
                return Err(bad());
            }
            steps.push(if hardened { n | HARDENED } else { n });
        }
        Ok(DerivationPath(steps))
    }

    /// This path extended by one step.
    pub fn child(&self, n: u32) -> Self {
        let mut steps = self.0.clone();
        steps.push(n);
        DerivationPath(steps)
    }
}

impl fmt::Display for DerivationPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("m")?;
        for &n in &self.0 {
            if n >= HARDENED {
                write!(f, "/{}'", n - HARDENED)?;
            } else {
                write!(f, "/{n}")?;
            }
        }
        Ok(())
    }
}
