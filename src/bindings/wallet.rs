//! The wallet for the page: a `Wallet` handle around the keystore. Nothing here returns
//! private material: the recovery phrase leaves once, through `takeBackupPhrase` right
//! after `create`; the vault blob is encrypted before JS sees it.

use super::{js_error, to_js};
use crate::btc::bip21::{parse_btc, PaymentUri};
use crate::btc::{Address, Network};
use crate::error::{CoreError, Fault};
use crate::wallet::bip322::{self, Bip322Format, Bip322Verdict};
use crate::wallet::chain::{self, Chain};
use crate::wallet::{
    message, DerivationPath, Keystore, Language, Mnemonic, NonceMode, ScriptType, VaultParams, WalletError,
};
use base64ct::Encoding;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

/// Misuse of the binding itself (a name the page should never send).
#[derive(Debug)]
struct BadArgument(&'static str, String);

impl core::fmt::Display for BadArgument {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "unknown {} {:?}", self.0, self.1)
    }
}

impl CoreError for BadArgument {
    fn code(&self) -> &'static str {
        "wallet.bad-argument"
    }
    fn fault(&self) -> Fault {
        Fault::ApiMisuse
    }
}

fn network(name: &str) -> Result<Network, JsValue> {
    Network::from_name(name).ok_or_else(|| js_error(&BadArgument("network", name.into())))
}

fn script_type(name: &str) -> Result<ScriptType, JsValue> {
    Ok(match name {
        "p2pkh" => ScriptType::P2pkh,
        "p2sh-p2wpkh" => ScriptType::P2shP2wpkh,
        "p2wpkh" => ScriptType::P2wpkh,
        "p2tr" => ScriptType::P2tr,
        other => return Err(js_error(&BadArgument("script type", other.into()))),
    })
}

fn chain_of(n: u32) -> Result<Chain, JsValue> {
    match n {
        0 => Ok(Chain::Receive),
        1 => Ok(Chain::Change),
        _ => Err(js_error(&BadArgument("chain", n.to_string()))),
    }
}

fn err(e: WalletError) -> JsValue {
    js_error(&e)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AccountView {
    script_type: String,
    path: String,
    fingerprint: String,
    /// SLIP-132 form: xpub (BIP-44/86), ypub (49), zpub (84); t/u/vpub on test networks.
    xpub: String,
    receive_descriptor: String,
    change_descriptor: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AddressView {
    index: u32,
    address: String,
    path: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ScanView {
    used: Vec<u32>,
    next_unused: u32,
    next_address: String,
    next_path: String,
    addresses: Vec<AddressView>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VerifyView {
    /// `bip137` or `bip322`.
    format: &'static str,
    /// `valid`, `invalid` or `inconclusive`.
    verdict: &'static str,
    reason: Option<String>,
    lock_time: Option<u32>,
    sequence: Option<u32>,
}

/// A wallet held in wasm memory. Free it (`wallet.free()`) to lock: the keys are zeroized.
#[wasm_bindgen]
pub struct Wallet {
    store: Keystore,
    /// The new phrase, until the page takes it for the one-time backup screen.
    backup: Option<Zeroizing<String>>,
}

impl Wallet {
    /// The address a message is signed for, and its path (`None` for a WIF wallet, which
    /// ignores account, chain and index).
    fn message_key(
        &self,
        script_type_name: &str,
        account: u32,
        chain: u32,
        index: u32,
    ) -> Result<(ScriptType, Option<DerivationPath>, Address), JsValue> {
        let st = script_type(script_type_name)?;
        if self.store.kind() == "single key" {
            let key = self.store.public_key(None).map_err(err)?;
            return Ok((st, None, st.address(&key, self.store.network())));
        }
        chain_of(chain)?;
        let acc = self.store.account(st, account).map_err(err)?;
        let path = DerivationPath::parse(&format!("{}/{chain}/{index}", acc.path)).map_err(err)?;
        Ok((st, Some(path), acc.address(chain, index).map_err(err)?))
    }
}

/// A proof-of-funds coin's problem, numbered from 1 as the page lists them; the code and
/// fault are those of the underlying error.
#[derive(Debug)]
struct CoinError {
    coin: usize,
    code: &'static str,
    fault: Fault,
    message: String,
}

impl core::fmt::Display for CoinError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.message.starts_with("coin ") {
            // Already numbered (`WalletError::CoinNotOurs`).
            return f.write_str(&self.message);
        }
        let message = self.message.strip_prefix("invalid coin: ").unwrap_or(&self.message);
        write!(f, "coin {}: {message}", self.coin + 1)
    }
}

impl CoreError for CoinError {
    fn code(&self) -> &'static str {
        self.code
    }
    fn fault(&self) -> Fault {
        self.fault
    }
}

#[wasm_bindgen]
impl Wallet {
    /// A new wallet from `entropy` (16–32 bytes from crypto.getRandomValues) on `network`,
    /// with an optional BIP-39 passphrase.
    pub fn create(entropy: &[u8], network_name: &str, bip39_passphrase: &str) -> Result<Wallet, JsValue> {
        let network = network(network_name)?;
        let phrase = Mnemonic::from_entropy(entropy, Language::English).map_err(err)?.phrase();
        let store = Keystore::from_mnemonic(&phrase, bip39_passphrase, network).map_err(err)?;
        Ok(Wallet { store, backup: Some(phrase) })
    }

    /// Imports a recovery phrase (any BIP-39 language).
    #[wasm_bindgen(js_name = fromMnemonic)]
    pub fn from_mnemonic(phrase: &str, bip39_passphrase: &str, network_name: &str) -> Result<Wallet, JsValue> {
        let store = Keystore::from_mnemonic(phrase, bip39_passphrase, network(network_name)?).map_err(err)?;
        Ok(Wallet { store, backup: None })
    }

    /// Imports an extended private key (xprv/tprv or a SLIP-132 form).
    #[wasm_bindgen(js_name = fromXprv)]
    pub fn from_xprv(text: &str, network_name: &str) -> Result<Wallet, JsValue> {
        let network = network(network_name)?;
        let store = Keystore::from_xprv(text).and_then(|s| s.on_network(network)).map_err(err)?;
        Ok(Wallet { store, backup: None })
    }

    /// Imports one WIF private key.
    #[wasm_bindgen(js_name = fromWif)]
    pub fn from_wif(text: &str, network_name: &str) -> Result<Wallet, JsValue> {
        let network = network(network_name)?;
        let store = Keystore::from_wif(text).and_then(|s| s.on_network(network)).map_err(err)?;
        Ok(Wallet { store, backup: None })
    }

    /// Opens a vault blob sealed by [`Wallet::seal`].
    pub fn unlock(blob: &[u8], passphrase: &str, network_name: &str) -> Result<Wallet, JsValue> {
        let store = Keystore::unlock(blob, passphrase, network(network_name)?).map_err(err)?;
        Ok(Wallet { store, backup: None })
    }

    /// The recovery phrase of a wallet just created, once; `undefined` ever after.
    #[wasm_bindgen(js_name = takeBackupPhrase)]
    pub fn take_backup_phrase(&mut self) -> Option<String> {
        self.backup.take().map(|p| p.as_str().to_owned())
    }

    /// Whether `words[i]` is word number `positions[i]` (1-based) of the phrase: the backup
    /// check, done here so the page need not keep the phrase to ask for words.
    #[wasm_bindgen(js_name = checkBackupWords)]
    pub fn check_backup_words(&self, positions: Vec<u32>, words: Vec<String>) -> bool {
        let Some(phrase) = self.store.backup_phrase() else { return false };
        let list: Vec<&str> = phrase.split_whitespace().collect();
        !positions.is_empty()
            && positions.len() == words.len()
            && positions.iter().zip(&words).all(|(&p, w)| {
                let i = p as usize;
                i >= 1 && list.get(i - 1).is_some_and(|x| *x == w.trim().to_lowercase())
            })
    }

    /// Number of words in the phrase (0 for xprv or WIF wallets).
    #[wasm_bindgen(js_name = wordCount)]
    pub fn word_count(&self) -> u32 {
        self.store.backup_phrase().map_or(0, |p| p.split_whitespace().count() as u32)
    }

    /// Encrypts the phrase under `passphrase` for IndexedDB (scrypt, XChaCha20-Poly1305).
    /// `salt` (16 bytes) and `nonce` (24) must be fresh from crypto.getRandomValues;
    /// `log_n` picks the scrypt cost (15 unless a test asks for less).
    pub fn seal(&self, passphrase: &str, salt: &[u8], nonce: &[u8], log_n: Option<u8>) -> Result<Vec<u8>, JsValue> {
        let salt: &[u8; 16] =
            salt.try_into().map_err(|_| js_error(&BadArgument("salt length", salt.len().to_string())))?;
        let nonce: &[u8; 24] =
            nonce.try_into().map_err(|_| js_error(&BadArgument("nonce length", nonce.len().to_string())))?;
        let params = VaultParams { log_n: log_n.unwrap_or(VaultParams::default().log_n), ..VaultParams::default() };
        self.store.seal(passphrase, params, salt, nonce).map_err(err)
    }

    /// `"phrase"`, `"xprv"` or `"single key"`.
    #[wasm_bindgen(getter)]
    pub fn kind(&self) -> String {
        self.store.kind().to_owned()
    }

    /// The network's name.
    #[wasm_bindgen(getter)]
    pub fn network(&self) -> String {
        self.store.network().name().to_owned()
    }

    /// Account `index` of `script_type`: `{scriptType, path, fingerprint, xpub,
    /// receiveDescriptor, changeDescriptor}`.
    pub fn account(&self, script_type_name: &str, index: u32) -> Result<JsValue, JsValue> {
        let account = self.store.account(script_type(script_type_name)?, index).map_err(err)?;
        to_js(&AccountView {
            script_type: script_type_name.to_owned(),
            path: account.path.to_string(),
            fingerprint: crate::btc::encoding::to_hex(&account.master_fingerprint),
            xpub: account.xpub.to_base58(),
            receive_descriptor: account.descriptor(0),
            change_descriptor: account.descriptor(1),
        })
    }

    /// `count` addresses of a chain from `start`: `[{index, address, path}]`. A WIF wallet
    /// has one address per script type (index 0).
    pub fn addresses(
        &self,
        script_type_name: &str,
        account: u32,
        chain: u32,
        start: u32,
        count: u32,
    ) -> Result<JsValue, JsValue> {
        let st = script_type(script_type_name)?;
        if self.store.kind() == "single key" {
            let key = self.store.public_key(None).map_err(err)?;
            let address = st.address(&key, self.store.network()).to_string();
            return to_js(&vec![AddressView { index: 0, address, path: String::new() }]);
        }
        chain_of(chain)?;
        let acc = self.store.account(st, account).map_err(err)?;
        let mut out = Vec::new();
        for index in start..start.saturating_add(count.min(1000)) {
            let address = acc.address(chain, index).map_err(err)?.to_string();
            out.push(AddressView { index, address, path: format!("{}/{chain}/{index}", acc.path) });
        }
        to_js(&out)
    }

    /// Scans a chain against the addresses the page has seen used (a string array) with
    /// `gap_limit` (20 if 0): `{used, nextUnused, nextAddress, nextPath, addresses}`.
    #[wasm_bindgen(js_name = scanChain)]
    pub fn scan_chain(
        &self,
        script_type_name: &str,
        account: u32,
        chain: u32,
        used: Vec<String>,
        gap_limit: u32,
    ) -> Result<JsValue, JsValue> {
        let acc = self.store.account(script_type(script_type_name)?, account).map_err(err)?;
        let used: std::collections::HashSet<String> = used.into_iter().map(|s| s.trim().to_lowercase()).collect();
        let gap = if gap_limit == 0 { chain::DEFAULT_GAP_LIMIT } else { gap_limit };
        let scan =
            chain::scan(&acc, chain_of(chain)?, gap, |a| used.contains(&a.to_string().to_lowercase())).map_err(err)?;
        let path = |i: u32| format!("{}/{chain}/{i}", acc.path);
        let next_address = acc.address(chain, scan.next_unused).map_err(err)?.to_string();
        to_js(&ScanView {
            used: scan.used.clone(),
            next_unused: scan.next_unused,
            next_address,
            next_path: path(scan.next_unused),
            addresses: scan
                .addresses
                .iter()
                .enumerate()
                .map(|(i, a)| AddressView { index: i as u32, address: a.to_string(), path: path(i as u32) })
                .collect(),
        })
    }

    /// Signs `text` for an address of ours: `format` is `bip137`, `bip322-simple` or
    /// `bip322-full`; `aux_rand` (32 bytes) is fresh randomness for taproot signatures.
    /// A WIF wallet ignores account, chain and index. Returns `{address, signature}`.
    #[wasm_bindgen(js_name = signMessage)]
    #[allow(clippy::too_many_arguments)]
    pub fn sign_message(
        &self,
        script_type_name: &str,
        account: u32,
        chain: u32,
        index: u32,
        text: &str,
        format: &str,
        aux_rand: &[u8],
    ) -> Result<JsValue, JsValue> {
        let (st, path, address) = self.message_key(script_type_name, account, chain, index)?;
        let aux = aux_rand_of(aux_rand)?;
        let signature = match format {
            "bip137" => self.store.sign_message(path.as_ref(), st, text.as_bytes()),
            "bip322-simple" => self.store.sign_bip322(path.as_ref(), st, text.as_bytes(), Bip322Format::Simple, &aux),
            "bip322-full" => self.store.sign_bip322(path.as_ref(), st, text.as_bytes(), Bip322Format::Full, &aux),
            other => return Err(js_error(&BadArgument("message format", other.into()))),
        }
        .map_err(err)?;
        signed_message(&address.to_string(), signature)
    }

    /// A BIP-322 proof of funds (`pof…`) of `text` for an address of ours (chosen as in
    /// `signMessage`), showing the coins given as three lists of equal length: outpoints
    /// (`txid:vout`), amounts in BTC and the addresses they are locked to (we have no chain,
    /// so the user supplies them). Each coin's key is looked for in the same account, both
    /// chains; a coin that is not ours, an unreadable outpoint, amount or address throws
    /// with its number. Returns `{address, signature}`.
    #[wasm_bindgen(js_name = signProofOfFunds)]
    #[allow(clippy::too_many_arguments)]
    pub fn sign_proof_of_funds(
        &self,
        script_type_name: &str,
        account: u32,
        chain: u32,
        index: u32,
        text: &str,
        outpoints: Vec<String>,
        amounts: Vec<String>,
        addresses: Vec<String>,
        aux_rand: &[u8],
    ) -> Result<JsValue, JsValue> {
        let (st, path, address) = self.message_key(script_type_name, account, chain, index)?;
        let aux = aux_rand_of(aux_rand)?;
        if outpoints.len() != amounts.len() || outpoints.len() != addresses.len() {
            return Err(js_error(&BadArgument(
                "coin list lengths",
                format!("{}/{}/{}", outpoints.len(), amounts.len(), addresses.len()),
            )));
        }
        let mut coins = Vec::with_capacity(outpoints.len());
        for (i, ((outpoint, amount), holder)) in outpoints.iter().zip(&amounts).zip(&addresses).enumerate() {
            let coin_err = |e: &dyn CoreError| {
                js_error(&CoinError { coin: i, code: e.code(), fault: e.fault(), message: e.to_string() })
            };
            let outpoint = bip322::parse_outpoint(outpoint).map_err(|e| coin_err(&e))?;
            let value = parse_btc(amount.trim())
                .ok_or_else(|| coin_err(&WalletError::BadCoin("the amount must be in BTC, e.g. 0.0015")))?;
            let holder = Address::parse(holder.trim(), self.store.network()).map_err(|e| coin_err(&e))?;
            coins.push(bip322::Coin {
                outpoint,
                output: crate::btc::TxOut { value, script_pubkey: holder.script_pubkey() },
            });
        }
        let signature = self
            .store
            .sign_bip322_proof_of_funds(path.as_ref(), st, account, text.as_bytes(), &coins, &aux)
            .map_err(|e| match e {
                WalletError::CoinNotOurs(i) => {
                    js_error(&CoinError { coin: i, code: e.code(), fault: e.fault(), message: e.to_string() })
                }
                e => err(e),
            })?;
        signed_message(&address.to_string(), signature)
    }

    /// Reviews a PSBT (binary, base64 or hex bytes) for this wallet: inputs with values and
    /// owners, outputs with our change marked, fee, fee rate and warnings.
    #[wasm_bindgen(js_name = reviewPsbt)]
    pub fn review_psbt(&self, bytes: &[u8]) -> Result<JsValue, JsValue> {
        to_js(&crate::wallet::psbt_review(&self.store, bytes).map_err(err)?)
    }

    /// Signs every input of ours. `aux_rand` (32 bytes) is fresh randomness for Schnorr;
    /// `grind` keeps ECDSA's R low as Core does (off: plain RFC 6979, as BIP-174's vectors).
    /// `allow_non_default_sighash` (off when absent) signs inputs asking for sighash types
    /// other than ALL (taproot: DEFAULT or ALL); without it such an input of ours throws
    /// `wallet.non-default-sighash` and nothing is signed.
    /// Returns `{psbt: Uint8Array, base64, report: {signed, refused, signatures}}`.
    #[wasm_bindgen(js_name = signPsbt)]
    pub fn sign_psbt(
        &self,
        bytes: &[u8],
        aux_rand: &[u8],
        grind: bool,
        allow_non_default_sighash: Option<bool>,
    ) -> Result<JsValue, JsValue> {
        let aux = aux_rand_of(aux_rand)?;
        let options = crate::wallet::SignOptions {
            nonce_mode: if grind { NonceMode::LowR } else { NonceMode::Plain },
            aux_rand: aux,
            allow_non_default_sighash: allow_non_default_sighash.unwrap_or(false),
        };
        let (signed, report) = crate::wallet::psbt_sign(&self.store, bytes, &options).map_err(err)?;
        let out = js_sys::Object::new();
        js_sys::Reflect::set(&out, &"base64".into(), &base64ct::Base64::encode_string(&signed).into())?;
        js_sys::Reflect::set(&out, &"psbt".into(), &js_sys::Uint8Array::from(signed.as_slice()))?;
        js_sys::Reflect::set(&out, &"report".into(), &to_js(&report)?)?;
        Ok(out.into())
    }
}

/// Verifies a signed message (BIP-137 or BIP-322, told apart by form) for `address` on
/// `network`: `{format, verdict: valid|invalid|inconclusive, reason, lockTime, sequence}`.
/// Text that is not a signature, or an address of another network, throws.
#[wasm_bindgen(js_name = verifyMessage)]
pub fn verify_message(address: &str, text: &str, signature: &str, network_name: &str) -> Result<JsValue, JsValue> {
    let address = Address::parse(address, network(network_name)?).map_err(|e| js_error(&e))?;
    let sig = signature.trim();
    // BIP-137 is 65 bytes with a header of 27..42; an unprefixed BIP-322 simple signature
    // starts with its witness item count instead.
    let legacy = !matches!(sig.get(..3), Some("smp" | "ful" | "pof"))
        && base64ct::Base64::decode_vec(sig).is_ok_and(|b| b.len() == 65 && (27..=42).contains(&b[0]));
    let view = if legacy {
        let ok = message::verify_message(&address, text.as_bytes(), sig).map_err(err)?;
        VerifyView {
            format: "bip137",
            verdict: if ok { "valid" } else { "invalid" },
            reason: (!ok).then(|| "the signature is not by this address's key for this message".into()),
            lock_time: None,
            sequence: None,
        }
    } else {
        match bip322::verify(&address, text.as_bytes(), sig).map_err(err)? {
            Bip322Verdict::Valid { lock_time, sequence } => VerifyView {
                format: "bip322",
                verdict: "valid",
                reason: None,
                lock_time: Some(lock_time),
                sequence: Some(sequence),
            },
            Bip322Verdict::Invalid(why) => VerifyView {
                format: "bip322",
                verdict: "invalid",
                reason: Some(why.into()),
                lock_time: None,
                sequence: None,
            },
            Bip322Verdict::Inconclusive(why) => VerifyView {
                format: "bip322",
                verdict: "inconclusive",
                reason: Some(why.into()),
                lock_time: None,
                sequence: None,
            },
        }
    };
    to_js(&view)
}

/// Builds a BIP-21 URI for `address` with an optional amount (decimal BTC text, "" for
/// none) and label.
#[wasm_bindgen(js_name = paymentUri)]
pub fn payment_uri(address: &str, network_name: &str, amount_btc: &str, label: &str) -> Result<String, JsValue> {
    let address = Address::parse(address, network(network_name)?).map_err(|e| js_error(&e))?;
    let mut uri = PaymentUri::new(address);
    if !amount_btc.trim().is_empty() {
        uri.amount =
            Some(parse_btc(amount_btc.trim()).ok_or_else(|| js_error(&crate::btc::bip21::UriError::BadAmount))?);
    }
    if !label.trim().is_empty() {
        uri.label = Some(label.trim().to_owned());
    }
    Ok(uri.to_uri())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UriView {
    address: String,
    amount_sat: Option<f64>,
    label: Option<String>,
    message: Option<String>,
}

/// Reads a BIP-21 URI: `{address, amountSat, label, message}`.
#[wasm_bindgen(js_name = parsePaymentUri)]
pub fn parse_payment_uri(text: &str, network_name: &str) -> Result<JsValue, JsValue> {
    let uri = PaymentUri::parse(text, network(network_name)?).map_err(|e| js_error(&e))?;
    to_js(&UriView {
        address: uri.address.to_string(),
        amount_sat: uri.amount.map(|a| a.to_sat() as f64),
        label: uri.label,
        message: uri.message,
    })
}

/// Finalizes every input it can and, when all are final, extracts the transaction (needs no
/// keys): `{psbt: Uint8Array, base64, complete, finalized, pending: [[input, why]], txHex,
/// txid}`.
#[wasm_bindgen(js_name = finalizePsbt)]
pub fn finalize_psbt(bytes: &[u8]) -> Result<JsValue, JsValue> {
    let done = crate::btc::psbt::finalize_and_extract(bytes).map_err(|e| js_error(&e))?;
    let out = js_sys::Object::new();
    js_sys::Reflect::set(&out, &"base64".into(), &base64ct::Base64::encode_string(&done.psbt).into())?;
    js_sys::Reflect::set(&out, &"psbt".into(), &js_sys::Uint8Array::from(done.psbt.as_slice()))?;
    js_sys::Reflect::set(&out, &"complete".into(), &done.report.complete.into())?;
    js_sys::Reflect::set(&out, &"finalized".into(), &to_js(&done.report.finalized)?)?;
    js_sys::Reflect::set(&out, &"pending".into(), &to_js(&done.report.pending)?)?;
    let tx_hex = done.tx.as_deref().map(crate::btc::encoding::to_hex);
    js_sys::Reflect::set(&out, &"txHex".into(), &tx_hex.map_or(JsValue::NULL, JsValue::from))?;
    js_sys::Reflect::set(&out, &"txid".into(), &done.txid.map_or(JsValue::NULL, JsValue::from))?;
    Ok(out.into())
}

/// The 32 bytes of fresh randomness a taproot signature takes.
fn aux_rand_of(aux_rand: &[u8]) -> Result<[u8; 32], JsValue> {
    aux_rand.try_into().map_err(|_| js_error(&BadArgument("aux_rand length", aux_rand.len().to_string())))
}

/// `{address, signature}`, what the message signers return.
fn signed_message(address: &str, signature: String) -> Result<JsValue, JsValue> {
    let out = js_sys::Object::new();
    js_sys::Reflect::set(&out, &"address".into(), &address.into())?;
    js_sys::Reflect::set(&out, &"signature".into(), &signature.into())?;
    Ok(out.into())
}
