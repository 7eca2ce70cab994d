//! OAuth 2.0 device flow and tokens, as Allegro's `/auth/oauth/device` and `/auth/oauth/token`.

use std::{
    collections::HashMap,
    time::{SystemTime, UNIX_EPOCH},
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac, digest::KeyInit};
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::SimulatorConfig;

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// Scopes declared for the simulator's app unless its configuration says otherwise.
pub(crate) const DECLARED_SCOPES: &[&str] = &[
    "allegro:api:orders:read",
    "allegro:api:profile:read",
    "allegro:api:payments:read",
    "allegro:api:billing:read",
];
pub(crate) const DEVICE_CODE_TTL_SECS: i64 = 3600;
pub(crate) const POLL_INTERVAL_SECS: i64 = 5;
pub(crate) const REFRESH_TTL_DAYS: i64 = 90;
/// A used refresh token keeps working this long (Allegro: 60 s).
pub(crate) const REFRESH_GRACE_SECS: i64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DeviceState {
    Pending,
    Approved(usize),
    Denied,
    Used,
}

pub(crate) struct Device {
    pub user_code: String,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub expires_at: DateTime<Utc>,
    pub state: DeviceState,
    pub last_poll: Option<DateTime<Utc>>,
}

/// What a token is for (a simulator-only claim: an access token is no refresh token).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum TokenKind {
    Access,
    Refresh,
}

/// A token's payload. Allegro's claims (`exp`, `user_name`, `jti`, `client_id`, `scope`,
/// `allegro_api`, and `ati` on refresh tokens) plus the simulator's own: the kind, the grant
/// chain (`sid`: one device authorisation and its refreshes) and the pair's `generation`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Claims {
    pub(crate) exp: i64,
    pub(crate) user_name: String,
    pub(crate) jti: String,
    pub(crate) client_id: String,
    pub(crate) scope: Vec<String>,
    pub(crate) allegro_api: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) ati: Option<String>,
    pub(crate) kind: TokenKind,
    pub(crate) sid: String,
    pub(crate) generation: u64,
}

/// What memory knows about one grant chain: the generation of its newest pair and the refresh
/// token it replaced, usable until the grace deadline.
pub(crate) struct Chain {
    pub(crate) generation: u64,
    pub(crate) previous_refresh: Option<(String, DateTime<Utc>)>,
}

/// OAuth state. Tokens are self-verifying (HMAC-SHA256 over `header.payload`, keyed from the
/// client credentials and the seed), so a restarted simulator with the same configuration still
/// accepts them; memory only holds what makes a token stale: each chain's newest generation and
/// each seller's revocation point. After a restart both are empty, and a correctly signed,
/// unexpired token is taken as its chain's newest.
pub(crate) struct OAuthState {
    pub(crate) devices: HashMap<String, Device>,
    /// The HMAC key, zero-padded to SHA-256's block (exactly what HMAC does to a shorter key).
    pub(crate) key: [u8; 64],
    pub(crate) chains: HashMap<String, Chain>,
    /// Per seller: tokens of an older generation were revoked.
    pub(crate) revoked_before: HashMap<usize, u64>,
    pub(crate) last_generation: u64,
    /// Refresh grants answered with a new pair.
    pub(crate) refreshes: u64,
}

/// A 400 from the token endpoint: `{"error": .., "error_description": ..}`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct OAuthError {
    pub error: &'static str,
    pub description: String,
}

impl OAuthError {
    pub(crate) fn new(error: &'static str, description: impl Into<String>) -> Self {
        Self {
            error,
            description: description.into(),
        }
    }

    pub(crate) fn invalid_device_code() -> Self {
        Self::new("invalid_request", "Invalid device code")
    }

    pub(crate) fn body(&self) -> Value {
        json!({"error": self.error, "error_description": self.description})
    }
}

/// Why an API call's bearer token was refused (401 `AuthError`).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TokenProblem {
    Missing,
    Expired,
    Unknown,
}

pub(crate) fn random_string(len: usize, set: &[u8]) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(set[rng.random_range(0..set.len())]))
        .collect()
}

/// The scopes a token gets: those requested among the app's declared ones, or all of the
/// declared ones when none is requested (a wider request is capped, as on Allegro).
pub(crate) fn narrow_scopes(requested: Option<&str>, declared: &[String]) -> Vec<String> {
    let requested: Vec<&str> = requested
        .map(|s| s.split_whitespace().collect())
        .unwrap_or_default();
    declared
        .iter()
        .filter(|s| requested.is_empty() || requested.contains(&s.as_str()))
        .cloned()
        .collect()
}

/// The base64url JWT header of every simulator token.
pub(crate) const HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"; // {"alg":"HS256","typ":"JWT"}

impl OAuthState {
    pub(crate) fn new(config: &SimulatorConfig) -> Self {
        // Deterministic: the same demo configuration verifies its old tokens after a restart.
        let mut key = Sha256::new();
        key.update(b"allegro-backup simulator token key v1\0");
        key.update(config.client_id.as_bytes());
        key.update(b"\0");
        key.update(config.client_secret.as_bytes());
        key.update(b"\0");
        key.update(config.seed.to_be_bytes());
        let mut block = [0u8; 64];
        block[..32].copy_from_slice(&key.finalize());
        Self {
            devices: HashMap::new(),
            key: block,
            chains: HashMap::new(),
            revoked_before: HashMap::new(),
            last_generation: 0,
            refreshes: 0,
        }
    }

    /// A new generation: strictly increasing, and taken from the wall clock (microseconds) so
    /// that a restarted simulator numbers above every token the previous run issued.
    pub(crate) fn next_generation(&mut self) -> u64 {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
            .unwrap_or_default();
        self.last_generation = wall.max(self.last_generation.saturating_add(1));
        self.last_generation
    }

    pub(crate) fn mac(&self) -> HmacSha256 {
        <HmacSha256 as KeyInit>::new(&self.key.into())
    }

    pub(crate) fn sign(&self, claims: &Claims) -> String {
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
        let signed = format!("{HEADER}.{payload}");
        let mut mac = self.mac();
        mac.update(signed.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signed}.{signature}")
    }

    /// The claims of a token this simulator (or an earlier run with the same configuration)
    /// signed; `None` for anything else.
    pub(crate) fn verify(&self, token: &str) -> Option<Claims> {
        let (signed, signature) = token.rsplit_once('.')?;
        let (header, payload) = signed.split_once('.')?;
        if header != HEADER {
            return None;
        }
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        let mut mac = self.mac();
        mac.update(signed.as_bytes());
        mac.verify_slice(&signature).ok()?;
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
    }

    pub(crate) fn revoked(&self, seller: usize, claims: &Claims) -> bool {
        self.revoked_before
            .get(&seller)
            .is_some_and(|&before| claims.generation < before)
    }

    /// Kills every token of a seller issued so far, including those of an earlier run.
    pub(crate) fn revoke_seller(&mut self, seller: usize) {
        let before = self.next_generation();
        self.revoked_before.insert(seller, before);
    }

    pub(crate) fn device_by_user_code(&mut self, user_code: &str) -> Option<&mut Device> {
        let code = user_code.replace([' ', '-'], "").to_lowercase();
        self.devices.values_mut().find(|d| d.user_code == code)
    }
}
