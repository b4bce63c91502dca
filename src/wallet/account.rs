//! Accounts by script type (BIP-44/49/84/86): account keys, their SLIP-132 export, output
//! descriptors, and receive/change addresses.

use super::error::WalletError;
use super::hd::{compressed, ExtendedPrivKey, ExtendedPubKey, KeyVersion, VERSIONS};
use super::path::{DerivationPath, HARDENED};
use crate::btc::hash::hash160;
use crate::btc::psbt::taproot::output_key;
use crate::btc::{Address, Network, Payload};
use k256::elliptic_curve::point::AffineCoordinates;
use k256::PublicKey;

/// How an account's coins are locked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScriptType {
    /// BIP-44: legacy P2PKH (`1…`).
    P2pkh,
    /// BIP-49: P2WPKH nested in P2SH (`3…`).
    P2shP2wpkh,
    /// BIP-84: native segwit v0 (`bc1q…`).
    P2wpkh,
    /// BIP-86: taproot key path (`bc1p…`).
    P2tr,
}

impl ScriptType {
    /// The BIP-43 purpose number.
    pub fn purpose(self) -> u32 {
        match self {
            ScriptType::P2pkh => 44,
            ScriptType::P2shP2wpkh => 49,
            ScriptType::P2wpkh => 84,
            ScriptType::P2tr => 86,
        }
    }

    /// The SLIP-132 version wallets use to export this account type.
    pub fn version(self, network: Network) -> KeyVersion {
        let test = network != Network::Mainnet;
        let i = match self {
            ScriptType::P2pkh | ScriptType::P2tr => 0,
            ScriptType::P2shP2wpkh => 1,
            ScriptType::P2wpkh => 2,
        };
        VERSIONS[i + if test { 3 } else { 0 }]
    }

    /// `m/purpose'/coin'/account'`.
    pub fn account_path(self, network: Network, account: u32) -> DerivationPath {
        DerivationPath(vec![self.purpose() | HARDENED, network.coin_type() | HARDENED, account | HARDENED])
    }

    /// The address paying to `key` under this script type.
    pub fn address(self, key: &PublicKey, network: Network) -> Address {
        let payload = match self {
            ScriptType::P2pkh => Payload::P2pkh(hash160(&compressed(key))),
            ScriptType::P2shP2wpkh => {
                let redeem = [&[0x00, 0x14][..], &hash160(&compressed(key))].concat();
                Payload::P2sh(hash160(&redeem))
            }
            ScriptType::P2wpkh => Payload::Segwit { version: 0, program: hash160(&compressed(key)).to_vec() },
            ScriptType::P2tr => Payload::Segwit { version: 1, program: taproot_output_key(key).to_vec() },
        };
        Address { network, payload }
    }
}

/// The x-only key of `key` (BIP-340: the point with even y sharing this x).
pub fn x_only(key: &PublicKey) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(&key.as_affine().x());
    out
}

/// BIP-86 output key: Q = P + hash_TapTweak(x(P))·G, with P the even-y lift of the key.
pub fn taproot_output_key(internal: &PublicKey) -> [u8; 32] {
    // `None` only for a tweak ≥ n (probability ~2^-128): no key then, never a panic.
    output_key(&x_only(internal), None).map_or([0; 32], |(q, _)| q)
}

/// One account: its key origin and extended public key. Addresses need no private key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// Script type.
    pub script_type: ScriptType,
    /// Network.
    pub network: Network,
    /// Master key fingerprint (key origin).
    pub master_fingerprint: [u8; 4],
    /// Path from the master key.
    pub path: DerivationPath,
    /// The account's extended public key (SLIP-132 version).
    pub xpub: ExtendedPubKey,
}

impl Account {
    /// Derives account `index` of `script_type` from a master key.
    pub fn derive(
        master: &ExtendedPrivKey,
        script_type: ScriptType,
        network: Network,
        index: u32,
    ) -> Result<Self, WalletError> {
        let path = script_type.account_path(network, index);
        let key = master.derive_path(&path)?.with_version(script_type.version(network));
        Ok(Account { script_type, network, master_fingerprint: master.fingerprint(), path, xpub: key.to_public() })
    }

    /// The address at `chain` (0 receive, 1 change) and `index`.
    pub fn address(&self, chain: u32, index: u32) -> Result<Address, WalletError> {
        let key = self.xpub.derive_child(chain)?.derive_child(index)?;
        Ok(self.script_type.address(&key.key, self.network))
    }

    /// The output descriptor with key origin and checksum, e.g.
    /// `wpkh([73c5da0a/84'/0'/0']xpub…/0/*)#…` (BIP-380..386).
    pub fn descriptor(&self, chain: u32) -> String {
        // Descriptors always carry xpub/tpub versions, not SLIP-132 ones.
        let mut plain = self.xpub.clone();
        plain.meta.version = super::hd::plain_version(self.network);
        let origin = format!("[{}{}]", crate::metainfo::hex(&self.master_fingerprint), &self.path.to_string()[1..]);
        let key = format!("{origin}{}/{chain}/*", plain.to_base58());
        let body = match self.script_type {
            ScriptType::P2pkh => format!("pkh({key})"),
            ScriptType::P2shP2wpkh => format!("sh(wpkh({key}))"),
            ScriptType::P2wpkh => format!("wpkh({key})"),
            ScriptType::P2tr => format!("tr({key})"),
        };
        format!("{body}#{}", descriptor_checksum(&body).unwrap_or_default())
    }
}

/// The 8-character descriptor checksum (BIP-380); `None` for a character outside its set.
pub fn descriptor_checksum(desc: &str) -> Option<String> {
    const INPUT: &str =
        "0123456789()[],'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~ijklmnopqrstuvwxyzABCDEFGH`#\"\\ ";
    const CHECK: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    fn polymod(c: u64, val: u64) -> u64 {
        let c0 = c >> 35;
        let mut c = ((c & 0x7_ffff_ffff) << 5) ^ val;
        for (i, g) in [0xf5dee51989u64, 0xa9fdca3312, 0x1bab10e32d, 0x3706b1677a, 0x644d626ffd].iter().enumerate() {
            if (c0 >> i) & 1 == 1 {
                c ^= g;
            }
        }
        c
    }
    let mut c = 1u64;
    let mut cls = 0u64;
    let mut clscount = 0;
    for ch in desc.chars() {
        let pos = INPUT.find(ch)? as u64;
        c = polymod(c, pos & 31);
        cls = cls * 3 + (pos >> 5);
        clscount += 1;
        if clscount == 3 {
            c = polymod(c, cls);
            cls = 0;
            clscount = 0;
        }
    }
    if clscount > 0 {
        c = polymod(c, cls);
    }
    for _ in 0..8 {
        c = polymod(c, 0);
    }
    c ^= 1;
    Some((0..8).map(|j| char::from(CHECK[((c >> (5 * (7 - j))) & 31) as usize])).collect())
}
