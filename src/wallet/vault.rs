//! The vault: a recovery phrase (and its optional BIP-39 passphrase) encrypted at rest under
//! the user's passphrase, as bytes JS keeps in IndexedDB. scrypt (memory-hard) derives the
//! key; XChaCha20-Poly1305 encrypts and authenticates. Salt and nonce come from the caller.
//!
//! Blob layout, version 1 (the header is the AEAD's associated data, so no byte of it can be
//! changed without the vault refusing to open):
//! ```text
//! "PPVAULT" 0x01 | log2(N) u8 | r u32 BE | p u32 BE | salt 16 | nonce 24 | ciphertext+tag
//! ```
//! Plaintext: u16 BE length ‖ phrase ‖ u16 BE length ‖ BIP-39 passphrase (both UTF-8).

use super::error::WalletError;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

const MAGIC: &[u8; 7] = b"PPVAULT";
const VERSION: u8 = 1;
const HEADER_LEN: usize = 7 + 1 + 1 + 4 + 4 + 16 + 24;
const TAG_LEN: usize = 16;

/// scrypt cost parameters. The default (N = 2^15, r = 8, p = 1: 32 MiB, ~0.1–0.3 s in wasm)
/// is the one RFC 7914 suggests for interactive logins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VaultParams {
    /// log2 of the CPU/memory cost N.
    pub log_n: u8,
    /// Block size.
    pub r: u32,
    /// Parallelism.
    pub p: u32,
}

impl Default for VaultParams {
    fn default() -> Self {
        VaultParams { log_n: 15, r: 8, p: 1 }
    }
}

impl VaultParams {
    /// Bounds on what a blob may ask of us: a hostile blob must not make us allocate
    /// gigabytes (memory is 128·r·N bytes) or spin for minutes.
    fn check(self) -> Result<scrypt::Params, WalletError> {
        if !(10..=20).contains(&self.log_n) || !(1..=16).contains(&self.r) || !(1..=4).contains(&self.p) {
            return Err(WalletError::BadVault("scrypt parameters out of bounds"));
        }
        scrypt::Params::new(self.log_n, self.r, self.p, 32)
            .map_err(|_| WalletError::BadVault("scrypt parameters out of bounds"))
    }
}

/// What a vault holds.
pub struct VaultContents {
    /// The recovery phrase.
    pub phrase: Zeroizing<String>,
    /// The BIP-39 passphrase ("" if none).
    pub bip39_passphrase: Zeroizing<String>,
}

impl core::fmt::Debug for VaultContents {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("VaultContents(hidden)")
    }
}

fn derive_key(passphrase: &str, salt: &[u8], params: scrypt::Params) -> Result<Zeroizing<[u8; 32]>, WalletError> {
    let mut key = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(passphrase.as_bytes(), salt, &params, &mut key[..])
        .map_err(|_| WalletError::BadVault("scrypt failed"))?;
    Ok(key)
}

/// Encrypts a phrase and BIP-39 passphrase under `passphrase`. `salt` and `nonce` must be
/// fresh random bytes from the caller (crypto.getRandomValues in the page).
pub fn seal(
    phrase: &str,
    bip39_passphrase: &str,
    passphrase: &str,
    params: VaultParams,
    salt: &[u8; 16],
    nonce: &[u8; 24],
) -> Result<Vec<u8>, WalletError> {
    let scrypt_params = params.check().map_err(|_| WalletError::BadEntropy)?;
    let phrase_len = u16::try_from(phrase.len()).map_err(|_| WalletError::BadMnemonic("too long".into()))?;
    let pass_len =
        u16::try_from(bip39_passphrase.len()).map_err(|_| WalletError::BadMnemonic("passphrase too long".into()))?;
    let mut plain = Zeroizing::new(Vec::with_capacity(4 + phrase.len() + bip39_passphrase.len()));
    plain.extend_from_slice(&phrase_len.to_be_bytes());
    plain.extend_from_slice(phrase.as_bytes());
    plain.extend_from_slice(&pass_len.to_be_bytes());
    plain.extend_from_slice(bip39_passphrase.as_bytes());

    let mut blob = Vec::with_capacity(HEADER_LEN + plain.len() + TAG_LEN);
    blob.extend_from_slice(MAGIC);
    blob.push(VERSION);
    blob.push(params.log_n);
    blob.extend_from_slice(&params.r.to_be_bytes());
    blob.extend_from_slice(&params.p.to_be_bytes());
    blob.extend_from_slice(salt);
    blob.extend_from_slice(nonce);
    let key = derive_key(passphrase, salt, scrypt_params)?;
    let cipher = XChaCha20Poly1305::new((&*key).into());
    let sealed = cipher
        .encrypt(XNonce::from_slice(nonce), Payload { msg: &plain, aad: &blob })
        .map_err(|_| WalletError::BadVault("encryption failed"))?;
    blob.extend_from_slice(&sealed);
    Ok(blob)
}

/// Opens a vault. A wrong passphrase or any altered byte gives [`WalletError::Refused`];
/// bytes that are not a vault at all give [`WalletError::BadVault`].
pub fn open(blob: &[u8], passphrase: &str) -> Result<VaultContents, WalletError> {
    let header = blob.get(..HEADER_LEN).ok_or(WalletError::BadVault("too short"))?;
    let body = blob.get(HEADER_LEN..).unwrap_or_default();
    if body.len() < TAG_LEN {
        return Err(WalletError::BadVault("too short"));
    }
    if header.get(..7) != Some(&MAGIC[..]) {
        return Err(WalletError::BadVault("unknown magic"));
    }
    if header[7] != VERSION {
        return Err(WalletError::BadVault("unknown version"));
    }
    let be32 = |at: usize| u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]]);
    let params = VaultParams { log_n: header[8], r: be32(9), p: be32(13) }.check()?;
    let salt = &header[17..33];
    let nonce = &header[33..57];
    let key = derive_key(passphrase, salt, params)?;
    let cipher = XChaCha20Poly1305::new((&*key).into());
    let plain = Zeroizing::new(
        cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad: header })
            .map_err(|_| WalletError::Refused)?,
    );
    // Authenticated, so the layout is ours; still read it without trusting lengths.
    let mut rest: &[u8] = &plain;
    let mut take = || -> Result<Zeroizing<String>, WalletError> {
        let len = rest
            .get(..2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
            .ok_or(WalletError::BadVault("truncated"))?;
        let text = rest.get(2..2 + len).ok_or(WalletError::BadVault("truncated"))?;
        let text = core::str::from_utf8(text).map_err(|_| WalletError::BadVault("not UTF-8"))?;
        let out = Zeroizing::new(text.to_owned());
        rest = rest.get(2 + len..).unwrap_or_default();
        Ok(out)
    };
    let phrase = take()?;
    let bip39_passphrase = take()?;
    Ok(VaultContents { phrase, bip39_passphrase })
}
