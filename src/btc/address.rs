//! Addresses: base58check P2PKH/P2SH and bech32/bech32m segwit programs, to and from
//! scriptPubKeys, with the network they belong to.

use super::{base58, bech32, Network};
use crate::error::{CoreError, Fault};
use core::fmt;

/// What an address pays to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Payload {
    /// Pay to public key hash.
    P2pkh([u8; 20]),
    /// Pay to script hash.
    P2sh([u8; 20]),
    /// A witness program (v0: P2WPKH/P2WSH; v1: P2TR).
    Segwit {
        /// Witness version 0–16.
        version: u8,
        /// The program (2–40 bytes).
        program: Vec<u8>,
    },
}

/// An address on a network.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Address {
    /// The network (for base58 forms, mainnet or "a test network", reported as given).
    pub network: Network,
    /// What it pays to.
    pub payload: Payload,
}

/// Why a string is not an address we can pay.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AddressError {
    /// Neither valid base58check nor valid bech32/bech32m (typo, bad checksum, bad length).
    Invalid,
    /// A valid address, for another network than the wallet's.
    WrongNetwork {
        /// The network the address belongs to.
        found: Network,
        /// The wallet's network.
        expected: Network,
    },
}

impl fmt::Display for AddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid => write!(f, "not a valid Bitcoin address (check for typos)"),
            Self::WrongNetwork { found, expected } => {
                write!(f, "this is a {} address, but the wallet is on {}", found.name(), expected.name())
            }
        }
    }
}

impl CoreError for AddressError {
    fn code(&self) -> &'static str {
        match self {
            Self::Invalid => "address.invalid",
            Self::WrongNetwork { .. } => "address.wrong-network",
        }
    }
    fn fault(&self) -> Fault {
        Fault::BadInput
    }
}

impl Address {
    /// Reads an address and checks it belongs to `expected`.
    pub fn parse(s: &str, expected: Network) -> Result<Address, AddressError> {
        let address = Self::parse_any(s)?;
        let same = match address.payload {
            // Testnet and signet share `tb`.
            Payload::Segwit { .. } => address.network.hrp() == expected.hrp(),
            _ => address.network.shares_prefixes_with(expected),
        };
        if !same {
            return Err(AddressError::WrongNetwork { found: address.network, expected });
        }
        Ok(Address { network: expected, ..address })
    }

    /// Reads an address of any network.
    pub fn parse_any(s: &str) -> Result<Address, AddressError> {
        let s = s.trim();
        if let Some((hrp, version, program)) = bech32::decode_segwit(s) {
            let network = match hrp.as_str() {
                "bc" => Network::Mainnet,
                "tb" => Network::Testnet,
                "bcrt" => Network::Regtest,
                _ => return Err(AddressError::Invalid),
            };
            return Ok(Address { network, payload: Payload::Segwit { version, program } });
        }
        let data = base58::decode_check(s).ok_or(AddressError::Invalid)?;
        let (&prefix, hash) = data.split_first().ok_or(AddressError::Invalid)?;
        let hash: [u8; 20] = hash.try_into().map_err(|_| AddressError::Invalid)?;
        let (network, payload) = match prefix {
            0x00 => (Network::Mainnet, Payload::P2pkh(hash)),
            0x05 => (Network::Mainnet, Payload::P2sh(hash)),
            0x6f => (Network::Testnet, Payload::P2pkh(hash)),
            0xc4 => (Network::Testnet, Payload::P2sh(hash)),
            _ => return Err(AddressError::Invalid),
        };
        Ok(Address { network, payload })
    }

    /// The address that pays to `script_pubkey`, if it is a standard form.
    pub fn from_script(script_pubkey: &[u8], network: Network) -> Option<Address> {
        let payload = match script_pubkey {
            [0x76, 0xa9, 0x14, hash @ .., 0x88, 0xac] if hash.len() == 20 => Payload::P2pkh(hash.try_into().ok()?),
            [0xa9, 0x14, hash @ .., 0x87] if hash.len() == 20 => Payload::P2sh(hash.try_into().ok()?),
            [op, len, program @ ..] if usize::from(*len) == program.len() && (2..=40).contains(&program.len()) => {
                let version = match op {
                    0x00 => 0,
                    0x51..=0x60 => op - 0x50,
                    _ => return None,
                };
                if version == 0 && program.len() != 20 && program.len() != 32 {
                    return None;
                }
                Payload::Segwit { version, program: program.to_vec() }
            }
            _ => return None,
        };
        Some(Address { network, payload })
    }

    /// The scriptPubKey that pays this address.
    pub fn script_pubkey(&self) -> Vec<u8> {
        match &self.payload {
            Payload::P2pkh(h) => [&[0x76, 0xa9, 0x14][..], h, &[0x88, 0xac]].concat(),
            Payload::P2sh(h) => [&[0xa9, 0x14][..], h, &[0x87]].concat(),
            Payload::Segwit { version, program } => {
                let op = if *version == 0 { 0 } else { 0x50 + version };
                [&[op, program.len() as u8][..], program].concat()
            }
        }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.payload {
            Payload::P2pkh(h) => f.write_str(&base58::encode_check(&[&[self.network.p2pkh_prefix()][..], h].concat())),
            Payload::P2sh(h) => f.write_str(&base58::encode_check(&[&[self.network.p2sh_prefix()][..], h].concat())),
            Payload::Segwit { version, program } => {
                f.write_str(&bech32::encode_segwit(self.network.hrp(), *version, program))
            }
        }
    }
}
