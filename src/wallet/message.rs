//! BIP-137 (legacy "Bitcoin Signed Message") signatures: a 65-byte compact recoverable ECDSA
//! signature in base64, whose header byte says the recovery id and the address type.

use super::account::ScriptType;
use super::error::WalletError;
use super::sign::{ecdsa_sign, NonceMode};
use crate::btc::hash::sha256d;
use crate::btc::{Address, Network};
use base64ct::{Base64, Encoding};
use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};
use k256::{PublicKey, SecretKey};

/// The magic prefix every signed message starts with (Bitcoin Core `MESSAGE_MAGIC`).
const MAGIC: &[u8] = b"Bitcoin Signed Message:\n";

/// Messages are capped so a hostile paste cannot make us hash gigabytes.
pub const MAX_MESSAGE_LEN: usize = 1 << 20;

fn push_compact_size(out: &mut Vec<u8>, n: usize) {
    match n {
        0..=0xfc => out.push(n as u8),
        0xfd..=0xffff => {
            out.push(0xfd);
            out.extend_from_slice(&(n as u16).to_le_bytes());
        }
        _ => {
            out.push(0xfe);
            out.extend_from_slice(&(n as u32).to_le_bytes());
        }
    }
}

/// The digest BIP-137 signs: SHA256d(len ‖ magic ‖ len ‖ message), lengths as compact sizes.
pub fn message_hash(message: &[u8]) -> [u8; 32] {
    let mut data = Vec::with_capacity(message.len() + 32);
    push_compact_size(&mut data, MAGIC.len());
    data.extend_from_slice(MAGIC);
    push_compact_size(&mut data, message.len());
    data.extend_from_slice(message);
    sha256d(&data)
}

/// BIP-137 header base for each address type: 27 (uncompressed P2PKH), 31 (compressed
/// P2PKH), 35 (P2SH-P2WPKH), 39 (P2WPKH); the recovery id (0..3) is added to it.
fn header_base(script_type: ScriptType, compressed: bool) -> Result<u8, WalletError> {
    match (script_type, compressed) {
        (ScriptType::P2pkh, false) => Ok(27),
        (ScriptType::P2pkh, true) => Ok(31),
        (ScriptType::P2shP2wpkh, true) => Ok(35),
        (ScriptType::P2wpkh, true) => Ok(39),
        _ => Err(WalletError::UnsupportedAddress),
    }
}

/// Signs `message` for the address of `key` under `script_type`; returns the base64 text.
/// Taproot has no BIP-137 form (use BIP-322).
pub fn sign_message(
    key: &SecretKey,
    script_type: ScriptType,
    compressed: bool,
    message: &[u8],
) -> Result<String, WalletError> {
    if message.len() > MAX_MESSAGE_LEN {
        return Err(WalletError::BadSignature("message longer than 1 MiB"));
    }
    let base = header_base(script_type, compressed)?;
    // Grinding keeps R low, which changes nothing for a compact signature; plain RFC 6979
    // gives the same signature Core and Electrum produce for the same key and message.
    let sig = ecdsa_sign(key, &message_hash(message), NonceMode::Plain)?;
    let mut out = [0u8; 65];
    out[0] = base + sig.recovery_id.to_byte();
    out[1..].copy_from_slice(&sig.signature.to_bytes());
    Ok(Base64::encode_string(&out))
}

/// Verifies a BIP-137 signature against an address. The header byte decides the address
/// type; as Electrum and Trezor do, a compressed-key header is also accepted for the key's
/// other single-key address types (many wallets sign segwit addresses with header 31–34).
pub fn verify_message(address: &Address, message: &[u8], signature_b64: &str) -> Result<bool, WalletError> {
    if message.len() > MAX_MESSAGE_LEN {
        return Err(WalletError::BadSignature("message longer than 1 MiB"));
    }
    let mut raw = [0u8; 65];
    let decoded = Base64::decode(signature_b64.trim(), &mut raw)
        .map_err(|_| WalletError::BadSignature("not base64 of 65 bytes"))?;
    if decoded.len() != 65 {
        return Err(WalletError::BadSignature("not base64 of 65 bytes"));
    }
    let header = raw[0];
    if !(27..=42).contains(&header) {
        return Err(WalletError::BadSignature("header byte outside 27..42"));
    }
    let recid = RecoveryId::from_byte((header - 27) % 4).ok_or(WalletError::BadSignature("bad recovery id"))?;
    let sig = Signature::from_slice(&raw[1..]).map_err(|_| WalletError::BadSignature("r or s out of range"))?;
    let Ok(key) = VerifyingKey::recover_from_prehash(&message_hash(message), &sig, recid) else { return Ok(false) };
    let key = PublicKey::from(&key);
    let candidates: &[ScriptType] = match header {
        27..=30 => {
            return Ok(uncompressed_p2pkh(&key, address.network).payload == address.payload);
        }
        31..=34 => &[ScriptType::P2pkh, ScriptType::P2shP2wpkh, ScriptType::P2wpkh],
        35..=38 => &[ScriptType::P2shP2wpkh],
        _ => &[ScriptType::P2wpkh],
    };
    Ok(candidates.iter().any(|t| t.address(&key, address.network).payload == address.payload))
}

fn uncompressed_p2pkh(key: &PublicKey, network: Network) -> Address {
    use k256::elliptic_curve::sec1::ToEncodedPoint;
    let h = crate::btc::hash::hash160(key.to_encoded_point(false).as_bytes());
    Address { network, payload: crate::btc::Payload::P2pkh(h) }
}
