//! The keystore: the one place private keys live. It derives, signs and exports only through
//! explicit calls (the phrase backup, a vault blob); there is no getter for a private key.
//! Every secret inside zeroizes on drop, and Debug prints public facts only.

use super::account::{Account, ScriptType};
use super::bip322::{Coin, InputKey};
use super::error::WalletError;
use super::hd::ExtendedPrivKey;
use super::message;
use super::mnemonic::Mnemonic;
use super::path::DerivationPath;
use super::sign::{ecdsa_sign, taproot_key_sign, NonceMode};
use super::vault::{self, VaultParams};
use super::wif::WifKey;
use crate::btc::script::ScriptKind;
use crate::btc::Network;
use k256::PublicKey;
use zeroize::Zeroizing;

/// How many receive and change addresses of an account a proof of funds searches for the
/// key of each coin (a coin further out is reported as not ours).
pub const COIN_SEARCH: u32 = 1000;

enum Secret {
    /// A BIP-39 wallet: the phrase (for backup and the vault) and its master key.
    Phrase { mnemonic: Mnemonic, bip39_passphrase: Zeroizing<String>, master: ExtendedPrivKey },
    /// An imported xprv: derivations below it only.
    Extended(ExtendedPrivKey),
    /// One imported WIF key.
    Single(WifKey),
}

/// Holds the keys and signs with them.
pub struct Keystore {
    secret: Secret,
    network: Network,
}

impl core::fmt::Debug for Keystore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let kind = match &self.secret {
            Secret::Phrase { .. } => "phrase",
            Secret::Extended(_) => "xprv",
            Secret::Single(_) => "single key",
        };
        write!(f, "Keystore({kind}, {:?}, secrets hidden)", self.network)
    }
}

impl Keystore {
    /// A keystore from a recovery phrase and optional BIP-39 passphrase.
    pub fn from_mnemonic(phrase: &str, bip39_passphrase: &str, network: Network) -> Result<Self, WalletError> {
        let mnemonic = Mnemonic::parse(phrase)?;
        let master = ExtendedPrivKey::master(&mnemonic.to_seed(bip39_passphrase)[..], network)?;
        let bip39_passphrase = Zeroizing::new(bip39_passphrase.to_owned());
        Ok(Keystore { secret: Secret::Phrase { mnemonic, bip39_passphrase, master }, network })
    }

    /// A keystore from an `xprv`/`tprv` (or SLIP-132 variant) text.
    pub fn from_xprv(text: &str) -> Result<Self, WalletError> {
        let key = ExtendedPrivKey::from_base58(text)?;
        let network = key.meta().version.network;
        Ok(Keystore { secret: Secret::Extended(key), network })
    }

    /// A keystore holding one WIF key.
    pub fn from_wif(text: &str) -> Result<Self, WalletError> {
        let key = WifKey::parse(text)?;
        let network = key.network;
        Ok(Keystore { secret: Secret::Single(key), network })
    }

    /// Opens a vault blob made by [`Keystore::seal`].
    pub fn unlock(blob: &[u8], passphrase: &str, network: Network) -> Result<Self, WalletError> {
        let contents = vault::open(blob, passphrase)?;
        Self::from_mnemonic(&contents.phrase, &contents.bip39_passphrase, network)
    }

    /// Encrypts the phrase for storage (phrase keystores only).
    pub fn seal(
        &self,
        passphrase: &str,
        params: VaultParams,
        salt: &[u8; 16],
        nonce: &[u8; 24],
    ) -> Result<Vec<u8>, WalletError> {
        match &self.secret {
            Secret::Phrase { mnemonic, bip39_passphrase, .. } => {
                vault::seal(&mnemonic.phrase(), bip39_passphrase, passphrase, params, salt, nonce)
            }
            _ => Err(WalletError::NeedsPrivateKey),
        }
    }

    /// The recovery phrase, for the explicit backup screen only.
    pub fn backup_phrase(&self) -> Option<Zeroizing<String>> {
        match &self.secret {
            Secret::Phrase { mnemonic, .. } => Some(mnemonic.phrase()),
            _ => None,
        }
    }

    /// The same keys on `network`, which must share the imported key's prefixes (an xprv
    /// or WIF says only "mainnet" or "a test network"; the user picks which test network).
    pub fn on_network(mut self, network: Network) -> Result<Self, WalletError> {
        if !self.network.shares_prefixes_with(network) {
            return Err(WalletError::WrongNetwork);
        }
        self.network = network;
        if let Secret::Single(key) = &mut self.secret {
            key.network = network;
        }
        Ok(self)
    }

    /// What the keystore holds: `"phrase"`, `"xprv"` or `"single key"`.
    pub fn kind(&self) -> &'static str {
        match &self.secret {
            Secret::Phrase { .. } => "phrase",
            Secret::Extended(_) => "xprv",
            Secret::Single(_) => "single key",
        }
    }

    /// The network the keys are for.
    pub fn network(&self) -> Network {
        self.network
    }

    fn root(&self) -> Result<&ExtendedPrivKey, WalletError> {
        match &self.secret {
            Secret::Phrase { master, .. } => Ok(master),
            Secret::Extended(key) => Ok(key),
            Secret::Single(_) => Err(WalletError::NeedsPrivateKey),
        }
    }

    /// The fingerprint of the root key (the key origin in PSBTs and descriptors).
    pub fn fingerprint(&self) -> Result<[u8; 4], WalletError> {
        Ok(self.root()?.fingerprint())
    }

    /// An account (its xpub, descriptors and addresses) of `script_type`.
    pub fn account(&self, script_type: ScriptType, index: u32) -> Result<Account, WalletError> {
        Account::derive(self.root()?, script_type, self.network, index)
    }

    /// The secret for a path: derived from the root, or the single key when `path` is `None`.
    fn key_at(&self, path: Option<&DerivationPath>) -> Result<k256::SecretKey, WalletError> {
        match (&self.secret, path) {
            (Secret::Single(key), None) => Ok(key.key.clone()),
            (_, Some(path)) => Ok(self.root()?.derive_path(path)?.secret().clone()),
            (_, None) => Err(WalletError::NeedsPrivateKey),
        }
    }

    /// The extended private key at `path`, for the PSBT signer's derivation cache (it never
    /// leaves `crate::wallet`).
    pub(crate) fn derive_xprv(&self, path: &DerivationPath) -> Result<ExtendedPrivKey, WalletError> {
        self.root()?.derive_path(path)
    }

    /// The imported WIF key, if this keystore holds one key.
    pub(crate) fn single_key(&self) -> Option<&k256::SecretKey> {
        match &self.secret {
            Secret::Single(key) => Some(&key.key),
            _ => None,
        }
    }

    /// The public key at `path` (or of the single key).
    pub fn public_key(&self, path: Option<&DerivationPath>) -> Result<PublicKey, WalletError> {
        Ok(super::sign::public_key_of(&self.key_at(path)?))
    }

    /// ECDSA over a sighash, DER without the hashtype byte.
    pub fn sign_ecdsa(
        &self,
        path: Option<&DerivationPath>,
        sighash: &[u8; 32],
        mode: NonceMode,
    ) -> Result<Vec<u8>, WalletError> {
        let key = self.key_at(path)?;
        Ok(ecdsa_sign(&key, sighash, mode)?.to_der())
    }

    /// BIP-341 key-path Schnorr signature (key tweaked by `merkle_root`).
    pub fn sign_taproot_key(
        &self,
        path: Option<&DerivationPath>,
        merkle_root: Option<&[u8; 32]>,
        sighash: &[u8; 32],
        aux_rand: &[u8; 32],
    ) -> Result<[u8; 64], WalletError> {
        taproot_key_sign(&self.key_at(path)?, merkle_root, sighash, aux_rand)
    }

    /// BIP-340 Schnorr signature with the untweaked key (taproot script path).
    pub fn sign_schnorr(
        &self,
        path: Option<&DerivationPath>,
        msg: &[u8; 32],
        aux_rand: &[u8; 32],
    ) -> Result<[u8; 64], WalletError> {
        super::sign::schnorr_sign(&self.key_at(path)?, msg, aux_rand)
    }

    /// A BIP-137 message signature (base64) for the address at `path` of `script_type`.
    pub fn sign_message(
        &self,
        path: Option<&DerivationPath>,
        script_type: ScriptType,
        text: &[u8],
    ) -> Result<String, WalletError> {
        let compressed = match &self.secret {
            Secret::Single(key) if path.is_none() => key.compressed,
            _ => true,
        };
        message::sign_message(&self.key_at(path)?, script_type, compressed, text)
    }

    /// A BIP-322 signature (`smp…` or `ful…`) for the address at `path` of `script_type`;
    /// `aux_rand` is fresh randomness for taproot (BIP-340), from the caller.
    pub fn sign_bip322(
        &self,
        path: Option<&DerivationPath>,
        script_type: ScriptType,
        text: &[u8],
        format: super::bip322::Bip322Format,
        aux_rand: &[u8; 32],
    ) -> Result<String, WalletError> {
        let compressed = match &self.secret {
            Secret::Single(key) if path.is_none() => key.compressed,
            _ => true,
        };
        super::bip322::sign(&self.key_at(path)?, compressed, script_type, self.network, text, format, aux_rand)
    }

    /// The key of ours that `script_pubkey` is locked to, as a proof-of-funds input: the
    /// single key, or among account `account` of the script's own type (BIP-44/49/84/86 by
    /// its form) the first `COIN_SEARCH` receive and change addresses.
    fn coin_key(&self, account: u32, script_pubkey: &[u8], coin: usize) -> Result<InputKey, WalletError> {
        let script_type = match ScriptKind::of(script_pubkey) {
            ScriptKind::P2wpkh(_) => ScriptType::P2wpkh,
            ScriptKind::P2tr(_) => ScriptType::P2tr,
            ScriptKind::P2sh(_) => ScriptType::P2shP2wpkh,
            // A PSBT must carry a legacy input's whole previous transaction, which we lack.
            ScriptKind::P2pkh(_) => return Err(WalletError::UnsupportedAddress),
            _ => return Err(WalletError::CoinNotOurs(coin)),
        };
        if let Secret::Single(key) = &self.secret {
            let public = self.public_key(None)?;
            let ours = key.compressed && script_type.address(&public, self.network).script_pubkey() == script_pubkey;
            return if ours {
                Ok(InputKey { key: key.key.clone(), compressed: true, script_type })
            } else {
                Err(WalletError::CoinNotOurs(coin))
            };
        }
        let acc = self.account(script_type, account)?;
        for chain in [0u32, 1] {
            let chain_key = acc.xpub.derive_child(chain)?;
            for index in 0..COIN_SEARCH {
                let child = match chain_key.derive_child(index) {
                    Ok(child) => child,
                    // BIP-32's once-in-2^127 invalid child: no address there.
                    Err(WalletError::InvalidChild) => continue,
                    Err(e) => return Err(e),
                };
                if script_type.address(&child.key, self.network).script_pubkey() == script_pubkey {
                    let path = DerivationPath::parse(&format!("{}/{chain}/{index}", acc.path))?;
                    return Ok(InputKey { key: self.key_at(Some(&path))?, compressed: true, script_type });
                }
            }
        }
        Err(WalletError::CoinNotOurs(coin))
    }

    /// A BIP-322 proof of funds (`pof…`) of `text` for the address at `path` of
    /// `script_type`, showing `coins` (each locked to one of our keys, found as
    /// [`Keystore::coin_key`] says); `aux_rand` is fresh randomness for taproot.
    pub fn sign_bip322_proof_of_funds(
        &self,
        path: Option<&DerivationPath>,
        script_type: ScriptType,
        account: u32,
        text: &[u8],
        coins: &[Coin],
        aux_rand: &[u8; 32],
    ) -> Result<String, WalletError> {
        if coins.len() > super::bip322::MAX_COINS {
            return Err(WalletError::BadCoin("too many coins in one proof (at most 256)"));
        }
        let compressed = match &self.secret {
            Secret::Single(key) if path.is_none() => key.compressed,
            _ => true,
        };
        let signer = InputKey { key: self.key_at(path)?, compressed, script_type };
        let keyed = coins
            .iter()
            .enumerate()
            .map(|(i, coin)| Ok((coin.clone(), self.coin_key(account, &coin.output.script_pubkey, i)?)))
            .collect::<Result<Vec<_>, WalletError>>()?;
        super::bip322::sign_proof_of_funds(&signer, self.network, text, &keyed, aux_rand)
    }
}
