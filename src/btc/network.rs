//! The four Bitcoin networks and the prefixes each uses.

/// A Bitcoin network. Mainnet moves real money: the page marks it clearly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Network {
    /// Real bitcoin.
    Mainnet,
    /// testnet3/testnet4.
    Testnet,
    /// Signet (testnet prefixes).
    Signet,
    /// Local regression testing.
    Regtest,
}

impl Network {
    /// Bech32 human-readable part (BIP-173).
    pub fn hrp(self) -> &'static str {
        match self {
            Network::Mainnet => "bc",
            Network::Testnet | Network::Signet => "tb",
            Network::Regtest => "bcrt",
        }
    }
    /// Base58 version byte of P2PKH addresses.
    pub fn p2pkh_prefix(self) -> u8 {
        if self == Network::Mainnet {
            0x00
        } else {
            0x6f
        }
    }
    /// Base58 version byte of P2SH addresses.
    pub fn p2sh_prefix(self) -> u8 {
        if self == Network::Mainnet {
            0x05
        } else {
            0xc4
        }
    }
    /// WIF version byte.
    pub fn wif_prefix(self) -> u8 {
        if self == Network::Mainnet {
            0x80
        } else {
            0xef
        }
    }
    /// BIP-44 coin type: 0 on mainnet, 1 on every test network.
    pub fn coin_type(self) -> u32 {
        if self == Network::Mainnet {
            0
        } else {
            1
        }
    }
    /// Stable lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Network::Mainnet => "mainnet",
            Network::Testnet => "testnet",
            Network::Signet => "signet",
            Network::Regtest => "regtest",
        }
    }
    /// The network named `name` (as [`Network::name`] gives).
    pub fn from_name(name: &str) -> Option<Network> {
        [Network::Mainnet, Network::Testnet, Network::Signet, Network::Regtest].into_iter().find(|n| n.name() == name)
    }
    /// Networks that share base58 prefixes cannot be told apart by a legacy address.
    pub fn shares_prefixes_with(self, other: Network) -> bool {
        (self == Network::Mainnet) == (other == Network::Mainnet)
    }
}
