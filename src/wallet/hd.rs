//! BIP-32 hierarchical deterministic keys: derivation and xprv/xpub serialisation, with the
//! SLIP-132 versions (ypub, zpub, …) wallets use to say which script type an account is.

use super::error::WalletError;
use super::path::{DerivationPath, HARDENED};
use crate::btc::{base58, hash::hash160, Network};
use hmac::{Hmac, Mac};
use k256::elliptic_curve::group::prime::PrimeCurveAffine;
use k256::elliptic_curve::ops::MulByGenerator;
use k256::elliptic_curve::sec1::ToEncodedPoint;
use k256::elliptic_curve::PrimeField;
use k256::{ProjectivePoint, PublicKey, Scalar, SecretKey};
use sha2::Sha512;
use zeroize::Zeroizing;

/// Version bytes of an extended key pair: which network, which script type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyVersion {
    /// Serialised private version.
    pub private: [u8; 4],
    /// Serialised public version.
    pub public: [u8; 4],
    /// Mainnet or a test network.
    pub network: Network,
    /// Human prefix of the public form (`xpub`, `zpub`, …).
    pub name: &'static str,
}

const fn v(private: u32, public: u32, network: Network, name: &'static str) -> KeyVersion {
    KeyVersion { private: private.to_be_bytes(), public: public.to_be_bytes(), network, name }
}

/// BIP-32 and SLIP-132 versions: x (BIP-44/86), y (BIP-49), z (BIP-84); t/u/v on test nets.
pub const VERSIONS: [KeyVersion; 6] = [
    v(0x0488_ade4, 0x0488_b21e, Network::Mainnet, "xpub"),
    v(0x049d_7878, 0x049d_7cb2, Network::Mainnet, "ypub"),
    v(0x04b2_430c, 0x04b2_4746, Network::Mainnet, "zpub"),
    v(0x0435_8394, 0x0435_87cf, Network::Testnet, "tpub"),
    v(0x044a_4e28, 0x044a_5262, Network::Testnet, "upub"),
    v(0x045f_18bc, 0x045f_1cf6, Network::Testnet, "vpub"),
];

/// The plain BIP-32 version for a network (`xprv`/`tprv`).
pub fn plain_version(network: Network) -> KeyVersion {
    if network == Network::Mainnet {
        VERSIONS[0]
    } else {
        VERSIONS[3]
    }
}

/// Metadata shared by private and public extended keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyMeta {
    /// Version bytes used when serialising.
    pub version: KeyVersion,
    /// Depth from the master key.
    pub depth: u8,
    /// First 4 bytes of the parent's key identifier.
    pub parent_fingerprint: [u8; 4],
    /// This key's child number.
    pub child_number: u32,
}

/// An extended private key. Its secret and chain code are zeroized on drop; Debug shows
/// only public facts.
#[derive(Clone)]
pub struct ExtendedPrivKey {
    meta: KeyMeta,
    chain_code: Zeroizing<[u8; 32]>,
    key: SecretKey,
}

/// An extended public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtendedPubKey {
    /// Version, depth, parent and child number.
    pub meta: KeyMeta,
    /// Chain code.
    pub chain_code: [u8; 32],
    /// Public key.
    pub key: PublicKey,
}

impl core::fmt::Debug for ExtendedPrivKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "ExtendedPrivKey(depth {}, fingerprint {:02x?}, secret hidden)", self.meta.depth, self.fingerprint())
    }
}

type HmacSha512 = Hmac<Sha512>;

fn hmac512(key: &[u8], parts: &[&[u8]]) -> Zeroizing<[u8; 64]> {
    let mut mac =
        <HmacSha512 as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    for p in parts {
        mac.update(p);
    }
    let mut out = Zeroizing::new([0u8; 64]);
    out.copy_from_slice(&mac.finalize().into_bytes());
    out
}

/// Splits I into (IL as a scalar below n, IR). `None` if IL ≥ n (BIP-32: invalid child).
fn split(i: &[u8; 64]) -> Option<(Scalar, [u8; 32])> {
    let mut il = k256::FieldBytes::default();
    il.copy_from_slice(&i[..32]);
    let il: Option<Scalar> = Scalar::from_repr(il).into();
    let mut ir = [0u8; 32];
    ir.copy_from_slice(&i[32..]);
    Some((il?, ir))
}

/// Compressed SEC1 encoding (33 bytes).
pub fn compressed(key: &PublicKey) -> [u8; 33] {
    let point = key.to_encoded_point(true);
    let mut out = [0u8; 33];
    out.copy_from_slice(point.as_bytes());
    out
}

fn fingerprint_of(key: &PublicKey) -> [u8; 4] {
    let id = hash160(&compressed(key));
    [id[0], id[1], id[2], id[3]]
}

impl ExtendedPrivKey {
    /// The master key of a seed (BIP-32: HMAC-SHA512 keyed "Bitcoin seed").
    pub fn master(seed: &[u8], network: Network) -> Result<Self, WalletError> {
        let i = hmac512(b"Bitcoin seed", &[seed]);
        let key = SecretKey::from_slice(&i[..32]).map_err(|_| WalletError::InvalidChild)?;
        let mut chain_code = Zeroizing::new([0u8; 32]);
        chain_code.copy_from_slice(&i[32..]);
        let meta = KeyMeta { version: plain_version(network), depth: 0, parent_fingerprint: [0; 4], child_number: 0 };
        Ok(ExtendedPrivKey { meta, chain_code, key })
    }

    /// Version, depth, parent and child number.
    pub fn meta(&self) -> KeyMeta {
        self.meta
    }

    /// The same key serialised under other version bytes (e.g. zprv for a BIP-84 account).
    pub fn with_version(mut self, version: KeyVersion) -> Self {
        self.meta.version = version;
        self
    }

    /// The secret key, for signing inside `crate::wallet` only.
    pub(crate) fn secret(&self) -> &SecretKey {
        &self.key
    }

    /// The public half.
    pub fn public_key(&self) -> PublicKey {
        super::sign::public_key_of(&self.key)
    }

    /// This key's fingerprint (first 4 bytes of HASH160 of its public key).
    pub fn fingerprint(&self) -> [u8; 4] {
        fingerprint_of(&self.public_key())
    }

    /// CKDpriv (BIP-32).
    pub fn derive_child(&self, n: u32) -> Result<Self, WalletError> {
        let index = n.to_be_bytes();
        let i = if n >= HARDENED {
            let secret = Zeroizing::new(self.key.to_bytes());
            hmac512(&self.chain_code[..], &[&[0u8], &secret[..], &index])
        } else {
            hmac512(&self.chain_code[..], &[&compressed(&self.public_key()), &index])
        };
        let (il, ir) = split(&i).ok_or(WalletError::InvalidChild)?;
        let child = il + *self.key.to_nonzero_scalar();
        let key = SecretKey::from_bytes(&child.to_repr()).map_err(|_| WalletError::InvalidChild)?;
        let meta = KeyMeta {
            version: self.meta.version,
            depth: self.meta.depth.checked_add(1).ok_or(WalletError::InvalidChild)?,
            parent_fingerprint: self.fingerprint(),
            child_number: n,
        };
        Ok(ExtendedPrivKey { meta, chain_code: Zeroizing::new(ir), key })
    }

    /// CKDpriv's child key alone, without its metadata: signing many children of one
    /// parent (a PSBT's inputs on one chain) then costs no parent fingerprint per child.
    /// `parent_public` is this key's compressed public key, computed once by the caller.
    pub(crate) fn child_secret(&self, parent_public: &[u8; 33], n: u32) -> Result<SecretKey, WalletError> {
        let index = n.to_be_bytes();
        let i = if n >= HARDENED {
            let secret = Zeroizing::new(self.key.to_bytes());
            hmac512(&self.chain_code[..], &[&[0u8], &secret[..], &index])
        } else {
            hmac512(&self.chain_code[..], &[parent_public, &index])
        };
        let (il, _) = split(&i).ok_or(WalletError::InvalidChild)?;
        let child = Zeroizing::new(il + *self.key.to_nonzero_scalar());
        SecretKey::from_bytes(&child.to_repr()).map_err(|_| WalletError::InvalidChild)
    }

    /// Follows a path from this key.
    pub fn derive_path(&self, path: &DerivationPath) -> Result<Self, WalletError> {
        path.0.iter().try_fold(self.clone(), |key, &n| key.derive_child(n))
    }

    /// The extended public key.
    pub fn to_public(&self) -> ExtendedPubKey {
        ExtendedPubKey { meta: self.meta, chain_code: *self.chain_code, key: self.public_key() }
    }

    /// `xprv…` (or the version's private form). A secret: only for an explicit export.
    pub fn to_base58(&self) -> Zeroizing<String> {
        let mut data = Zeroizing::new(Vec::with_capacity(78));
        serialize_meta(&mut data, &self.meta, self.meta.version.private);
        data.extend_from_slice(&self.chain_code[..]);
        data.push(0);
        data.extend_from_slice(&self.key.to_bytes());
        Zeroizing::new(base58::encode_check(&data))
    }

    /// Reads `xprv…`-style keys of any known version.
    pub fn from_base58(s: &str) -> Result<Self, WalletError> {
        let data = Zeroizing::new(decode_78(s)?);
        let (meta, private) = parse_meta(&data)?;
        if !private {
            return Err(WalletError::BadExtendedKey("a public key where a private key was expected"));
        }
        if data[45] != 0 {
            return Err(WalletError::BadExtendedKey("private key data must start with 0x00"));
        }
        let key = SecretKey::from_slice(&data[46..78])
            .map_err(|_| WalletError::BadExtendedKey("private key is not in 1..n-1"))?;
        let mut chain_code = Zeroizing::new([0u8; 32]);
        chain_code.copy_from_slice(&data[13..45]);
        Ok(ExtendedPrivKey { meta, chain_code, key })
    }
}

impl ExtendedPubKey {
    /// This key's fingerprint.
    pub fn fingerprint(&self) -> [u8; 4] {
        fingerprint_of(&self.key)
    }

    /// CKDpub (BIP-32): normal children only.
    pub fn derive_child(&self, n: u32) -> Result<Self, WalletError> {
        if n >= HARDENED {
            return Err(WalletError::NeedsPrivateKey);
        }
        let i = hmac512(&self.chain_code, &[&compressed(&self.key), &n.to_be_bytes()]);
        let (il, ir) = split(&i).ok_or(WalletError::InvalidChild)?;
        let point = ProjectivePoint::mul_by_generator(&il) + self.key.to_projective();
        let key = PublicKey::from_affine(point.to_affine()).map_err(|_| WalletError::InvalidChild)?;
        if bool::from(point.to_affine().is_identity()) {
            return Err(WalletError::InvalidChild);
        }
        let meta = KeyMeta {
            version: self.meta.version,
            depth: self.meta.depth.checked_add(1).ok_or(WalletError::InvalidChild)?,
            parent_fingerprint: self.fingerprint(),
            child_number: n,
        };
        Ok(ExtendedPubKey { meta, chain_code: ir, key })
    }

    /// `xpub…` (or the version's public form).
    pub fn to_base58(&self) -> String {
        let mut data = Vec::with_capacity(78);
        serialize_meta(&mut data, &self.meta, self.meta.version.public);
        data.extend_from_slice(&self.chain_code);
        data.extend_from_slice(&compressed(&self.key));
        base58::encode_check(&data)
    }

    /// Reads `xpub…`-style keys of any known version.
    pub fn from_base58(s: &str) -> Result<Self, WalletError> {
        let data = decode_78(s)?;
        let (meta, private) = parse_meta(&data)?;
        if private {
            return Err(WalletError::BadExtendedKey("a private key where a public key was expected"));
        }
        if data[45] != 2 && data[45] != 3 {
            return Err(WalletError::BadExtendedKey("public key must be compressed (0x02 or 0x03)"));
        }
        let key = PublicKey::from_sec1_bytes(&data[45..78])
            .map_err(|_| WalletError::BadExtendedKey("public key is not on the curve"))?;
        let mut chain_code = [0u8; 32];
        chain_code.copy_from_slice(&data[13..45]);
        Ok(ExtendedPubKey { meta, chain_code, key })
    }
}

fn serialize_meta(out: &mut Vec<u8>, meta: &KeyMeta, version: [u8; 4]) {
    out.extend_from_slice(&version);
    out.push(meta.depth);
    out.extend_from_slice(&meta.parent_fingerprint);
    out.extend_from_slice(&meta.child_number.to_be_bytes());
}

fn decode_78(s: &str) -> Result<Vec<u8>, WalletError> {
    let data =
        base58::decode_check(s.trim()).ok_or(WalletError::BadExtendedKey("not base58check (typo or bad checksum)"))?;
    if data.len() != 78 {
        return Err(WalletError::BadExtendedKey("wrong length"));
    }
    Ok(data)
}

/// (meta, is_private) of 78 serialised bytes, with BIP-32's consistency checks.
fn parse_meta(data: &[u8]) -> Result<(KeyMeta, bool), WalletError> {
    let version: [u8; 4] = [data[0], data[1], data[2], data[3]];
    let (known, private) = VERSIONS
        .iter()
        .find_map(|v| {
            if v.private == version {
                Some((*v, true))
            } else if v.public == version {
                Some((*v, false))
            } else {
                None
            }
        })
        .ok_or(WalletError::BadExtendedKey("unknown version bytes"))?;
    let depth = data[4];
    let parent_fingerprint = [data[5], data[6], data[7], data[8]];
    let child_number = u32::from_be_bytes([data[9], data[10], data[11], data[12]]);
    if depth == 0 && parent_fingerprint != [0; 4] {
        return Err(WalletError::BadExtendedKey("a master key with a parent fingerprint"));
    }
    if depth == 0 && child_number != 0 {
        return Err(WalletError::BadExtendedKey("a master key with a child number"));
    }
    // Private data is 0x00 ‖ key; a 0x02/0x03 byte means public data under a private version.
    if private && data[45] != 0 {
        return Err(WalletError::BadExtendedKey("private version with public key data"));
    }
    if !private && data[45] == 0 {
        return Err(WalletError::BadExtendedKey("public version with private key data"));
    }
    Ok((KeyMeta { version: known, depth, parent_fingerprint, child_number }, private))
}
