//! Receive and change chains with a gap limit (BIP-44 "Address gap limit"): the page keeps
//! the set of addresses it has seen used; from it we find which indices are used, the next
//! unused address to hand out, and the addresses worth watching.

use super::account::Account;
use super::error::WalletError;
use crate::btc::Address;

/// BIP-44's gap limit: wallets stop looking after this many unused addresses in a row.
pub const DEFAULT_GAP_LIMIT: u32 = 20;

/// The two chains of an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Chain {
    /// External chain (0): addresses given to payers.
    Receive,
    /// Internal chain (1): change back to ourselves.
    Change,
}

impl Chain {
    /// The BIP-32 child number of the chain.
    pub fn index(self) -> u32 {
        match self {
            Chain::Receive => 0,
            Chain::Change => 1,
        }
    }
}

/// What a scan of one chain found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainScan {
    /// Indices seen used, ascending.
    pub used: Vec<u32>,
    /// The first index after the last used one: the address to hand out next.
    pub next_unused: u32,
    /// Addresses from 0 to `next_unused + gap_limit` (exclusive): what a wallet watches.
    pub addresses: Vec<Address>,
}

/// Walks `chain` of `account` from index 0 until `gap_limit` addresses in a row are unused
/// by `is_used`, as BIP-44 account discovery does. A used address past a longer gap is not
/// found, exactly as other BIP-44 wallets would miss it.
pub fn scan(
    account: &Account,
    chain: Chain,
    gap_limit: u32,
    is_used: impl Fn(&Address) -> bool,
) -> Result<ChainScan, WalletError> {
    let gap_limit = gap_limit.clamp(1, 1000);
    let chain_key = account.xpub.derive_child(chain.index())?;
    let mut used = Vec::new();
    let mut addresses = Vec::new();
    let mut next_unused = 0u32;
    let mut index = 0u32;
    while index < next_unused.saturating_add(gap_limit) {
        let address = match chain_key.derive_child(index) {
            Ok(key) => account.script_type.address(&key.key, account.network),
            // BIP-32's once-in-2^127 invalid child: skip the index, as BIP-32 says.
            Err(WalletError::InvalidChild) => {
                index = index.checked_add(1).ok_or(WalletError::InvalidChild)?;
                continue;
            }
            Err(e) => return Err(e),
        };
        if is_used(&address) {
            used.push(index);
            next_unused = index + 1;
        }
        addresses.push(address);
        index = index.checked_add(1).ok_or(WalletError::InvalidChild)?;
    }
    Ok(ChainScan { used, next_unused, addresses })
}
