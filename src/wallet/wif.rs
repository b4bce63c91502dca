//! Wallet Import Format: one private key as base58check (version byte ‖ key ‖ [0x01 if the
//! public key is compressed]). Testnet, signet and regtest share version 0xEF.

use super::error::WalletError;
use crate::btc::{base58, Network};
use k256::SecretKey;
use zeroize::Zeroizing;

/// A single imported private key. Debug prints only the network and compression flag.
#[derive(Clone)]
pub struct WifKey {
    pub(crate) key: SecretKey,
    /// Mainnet, or `Testnet` for every test network (they share the 0xEF version).
    pub network: Network,
    /// Whether addresses use the 33-byte compressed public key.
    pub compressed: bool,
}

impl core::fmt::Debug for WifKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "WifKey({:?}, compressed {}, secret hidden)", self.network, self.compressed)
    }
}

impl WifKey {
    /// Reads a WIF string. Hostile text gives a typed error, never a panic.
    pub fn parse(s: &str) -> Result<Self, WalletError> {
        let data = Zeroizing::new(
            base58::decode_check(s.trim()).ok_or(WalletError::BadWif("not base58check (typo or bad checksum)"))?,
        );
        let (version, rest) = data.split_first().ok_or(WalletError::BadWif("empty"))?;
        let network = match *version {
            0x80 => Network::Mainnet,
            0xef => Network::Testnet,
            _ => return Err(WalletError::BadWif("unknown version byte")),
        };
        let (secret, compressed) = match rest.len() {
            32 => (rest, false),
            33 if rest.get(32) == Some(&1) => (rest.get(..32).unwrap_or_default(), true),
            33 => return Err(WalletError::BadWif("compression flag must be 0x01")),
            _ => return Err(WalletError::BadWif("wrong length")),
        };
        let key = SecretKey::from_slice(secret).map_err(|_| WalletError::BadWif("key is not in 1..n-1"))?;
        Ok(WifKey { key, network, compressed })
    }

    /// Wraps a key for export.
    pub fn new(key: SecretKey, network: Network, compressed: bool) -> Self {
        WifKey { key, network, compressed }
    }

    /// The WIF text. A secret: only for an explicit export.
    pub fn to_wif(&self) -> Zeroizing<String> {
        let mut data = Zeroizing::new(Vec::with_capacity(34));
        data.push(if self.network == Network::Mainnet { 0x80 } else { 0xef });
        data.extend_from_slice(&self.key.to_bytes());
        if self.compressed {
            data.push(1);
        }
        Zeroizing::new(base58::encode_check(&data))
    }

    /// The SEC1 public key (33 bytes compressed, 65 uncompressed).
    pub fn public_key_bytes(&self) -> Vec<u8> {
        use k256::elliptic_curve::sec1::ToEncodedPoint;
        self.key.public_key().to_encoded_point(self.compressed).as_bytes().to_vec()
    }

    /// The public key.
    pub fn public_key(&self) -> k256::PublicKey {
        self.key.public_key()
    }
}
