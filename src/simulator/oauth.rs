//! OAuth 2.0 device flow and tokens, as Allegro's `/auth/oauth/device` and `/auth/oauth/token`.

use std::collections::HashMap;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use serde_json::{Value, json};

use super::world::{State, World};

/// Scopes declared for the simulator's app; a token gets the requested subset (or all of them).
pub(crate) const DECLARED_SCOPES: &[&str] = &[
    "allegro:api:orders:read",
    "allegro:api:profile:read",
    "allegro:api:billing:read",
];
pub(crate) const DEVICE_CODE_TTL_SECS: i64 = 3600;
pub(crate) const POLL_INTERVAL_SECS: i64 = 5;
pub(crate) const ACCESS_TTL_SECS: i64 = 43199;
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

pub(crate) struct AccessToken {
    pub seller: usize,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub expires_at: DateTime<Utc>,
}

struct RefreshToken {
    seller: usize,
    client_id: String,
    scopes: Vec<String>,
    expires_at: DateTime<Utc>,
    access_token: String,
    used_at: Option<DateTime<Utc>>,
}

#[derive(Default)]
pub(crate) struct OAuthState {
    devices: HashMap<String, Device>,
    access: HashMap<String, AccessToken>,
    refresh: HashMap<String, RefreshToken>,
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

fn jwt(payload: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
    let body = URL_SAFE_NO_PAD.encode(payload.to_string());
    let signature: [u8; 32] = rand::rng().random();
    format!("{header}.{body}.{}", URL_SAFE_NO_PAD.encode(signature))
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

impl OAuthState {
    pub(crate) fn revoke_seller(&mut self, seller: usize) {
        self.access.retain(|_, t| t.seller != seller);
        self.refresh.retain(|_, t| t.seller != seller);
    }

    pub(crate) fn device_by_user_code(&mut self, user_code: &str) -> Option<&mut Device> {
        let code = user_code.replace([' ', '-'], "").to_lowercase();
        self.devices.values_mut().find(|d| d.user_code == code)
    }

    pub(crate) fn access(&self, token: &str) -> Option<&AccessToken> {
        self.access.get(token)
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
                Ok(self.mint(seller, &client_id, scopes))
            }
        }
    }

    /// The refresh grant: a new pair; the old access token dies at once, the old refresh token
    /// after a 60 s grace.
    pub(crate) fn token_for_refresh(&mut self, refresh_token: &str) -> Result<Value, OAuthError> {
        let now = self.now();
        let invalid = || {
            OAuthError::new(
                "invalid_grant",
                format!("Invalid refresh token: {refresh_token}"),
            )
        };
        let entry = self
            .oauth
            .refresh
            .get_mut(refresh_token)
            .ok_or_else(invalid)?;
        let grace_over = entry
            .used_at
            .is_some_and(|used| now - used > Duration::seconds(REFRESH_GRACE_SECS));
        if entry.expires_at <= now || grace_over {
            return Err(invalid());
        }
        entry.used_at.get_or_insert(now);
        let (seller, client_id, scopes) =
            (entry.seller, entry.client_id.clone(), entry.scopes.clone());
        let old_access = entry.access_token.clone();
        self.oauth.access.remove(&old_access);
        Ok(self.mint(seller, &client_id, scopes))
    }

    fn mint(&mut self, seller: usize, client_id: &str, scopes: Vec<String>) -> Value {
        let now = self.now();
        let user_name = self
            .sellers
            .get(seller)
            .map(|s| s.profile.id.clone())
            .unwrap_or_default();
        let jti = uuid::Uuid::new_v4().to_string();
        let expires_at = now + Duration::seconds(ACCESS_TTL_SECS);
        let access_token = jwt(&json!({
            "exp": expires_at.timestamp(),
            "user_name": user_name,
            "jti": jti,
            "client_id": client_id,
            "scope": scopes,
            "allegro_api": true,
        }));
        let refresh_expires = now + Duration::days(REFRESH_TTL_DAYS);
        let refresh_token = jwt(&json!({
            "exp": refresh_expires.timestamp(),
            "user_name": user_name,
            "ati": jti,
            "jti": uuid::Uuid::new_v4().to_string(),
            "client_id": client_id,
            "scope": scopes,
            "allegro_api": true,
        }));
        self.oauth.access.insert(
            access_token.clone(),
            AccessToken {
                seller,
                client_id: client_id.to_owned(),
                scopes: scopes.clone(),
                expires_at,
            },
        );
        self.oauth.refresh.insert(
            refresh_token.clone(),
            RefreshToken {
                seller,
                client_id: client_id.to_owned(),
                scopes: scopes.clone(),
                expires_at: refresh_expires,
                access_token: access_token.clone(),
                used_at: None,
            },
        );
        json!({
            "access_token": access_token,
            "token_type": "bearer",
            "refresh_token": refresh_token,
            "expires_in": ACCESS_TTL_SECS,
            "scope": scopes.join(" "),
            "allegro_api": true,
            "jti": jti,
        })
    }

    /// Checks a bearer token; `Ok((seller, client_id, scopes))`.
    pub(crate) fn check_access(
        &self,
        token: Option<&str>,
    ) -> Result<(usize, String, Vec<String>), TokenProblem> {
        let token = token.ok_or(TokenProblem::Missing)?;
        let access = self.oauth.access(token).ok_or(TokenProblem::Unknown)?;
        if access.expires_at <= self.now() {
            return Err(TokenProblem::Expired);
        }
        Ok((
            access.seller,
            access.client_id.clone(),
            access.scopes.clone(),
        ))
    }
}

impl World {
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
