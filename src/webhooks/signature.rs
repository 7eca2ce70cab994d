//! Standard Webhooks signing: a secret `whsec_<base64>` whose decoded bytes key an HMAC-SHA256
//! of `"{id}.{timestamp}.{body}"`, sent as `webhook-signature: v1,<base64>`.

use base64::{Engine, engine::general_purpose::STANDARD};
use hmac::{Hmac, Mac};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

/// The prefix of a signing secret.
pub const SECRET_PREFIX: &str = "whsec_";

/// An endpoint's signing secret, as shown to the admin once (`whsec_<base64 of 32 bytes>`).
#[derive(Debug, Clone)]
pub struct SigningSecret(SecretString);

/// The stored secret is not a `whsec_` secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a webhook secret is whsec_ followed by base64")]
pub struct BadSecret;

impl SigningSecret {
    /// A fresh random secret.
    pub fn generate() -> Self {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        Self(format!("{SECRET_PREFIX}{}", STANDARD.encode(key)).into())
    }

    pub fn parse(value: SecretString) -> Result<Self, BadSecret> {
        let secret = Self(value);
        secret.key().map(|_| secret)
    }

    /// The whole secret, to show once or to encrypt.
    pub fn expose(&self) -> &SecretString {
        &self.0
    }

    /// The HMAC key: the decoded part after `whsec_`.
    fn key(&self) -> Result<Vec<u8>, BadSecret> {
        let encoded = self
            .0
            .expose_secret()
            .strip_prefix(SECRET_PREFIX)
            .ok_or(BadSecret)?;
        STANDARD.decode(encoded).map_err(|_| BadSecret)
    }

    /// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`.
    pub fn sign(&self, message_id: &str, timestamp: i64, body: &str) -> String {
        let key = self.key().unwrap_or_default();
        // HMAC takes keys of any length.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&key) else {
            return String::new();
        };
        mac.update(format!("{message_id}.{timestamp}.{body}").as_bytes());
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_the_standard_webhooks_test_vector() {
        // From the Standard Webhooks specification's reference libraries.
        let secret =
            SigningSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned().into())
                .unwrap();
        assert_eq!(
            secret.sign(
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330,
                r#"{"test": 2432232314}"#
            ),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn generated_secrets_are_whsec_base64_of_32_bytes() {
        let secret = SigningSecret::generate();
        assert!(secret.expose().expose_secret().starts_with("whsec_"));
        assert_eq!(secret.key().unwrap().len(), 32);
        assert!(SigningSecret::parse("abc".to_owned().into()).is_err());
    }
}
