//! Team logins: passwords, the session store, typed sessions, the role guard, throttling
//! and the first-run setup link.

pub mod api_token;
pub mod guard;
pub mod password;
pub mod session;
pub mod setup;
pub mod store;
pub mod throttle;

pub use guard::{Admin, AnyUser, CurrentUser, Operator, RequireRole, SignedIn, signed_in};
pub use session::TypedSession;

/// A random token of `bytes` bytes, URL-safe base64 without padding.
pub fn random_token(bytes: usize) -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// SHA-256 of a secret token, hex-encoded: what the database keeps instead of the token.
pub fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}
