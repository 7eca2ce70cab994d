//! Who calls the API: [`ApiCaller`], the extractor every `/api/v1` handler declares. It reads
//! `Authorization: Bearer <token>`, checks the token and its owner on every request (a revoked
//! token or a disabled user stops at once: nothing is cached), applies the token's rate limit,
//! and yields what the owner may see. A token acts as its user, never more: the owner's role,
//! account scope and masking apply, and its own scope (`read`/`write`) narrows them further.

use std::num::NonZeroU32;

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use chrono::Utc;
use futures_util::future::LocalBoxFuture;
use governor::{
    DefaultKeyedRateLimiter, Quota, RateLimiter,
    clock::{Clock, DefaultClock},
};
use secrecy::SecretString;

use super::problem::ApiError;
use crate::{
    auth::api_token::{self, TokenCheck},
    db,
    domain::{ApiTokenId, ApiTokenScope, Role, Viewer},
    state::AppState,
    web::client_ip::peer_ip,
};

/// Tokens above which the limiter forgets those idle long enough to be full again.
const FORGET_ABOVE_TOKENS: usize = 10_000;

/// Requests per minute per token, counted in this process (`API_RATE_LIMIT_PER_MINUTE`).
pub struct ApiRateLimiter {
    limiter: DefaultKeyedRateLimiter<ApiTokenId>,
    clock: DefaultClock,
}

impl ApiRateLimiter {
    /// `per_minute` requests a minute per token, all of which may come at once.
    pub fn per_minute(per_minute: u32) -> Self {
        let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        Self {
            limiter: RateLimiter::keyed(Quota::per_minute(per_minute)),
            clock: DefaultClock::default(),
        }
    }

    /// Counts a request of `token`; refused with the seconds to wait when over the limit.
    fn check(&self, token: ApiTokenId) -> Result<(), ApiError> {
        if self.limiter.len() > FORGET_ABOVE_TOKENS {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&token).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            ApiError::TooManyRequests {
                retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            }
        })
    }
}

/// An API request authenticated by a valid token.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub token_id: ApiTokenId,
    /// What the token allows beyond reading.
    pub scope: ApiTokenScope,
    /// What the token's user may see (role, account scope, masking), read on this request.
    pub viewer: Viewer,
}

impl ApiCaller {
    /// Refuses a token without the `write` scope (for a request that changes something).
    pub fn require_write(&self) -> Result<(), ApiError> {
        if self.scope.includes(ApiTokenScope::Write) {
            Ok(())
        } else {
            Err(ApiError::WriteScopeRequired)
        }
    }

    /// Refuses a token whose user's role is below `role`.
    pub fn require_role(&self, role: Role) -> Result<(), ApiError> {
        if self.viewer.role.includes(role) {
            Ok(())
        } else {
            Err(ApiError::RoleRequired(role))
        }
    }
}

/// The token of `Authorization: Bearer <token>` (the scheme's case does not matter).
fn bearer_token(req: &HttpRequest) -> Option<SecretString> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty())
        .then(|| SecretString::from(token.to_owned()))
}

impl FromRequest for ApiCaller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let presented = bearer_token(&req).ok_or(ApiError::MissingToken)?;
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| ApiError::unexpected(anyhow::anyhow!("AppState missing")))?;
            let limiter = req
                .app_data::<web::Data<ApiRateLimiter>>()
                .ok_or_else(|| ApiError::unexpected(anyhow::anyhow!("ApiRateLimiter missing")))?;
            let ip = peer_ip(&req);
            let checked = db::run(&state.pool, move |conn| {
                api_token::check(conn, &presented, &ip, Utc::now()).map_err(ApiError::from)
            })
            .await?;
            let (token, viewer) = match checked {
                TokenCheck::Valid { token, viewer } => (token, viewer),
                TokenCheck::Unknown => return Err(ApiError::InvalidToken),
                TokenCheck::Revoked => return Err(ApiError::TokenRevoked),
                TokenCheck::Expired => return Err(ApiError::TokenExpired),
                TokenCheck::UserDisabled => return Err(ApiError::UserDisabled),
            };
            tracing::Span::current().record("user_id", viewer.user_id.0);
            limiter.check(token.id)?;
            Ok(ApiCaller {
                token_id: token.id,
                scope: token.scope(),
                viewer,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::UserId;

    fn caller(role: Role, scope: ApiTokenScope) -> ApiCaller {
        ApiCaller {
            token_id: ApiTokenId(1),
            scope,
            viewer: Viewer::unrestricted(UserId(1), role),
        }
    }

    #[test]
    fn a_read_token_may_not_write_and_a_token_never_exceeds_its_users_role() {
        assert!(matches!(
            caller(Role::Admin, ApiTokenScope::Read).require_write(),
            Err(ApiError::WriteScopeRequired)
        ));
        assert!(
            caller(Role::Viewer, ApiTokenScope::Write)
                .require_write()
                .is_ok()
        );
        assert!(matches!(
            caller(Role::Viewer, ApiTokenScope::Write).require_role(Role::Operator),
            Err(ApiError::RoleRequired(Role::Operator))
        ));
        assert!(
            caller(Role::Operator, ApiTokenScope::Write)
                .require_role(Role::Operator)
                .is_ok()
        );
    }

    #[test]
    fn the_limiter_refuses_the_request_over_the_limit_with_the_seconds_to_wait() {
        let limiter = ApiRateLimiter::per_minute(2);
        assert!(limiter.check(ApiTokenId(1)).is_ok());
        assert!(limiter.check(ApiTokenId(1)).is_ok());
        match limiter.check(ApiTokenId(1)) {
            Err(ApiError::TooManyRequests { retry_after_secs }) => {
                assert!((1..=30).contains(&retry_after_secs), "{retry_after_secs}")
            }
            other => panic!("{other:?}"),
        }
        assert!(limiter.check(ApiTokenId(2)).is_ok());
    }
}
