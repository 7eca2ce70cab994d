//! Encryption of secrets at rest (Allegro tokens): AES-256-GCM with a key derived from
//! `SECRET_KEY` by HKDF-SHA256. Each value is bound to what it is (associated data), so a
//! ciphertext copied into another row or column does not decrypt.

use aes_gcm::{
    Aes256Gcm, KeyInit, Nonce,
    aead::{Aead, AeadCore, OsRng, Payload},
};
use base64::{Engine, engine::general_purpose::STANDARD_NO_PAD};
use hkdf::Hkdf;
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

use crate::config::SecretKey;

/// Prefix naming the scheme, so the format can evolve.
const VERSION: &str = "v1:";
const NONCE_LEN: usize = 12;

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("the stored secret is not in a known format")]
    Format,
    #[error("the stored secret does not decrypt with this SECRET_KEY (was the key changed?)")]
    Decrypt,
}

/// Encrypts and decrypts secrets stored in the database.
#[derive(Clone)]
pub struct TokenCipher {
    cipher: Aes256Gcm,
}

impl TokenCipher {
    pub fn new(secret_key: &SecretKey) -> Self {
        let hkdf = Hkdf::<Sha256>::new(Some(b"allegro-backup"), secret_key.expose());
        let mut key = [0u8; 32];
        // 32 bytes is far below HKDF-SHA256's output limit, so expansion cannot fail.
        let _ = hkdf.expand(b"token-encryption v1", &mut key);
        Self {
            cipher: Aes256Gcm::new(&key.into()),
        }
    }

    /// Encrypts `plaintext` bound to `context` (for example `"account:42:refresh"`).
    pub fn encrypt(&self, plaintext: &SecretString, context: &str) -> String {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let payload = Payload {
            msg: plaintext.expose_secret().as_bytes(),
            aad: context.as_bytes(),
        };
        // Encryption with a valid key and nonce only fails for messages beyond GCM's size
        // limit (64 GiB); tokens are a few KB.
        let sealed = self.cipher.encrypt(&nonce, payload).unwrap_or_default();
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        format!("{VERSION}{}", STANDARD_NO_PAD.encode(bytes))
    }

    pub fn decrypt(&self, stored: &str, context: &str) -> Result<SecretString, CryptoError> {
        let encoded = stored.strip_prefix(VERSION).ok_or(CryptoError::Format)?;
        let bytes = STANDARD_NO_PAD
            .decode(encoded)
            .map_err(|_| CryptoError::Format)?;
        if bytes.len() <= NONCE_LEN {
            return Err(CryptoError::Format);
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let payload = Payload {
            msg: sealed,
            aad: context.as_bytes(),
        };
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), payload)
            .map_err(|_| CryptoError::Decrypt)?;
        String::from_utf8(plain)
            .map(SecretString::from)
            .map_err(|_| CryptoError::Decrypt)
    }
}

impl std::fmt::Debug for TokenCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenCipher([REDACTED])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cipher() -> TokenCipher {
        TokenCipher::new(&SecretKey::generate())
    }

    #[test]
    fn a_secret_round_trips_and_never_appears_in_the_ciphertext() {
        let c = cipher();
        let token = SecretString::from("eyJhbGciOiJSUzI1NiJ9.payload.signature");
        let stored = c.encrypt(&token, "account:1:access");
        assert!(stored.starts_with("v1:"));
        assert!(!stored.contains("eyJhbGci"));
        let back = c
            .decrypt(&stored, "account:1:access")
            .map(|s| s.expose_secret().to_owned());
        assert_eq!(
            back.ok().as_deref(),
            Some("eyJhbGciOiJSUzI1NiJ9.payload.signature")
        );
    }

    #[test]
    fn the_same_secret_encrypts_differently_each_time() {
        let c = cipher();
        let token = SecretString::from("same");
        assert_ne!(c.encrypt(&token, "x"), c.encrypt(&token, "x"));
    }

    #[test]
    fn a_ciphertext_moved_to_another_context_or_key_does_not_decrypt() {
        let c = cipher();
        let stored = c.encrypt(&SecretString::from("t"), "account:1:access");
        assert!(matches!(
            c.decrypt(&stored, "account:2:access"),
            Err(CryptoError::Decrypt)
        ));
        assert!(matches!(
            cipher().decrypt(&stored, "account:1:access"),
            Err(CryptoError::Decrypt)
        ));
        assert!(matches!(
            c.decrypt("garbage", "x"),
            Err(CryptoError::Format)
        ));
    }
}
