//! OAuth: the device flow (request a code, poll for the user's decision) and the refresh grant.

use std::{future::Future, time::Duration};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, de::Error as _};
use serde_json::Value;

use super::{
    client::{AllegroClient, Auth, Reply, endpoint},
    error::{AllegroError, error_details, snippet},
};

/// The scopes a backup needs: orders, the account's own profile, payments (refunds, wallet
/// operations) and billing (fees): allegro-api-money.md §1.1.
pub const SCOPES: &str = "allegro:api:orders:read allegro:api:profile:read \
                          allegro:api:payments:read allegro:api:billing:read";

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// What to show the person who authorises the app.
#[derive(Debug, Clone)]
pub struct DeviceAuthorization {
    pub device_code: SecretString,
    /// Nine characters; Allegro suggests showing it in three groups of three.
    pub user_code: String,
    /// Show exactly as returned.
    pub verification_uri: String,
    /// `verification_uri` with the code filled in (good for a link or QR code).
    pub verification_uri_complete: String,
    pub expires_in: Duration,
    /// Minimum wait between polls.
    pub interval: Duration,
}

/// The answer to one poll of the token endpoint.
#[derive(Debug, Clone)]
pub enum DevicePoll {
    /// `authorization_pending`: the user has not decided yet.
    Pending,
    /// `slow_down`: polled too often.
    SlowDown,
    /// `access_denied`: the user refused.
    Denied,
    /// `invalid_request` "Invalid device code", `expired_token` or any other 400: start over.
    Expired,
    Authorized(TokenSet),
}

/// A token pair from the device or refresh grant.
#[derive(Debug, Clone)]
pub struct TokenSet {
    pub access_token: SecretString,
    /// Single-use: store the new one before using the access token.
    pub refresh_token: SecretString,
    pub expires_in: Duration,
    /// Space-separated scopes granted.
    pub scope: String,
    /// `user_name` of the access token's JWT payload (read without verification): the Allegro
    /// user id, equal to `/me` `id`.
    pub allegro_user_id: Option<String>,
}

/// Why a device flow ended without tokens.
#[derive(Debug, thiserror::Error)]
pub enum DeviceFlowError {
    #[error("the user denied access to the Allegro account")]
    Denied,
    #[error("the device code expired before the user approved it")]
    Expired,
    #[error(transparent)]
    Allegro(#[from] AllegroError),
}

/// Longest lifetime or interval accepted (ten years). Allegro sends hours at most; a larger
/// value is a broken response, and would overflow the date arithmetic of expiry times.
pub(super) const MAX_SECONDS: u64 = 10 * 366 * 24 * 3600;

/// Seconds as a JSON number or a numeric string (the tutorial shows strings), at most
/// [`MAX_SECONDS`].
fn seconds<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let secs = match Value::deserialize(d)? {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f.round() as u64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    secs.filter(|s| *s <= MAX_SECONDS)
        .map(Duration::from_secs)
        .ok_or_else(|| D::Error::custom("expected a number of seconds (at most ten years)"))
}

#[derive(Deserialize)]
pub(super) struct DeviceWire {
    device_code: String,
    user_code: String,
    verification_uri: String,
    verification_uri_complete: Option<String>,
    #[serde(deserialize_with = "seconds")]
    pub(super) expires_in: Duration,
    #[serde(default, deserialize_with = "optional_seconds")]
    pub(super) interval: Option<Duration>,
}

fn optional_seconds<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    seconds(d).map(Some)
}

#[derive(Deserialize)]
pub(super) struct TokenWire {
    access_token: String,
    refresh_token: String,
    #[serde(deserialize_with = "seconds")]
    expires_in: Duration,
    #[serde(default)]
    scope: Option<String>,
}

impl From<TokenWire> for TokenSet {
    fn from(wire: TokenWire) -> Self {
        Self {
            allegro_user_id: jwt_user_name(&wire.access_token),
            access_token: SecretString::from(wire.access_token),
            refresh_token: SecretString::from(wire.refresh_token),
            expires_in: wire.expires_in,
            scope: wire.scope.unwrap_or_default(),
        }
    }
}

/// `user_name` from a JWT's payload, without verifying the signature.
fn jwt_user_name(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    match claims.get("user_name")? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn parse<T: serde::de::DeserializeOwned>(reply: &Reply, what: &str) -> Result<T, AllegroError> {
    serde_json::from_slice(&reply.body).map_err(|e| {
        tracing::warn!(call = what, trace_id = reply.trace_id.as_str(), status = reply.status.as_u16(), error = %e, "unreadable Allegro OAuth response");
        AllegroError::invalid_response(reply.status.as_u16(), &reply.body)
    })
}

/// The error a failed OAuth reply stands for (logged with the trace id, tokens redacted).
fn oauth_error(reply: &Reply, what: &str) -> AllegroError {
    let status = reply.status.as_u16();
    let (code, message) =
        error_details(&reply.body).unwrap_or_else(|| (None, snippet(&reply.body)));
    let error = if code.as_deref() == Some("invalid_grant") {
        AllegroError::InvalidGrant
    } else {
        AllegroError::Client {
            status,
            code,
            message,
        }
    };
    tracing::warn!(call = what, trace_id = reply.trace_id.as_str(), status, error = %error, "Allegro OAuth call failed");
    error
}

impl AllegroClient {
    async fn oauth_post(&self, what: &str, form: &[(&str, &str)]) -> Result<Reply, AllegroError> {
        let template = what.trim_start_matches("POST ");
        let path: Vec<&str> = template.trim_start_matches('/').split('/').collect();
        let url = endpoint(&self.inner.auth_base, &path);
        self.execute(Auth::Basic, what, template, |http| {
            http.post(url.clone()).form(form)
        })
        .await
    }

    /// Step 1 of the device flow: a device code for the backup's scopes.
    pub async fn start_device_flow(&self) -> Result<DeviceAuthorization, AllegroError> {
        let what = "POST /auth/oauth/device";
        let client_id = self.inner.client_id.as_str();
        let reply = self
            .oauth_post(what, &[("client_id", client_id), ("scope", SCOPES)])
            .await?;
        if !reply.status.is_success() {
            return Err(oauth_error(&reply, what));
        }
        let wire: DeviceWire = parse(&reply, what)?;
        Ok(DeviceAuthorization {
            verification_uri_complete: wire
                .verification_uri_complete
                .unwrap_or_else(|| wire.verification_uri.clone()),
            device_code: SecretString::from(wire.device_code),
            user_code: wire.user_code,
            verification_uri: wire.verification_uri,
            expires_in: wire.expires_in,
            interval: wire.interval.unwrap_or(Duration::from_secs(5)),
        })
    }

    /// One poll of the token endpoint for `device_code`.
    pub async fn poll_device_token(
        &self,
        device_code: &SecretString,
    ) -> Result<DevicePoll, AllegroError> {
        let what = "POST /auth/oauth/token";
        let form = [
            ("grant_type", DEVICE_GRANT),
            ("device_code", device_code.expose_secret()),
        ];
        let reply = self.oauth_post(what, &form).await?;
        if reply.status.is_success() {
            return Ok(DevicePoll::Authorized(
                parse::<TokenWire>(&reply, what)?.into(),
            ));
        }
        if reply.status != StatusCode::BAD_REQUEST {
            return Err(oauth_error(&reply, what));
        }
        let code = error_details(&reply.body).and_then(|(code, _)| code);
        let poll = match code.as_deref() {
            Some("authorization_pending") => DevicePoll::Pending,
            Some("slow_down") => DevicePoll::SlowDown,
            Some("access_denied") => DevicePoll::Denied,
            _ => DevicePoll::Expired,
        };
        tracing::debug!(
            call = what,
            trace_id = reply.trace_id.as_str(),
            ?code,
            "device flow poll"
        );
        Ok(poll)
    }

    /// The refresh grant: a new pair; the old refresh token dies (after a 60 s grace).
    /// [`AllegroError::InvalidGrant`] when the refresh token is no longer valid.
    pub async fn refresh_tokens(
        &self,
        refresh_token: &SecretString,
    ) -> Result<TokenSet, AllegroError> {
        let what = "POST /auth/oauth/token";
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose_secret()),
        ];
        let reply = self.oauth_post(what, &form).await?;
        if !reply.status.is_success() {
            return Err(oauth_error(&reply, what));
        }
        Ok(parse::<TokenWire>(&reply, what)?.into())
    }
}

/// Polls until the user decides: waits `interval` before each poll, adds 5 s on `slow_down`
/// (and on a 429), stops at expiry. `sleep` is injected so tests need not wait.
pub async fn wait_for_device_authorization<F, Fut>(
    client: &AllegroClient,
    auth: &DeviceAuthorization,
    sleep: F,
) -> Result<TokenSet, DeviceFlowError>
where
    F: Fn(Duration) -> Fut,
    Fut: Future<Output = ()>,
{
    const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);
    let started = std::time::Instant::now();
    let mut interval = auth.interval.max(Duration::from_secs(1));
    let mut waited = Duration::ZERO;
    loop {
        if waited >= auth.expires_in || started.elapsed() >= auth.expires_in {
            return Err(DeviceFlowError::Expired);
        }
        sleep(interval).await;
        waited += interval;
        match client.poll_device_token(&auth.device_code).await {
            Ok(DevicePoll::Pending) => {}
            Ok(DevicePoll::SlowDown) => interval += SLOW_DOWN_STEP,
            Err(AllegroError::RateLimited { retry_after }) => {
                interval = (interval + SLOW_DOWN_STEP).max(retry_after);
            }
            // The person may still be approving: an outage of the token endpoint is waited
            // out until the code expires rather than ending the flow.
            Err(
                e
                @ (AllegroError::Server { .. } | AllegroError::Timeout | AllegroError::Network(_)),
            ) => {
                tracing::warn!(error = %e, "device-flow poll failed; polling again");
            }
            Ok(DevicePoll::Denied) => return Err(DeviceFlowError::Denied),
            Ok(DevicePoll::Expired) => return Err(DeviceFlowError::Expired),
            Ok(DevicePoll::Authorized(tokens)) => return Ok(tokens),
            Err(e) => return Err(DeviceFlowError::Allegro(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_allegro_user_id_is_read_from_the_access_token() {
        let token = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3ODQ5OTk5OTksInVzZXJfbmFtZSI6IjEwNDgyMjQ0NCIsImp0aSI6IjVkMmU3YTFjLTQ0YjItNGU4Zi05YTFlLTNkMGE3YjZjOGYxMiIsImNsaWVudF9pZCI6IjhjNTg0Njg1MTJmNTRiYjM5ZmNjMWQyMTMwZGViZmZjIiwic2NvcGUiOlsiYWxsZWdybzphcGk6b3JkZXJzOnJlYWQiLCJhbGxlZ3JvOmFwaTpwcm9maWxlOnJlYWQiXSwiYWxsZWdyb19hcGkiOnRydWV9.c2lnbmF0dXJl";
        assert_eq!(jwt_user_name(token).as_deref(), Some("104822444"));
        assert_eq!(jwt_user_name("opaque-token"), None);
        assert_eq!(jwt_user_name("a.!!!.c"), None);
    }

    #[test]
    fn device_answers_with_string_numbers_parse() {
        let wire: DeviceWire = serde_json::from_str(
            r#"{"device_code":"d","user_code":"u","verification_uri":"v","expires_in":"3600","interval":"5"}"#,
        )
        .unwrap();
        assert_eq!(wire.expires_in, Duration::from_secs(3600));
        assert_eq!(wire.interval, Some(Duration::from_secs(5)));
    }
}
