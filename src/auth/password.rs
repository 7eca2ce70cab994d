//! argon2id password hashing with OWASP's parameters, always on the blocking pool.

use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash},
};
use secrecy::{ExposeSecret, SecretString};

/// OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1.
fn hasher() -> Result<Argon2<'static>, argon2::Error> {
    let params = Params::new(19 * 1024, 2, 1, None)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// Hashes a password into a PHC string (blocking: call from `spawn_blocking`).
pub fn hash(password: &str) -> Result<String, HashError> {
    hasher()
        .map_err(|e| HashError(e.to_string()))?
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Verifies a password against a PHC string; a malformed hash simply does not match.
pub fn verify(password: &SecretString, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let Ok(argon2) = hasher() else {
        return false;
    };
    argon2
        .verify_password(password.expose_secret().as_bytes(), &parsed)
        .is_ok()
}

/// Hashes on the blocking pool.
pub async fn hash_async(password: SecretString) -> Result<String, HashError> {
    tokio::task::spawn_blocking(move || hash(password.expose_secret()))
        .await
        .map_err(|e| HashError(e.to_string()))?
}

/// Verifies on the blocking pool. When `phc` is `None` (no such user) the password is checked
/// against `dummy` instead, so an unknown email costs the same time as a wrong password.
pub async fn verify_async(password: SecretString, phc: Option<String>, dummy: &str) -> bool {
    let known = phc.is_some();
    let phc = phc.unwrap_or_else(|| dummy.to_owned());
    let matched = tokio::task::spawn_blocking(move || verify(&password, &phc))
        .await
        .unwrap_or(false);
    known && matched
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_own_password() -> Result<(), HashError> {
        let phc = hash("correct horse battery staple")?;
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify(
            &SecretString::from("correct horse battery staple"),
            &phc
        ));
        assert!(!verify(&SecretString::from("wrong"), &phc));
        assert!(!verify(&SecretString::from("x"), "not a hash"));
        Ok(())
    }
}
