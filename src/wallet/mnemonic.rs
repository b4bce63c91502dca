//! BIP-39 recovery phrases in every official word list, and the seed they give. The word lists
//! and NFKD normalisation come from the `bip39` crate; entropy always comes from the caller.

use super::error::WalletError;
use zeroize::Zeroizing;

pub use bip39::Language;

/// A checked recovery phrase. Zeroized on drop (the crate's `zeroize` feature); Debug prints
/// only the word count.
pub struct Mnemonic(bip39::Mnemonic);

impl core::fmt::Debug for Mnemonic {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Mnemonic({} words, {:?})", self.0.word_count(), self.0.language())
    }
}

impl Mnemonic {
    /// The phrase for `entropy` (16–32 bytes, a multiple of 4) in `language`.
    pub fn from_entropy(entropy: &[u8], language: Language) -> Result<Self, WalletError> {
        bip39::Mnemonic::from_entropy_in(language, entropy).map(Mnemonic).map_err(|_| WalletError::BadEntropy)
    }

    /// Reads a phrase, detecting its language; spacing and case are normalised.
    pub fn parse(phrase: &str) -> Result<Self, WalletError> {
        let normalized = Zeroizing::new(phrase.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase());
        match bip39::Mnemonic::parse(normalized.as_str()) {
            Ok(m) => Ok(Mnemonic(m)),
            // Words shared by several lists (English and French share "abandon"; the Chinese
            // lists share most): the list whose checksum holds is the phrase's. Lists that
            // agree on every word give the same seed, so the first that fits is right.
            Err(bip39::Error::AmbiguousLanguages(candidates)) => {
                let mut first_error = None;
                for language in candidates.iter() {
                    match bip39::Mnemonic::parse_in(language, normalized.as_str()) {
                        Ok(m) => return Ok(Mnemonic(m)),
                        Err(e) => {
                            first_error.get_or_insert(e);
                        }
                    }
                }
                Err(WalletError::BadMnemonic(first_error.map_or_else(|| "no word list fits".into(), describe)))
            }
            Err(e) => Err(WalletError::BadMnemonic(describe(e))),
        }
    }

    /// The phrase's language.
    pub fn language(&self) -> Language {
        self.0.language()
    }

    /// Number of words.
    pub fn word_count(&self) -> usize {
        self.0.word_count()
    }

    /// The words, for the one-time backup display. The caller must not keep them.
    pub fn phrase(&self) -> Zeroizing<String> {
        Zeroizing::new(self.0.to_string())
    }

    /// The 64-byte BIP-39 seed (PBKDF2-HMAC-SHA512, 2048 rounds, NFKD passphrase).
    pub fn to_seed(&self, passphrase: &str) -> Zeroizing<[u8; 64]> {
        Zeroizing::new(self.0.to_seed(passphrase))
    }
}

fn describe(e: bip39::Error) -> String {
    match e {
        bip39::Error::BadWordCount(n) => format!("{n} words; a phrase has 12, 15, 18, 21 or 24"),
        bip39::Error::UnknownWord(i) => format!("word {} is not in the word list", i + 1),
        bip39::Error::InvalidChecksum => "the checksum does not match (a word is wrong or out of order)".into(),
        bip39::Error::AmbiguousLanguages(_) => "the words fit several word lists".into(),
        other => other.to_string(),
    }
}
