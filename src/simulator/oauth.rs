//! OAuth 2.0 device flow and tokens, as Allegro's `/auth/oauth/device` and `/auth/oauth/token`.

use std::{
    collections::HashMap,
    time::{SystemTime, UNIX_EPOCH},
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac, digest::KeyInit};
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{
    SimulatorConfig,
    world::{State, World},
};

type HmacSha256 = Hmac<Sha256>;

/// Scopes declared for the simulator's app; a token gets the requested subset (or all of them).
pub(crate) const DECLARED_SCOPES: &[&str] = &[
    "allegro:api:orders:read",
    "allegro:api:profile:read",
    "allegro:api:billing:read",
];
pub(crate) const DEVICE_CODE_TTL_SECS: i64 = 3600;
pub(crate) const POLL_INTERVAL_SECS: i64 = 5;
const REFRESH_TTL_DAYS: i64 = 90;
/// A used refresh token keeps working this long (Allegro: 60 s).
const REFRESH_GRACE_SECS: i64 = 60;

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
enum TokenKind {
    Access,
    Refresh,
}

/// A token's payload. Allegro's claims (`exp`, `user_name`, `jti`, `client_id`, `scope`,
/// `allegro_api`, and `ati` on refresh tokens) plus the simulator's own: the kind, the grant
/// chain (`sid`: one device authorisation and its refreshes) and the pair's `generation`.
#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    exp: i64,
    user_name: String,
    jti: String,
    client_id: String,
    scope: Vec<String>,
    allegro_api: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ati: Option<String>,
    kind: TokenKind,
    sid: String,
    generation: u64,
}

/// What memory knows about one grant chain: the generation of its newest pair and the refresh
/// token it replaced, usable until the grace deadline.
struct Chain {
    generation: u64,
    previous_refresh: Option<(String, DateTime<Utc>)>,
}

/// OAuth state. Tokens are self-verifying (HMAC-SHA256 over `header.payload`, keyed from the
/// client credentials and the seed), so a restarted simulator with the same configuration still
/// accepts them; memory only holds what makes a token stale: each chain's newest generation and
/// each seller's revocation point. After a restart both are empty, and a correctly signed,
/// unexpired token is taken as its chain's newest.
pub(crate) struct OAuthState {
    devices: HashMap<String, Device>,
    /// The HMAC key, zero-padded to SHA-256's block (exactly what HMAC does to a shorter key).
    key: [u8; 64],
    chains: HashMap<String, Chain>,
    /// Per seller: tokens of an older generation were revoked.
    revoked_before: HashMap<usize, u64>,
    last_generation: u64,
    /// Refresh grants answered with a new pair.
    refreshes: u64,
}

/// A 400 from the token endpoint: `{"error": .., "error_description": ..}`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct OAuthError {
    pub error: &'static str,
    pub description: String,
}

impl OAuthError {
    fn new(error: &'static str, description: impl Into<String>) -> Self {
        Self {
            error,
            description: description.into(),
        }
    }

    fn invalid_device_code() -> Self {
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

fn random_string(len: usize, set: &[u8]) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(set[rng.random_range(0..set.len())]))
        .collect()
}

fn narrow_scopes(requested: Option<&str>) -> Vec<String> {
    let requested: Vec<&str> = requested
        .map(|s| s.split_whitespace().collect())
        .unwrap_or_default();
    DECLARED_SCOPES
        .iter()
        .filter(|s| requested.is_empty() || requested.contains(s))
        .map(|s| (*s).to_owned())
        .collect()
}

/// The base64url JWT header of every simulator token.
const HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"; // {"alg":"HS256","typ":"JWT"}

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
    fn next_generation(&mut self) -> u64 {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
            .unwrap_or_default();
        self.last_generation = wall.max(self.last_generation.saturating_add(1));
        self.last_generation
    }

    fn mac(&self) -> HmacSha256 {
        <HmacSha256 as KeyInit>::new(&self.key.into())
    }

    fn sign(&self, claims: &Claims) -> String {
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
        let signed = format!("{HEADER}.{payload}");
        let mut mac = self.mac();
        mac.update(signed.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signed}.{signature}")
    }

    /// The claims of a token this simulator (or an earlier run with the same configuration)
    /// signed; `None` for anything else.
    fn verify(&self, token: &str) -> Option<Claims> {
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

    fn revoked(&self, seller: usize, claims: &Claims) -> bool {
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

impl State {
    /// `POST /auth/oauth/device`: a new device code (approved at once with `auto_approve`).
    pub(crate) fn device_authorize(&mut self, client_id: &str, scope: Option<&str>) -> Value {
        const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let device_code = random_string(32, ALNUM);
        let user_code = random_string(9, LOWER);
        let state = if self.config.auto_approve {
            DeviceState::Approved(0)
        } else {
            DeviceState::Pending
        };
        let device = Device {
            user_code: user_code.clone(),
            client_id: client_id.to_owned(),
            scopes: narrow_scopes(scope),
            expires_at: self.now() + Duration::seconds(DEVICE_CODE_TTL_SECS),
            state,
            last_poll: None,
        };
        self.oauth.devices.insert(device_code.clone(), device);
        let uri = format!("{}/skojarz-aplikacje", self.base_url);
        json!({
            "device_code": device_code,
            "expires_in": DEVICE_CODE_TTL_SECS,
            "user_code": user_code,
            "interval": POLL_INTERVAL_SECS,
            "verification_uri": uri,
            "verification_uri_complete": format!("{uri}?code={user_code}"),
        })
    }

    /// The device grant of `POST /auth/oauth/token`.
    pub(crate) fn token_for_device(
        &mut self,
        device_code: &str,
        client_id: &str,
    ) -> Result<Value, OAuthError> {
        let now = self.now();
        let device = self
            .oauth
            .devices
            .get_mut(device_code)
            .filter(|d| {
                d.expires_at > now && d.state != DeviceState::Used && d.client_id == client_id
            })
            .ok_or_else(OAuthError::invalid_device_code)?;
        let too_fast = device
            .last_poll
            .is_some_and(|last| now - last < Duration::seconds(POLL_INTERVAL_SECS));
        device.last_poll = Some(now);
        match device.state {
            DeviceState::Denied => Err(OAuthError::new(
                "access_denied",
                "The resource owner or authorization server denied the request.",
            )),
            _ if too_fast => Err(OAuthError::new(
                "slow_down",
                "Polling too frequently, please slow down.",
            )),
            DeviceState::Pending => Err(OAuthError::new(
                "authorization_pending",
                "User has not authorized the device code yet.",
            )),
            DeviceState::Used => Err(OAuthError::invalid_device_code()),
            DeviceState::Approved(seller) => {
                device.state = DeviceState::Used;
                let client_id = device.client_id.clone();
                let scopes = device.scopes.clone();
                // A new grant chain.
                let sid = uuid::Uuid::new_v4().to_string();
                let generation = self.oauth.next_generation();
                self.oauth.chains.insert(
                    sid.clone(),
                    Chain {
                        generation,
                        previous_refresh: None,
                    },
                );
                Ok(self.mint(seller, &client_id, scopes, &sid, generation))
            }
        }
    }

    /// The seller whose Allegro user id a token names.
    fn token_seller(&self, claims: &Claims) -> Option<usize> {
        self.sellers
            .iter()
            .position(|s| s.profile.id == claims.user_name)
    }

    /// The refresh grant: a new pair; the old access token dies at once, the old refresh token
    /// after a 60 s grace (within it, it gets another pair of the new generation).
    pub(crate) fn token_for_refresh(&mut self, refresh_token: &str) -> Result<Value, OAuthError> {
        let now = self.now();
        let invalid = || {
            OAuthError::new(
                "invalid_grant",
                format!("Invalid refresh token: {refresh_token}"),
            )
        };
        let claims = self
            .oauth
            .verify(refresh_token)
            .filter(|c| c.kind == TokenKind::Refresh && c.exp > now.timestamp())
            .ok_or_else(invalid)?;
        let seller = self.token_seller(&claims).ok_or_else(invalid)?;
        if self.oauth.revoked(seller, &claims) {
            return Err(invalid());
        }
        let next = self.oauth.next_generation();
        // Unknown chain (a restart): this token is taken as its newest.
        let chain = self
            .oauth
            .chains
            .entry(claims.sid.clone())
            .or_insert(Chain {
                generation: claims.generation,
                previous_refresh: None,
            });
        let generation = if claims.generation >= chain.generation {
            chain.previous_refresh = Some((
                claims.jti.clone(),
                now + Duration::seconds(REFRESH_GRACE_SECS),
            ));
            chain.generation = next;
            next
        } else if chain
            .previous_refresh
            .as_ref()
            .is_some_and(|(jti, deadline)| *jti == claims.jti && now <= *deadline)
        {
            chain.generation
        } else {
            return Err(invalid());
        };
        self.oauth.refreshes += 1;
        Ok(self.mint(
            seller,
            &claims.client_id,
            claims.scope,
            &claims.sid,
            generation,
        ))
    }

    fn mint(
        &mut self,
        seller: usize,
        client_id: &str,
        scopes: Vec<String>,
        sid: &str,
        generation: u64,
    ) -> Value {
        let now = self.now();
        // Whole seconds, as Allegro's `expires_in`; at least one.
        let lifetime = i64::try_from(self.config.access_token_lifetime.as_secs())
            .unwrap_or(i64::MAX)
            .max(1);
        let user_name = self
            .sellers
            .get(seller)
            .map(|s| s.profile.id.clone())
            .unwrap_or_default();
        let jti = uuid::Uuid::new_v4().to_string();
        let access_token = self.oauth.sign(&Claims {
            exp: (now + Duration::seconds(lifetime)).timestamp(),
            user_name: user_name.clone(),
            jti: jti.clone(),
            client_id: client_id.to_owned(),
            scope: scopes.clone(),
            allegro_api: true,
            ati: None,
            kind: TokenKind::Access,
            sid: sid.to_owned(),
            generation,
        });
        let refresh_token = self.oauth.sign(&Claims {
            exp: (now + Duration::days(REFRESH_TTL_DAYS)).timestamp(),
            user_name,
            jti: uuid::Uuid::new_v4().to_string(),
            client_id: client_id.to_owned(),
            scope: scopes.clone(),
            allegro_api: true,
            ati: Some(jti.clone()),
            kind: TokenKind::Refresh,
            sid: sid.to_owned(),
            generation,
        });
        json!({
            "access_token": access_token,
            "token_type": "bearer",
            "refresh_token": refresh_token,
            "expires_in": lifetime,
            "scope": scopes.join(" "),
            "allegro_api": true,
            "jti": jti,
        })
    }

    /// Checks a bearer token; `Ok((seller, client_id, scopes))`. A rotated or revoked token is
    /// as unknown as garbage.
    pub(crate) fn check_access(
        &mut self,
        token: Option<&str>,
    ) -> Result<(usize, String, Vec<String>), TokenProblem> {
        let token = token.ok_or(TokenProblem::Missing)?;
        let claims = self
            .oauth
            .verify(token)
            .filter(|c| c.kind == TokenKind::Access)
            .ok_or(TokenProblem::Unknown)?;
        let seller = self.token_seller(&claims).ok_or(TokenProblem::Unknown)?;
        let current = self.oauth.chains.get(&claims.sid).map(|c| c.generation);
        if self.oauth.revoked(seller, &claims)
            || current.is_some_and(|current| claims.generation < current)
        {
            return Err(TokenProblem::Unknown);
        }
        if claims.exp <= self.now().timestamp() {
            return Err(TokenProblem::Expired);
        }
        if current.is_none() {
            // Unknown chain (a restart): this token is taken as its newest.
            self.oauth.chains.insert(
                claims.sid.clone(),
                Chain {
                    generation: claims.generation,
                    previous_refresh: None,
                },
            );
        }
        Ok((seller, claims.client_id, claims.scope))
    }
}

impl World {
    /// Refresh grants answered with a new token pair so far (failed grants not counted).
    pub fn token_refreshes(&self) -> u64 {
        self.lock().oauth.refreshes
    }

    /// Approves a pending device code for a seller (what the person does on the verification
    /// page); false for an unknown, expired or already decided code or a bad seller index.
    pub fn approve(&self, user_code: &str, seller_index: usize) -> bool {
        self.decide(user_code, DeviceState::Approved(seller_index))
    }

    /// Denies a pending device code.
    pub fn deny(&self, user_code: &str) -> bool {
        self.decide(user_code, DeviceState::Denied)
    }

    fn decide(&self, user_code: &str, decision: DeviceState) -> bool {
        let mut state = self.lock();
        let now = state.now();
        if let DeviceState::Approved(i) = decision {
            if i >= state.sellers.len() {
                return false;
            }
        }
        match state.oauth.device_by_user_code(user_code) {
            Some(d) if d.expires_at > now && d.state == DeviceState::Pending => {
                d.state = decision;
                true
            }
            _ => false,
        }
    }
}
