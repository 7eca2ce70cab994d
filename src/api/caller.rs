//! Who calls the API: [`ApiCaller`], the extractor every `/api/v1` handler declares. It reads
//! `Authorization: Bearer <token>`, checks the token and its owner on every request (a revoked
//! token or a disabled user stops at once: nothing is cached), applies the token's rate limit
//! (shared by every replica: `ApiTokenRow::take_request`, in the same database round trip),
//! and yields what the owner may see. A token acts as its user, never more: the owner's role,
//! account scope and masking apply, and its own scope (`read`/`write`) narrows them further.

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use chrono::Utc;
use futures_util::future::LocalBoxFuture;
use secrecy::SecretString;

use super::problem::ApiError;
use crate::{
    auth::api_token::{self, TokenCheck},
    db::{self, models::api_token::ApiTokenRow},
    domain::{ApiTokenId, ApiTokenScope, Role, Viewer},
    state::AppState,
    web::client_ip::peer_ip,
};

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
            let (ip, per_minute) = (peer_ip(&req), state.config.api_rate_limit_per_minute);
            let (checked, wait) = db::run(&state.pool, move |conn| {
                let checked = api_token::check(conn, &presented, &ip, Utc::now())?;
                let wait = match &checked {
                    TokenCheck::Valid { token, .. } => {
                        ApiTokenRow::take_request(conn, token.id, per_minute)?
                    }
                    _ => None,
                };
                Ok::<_, ApiError>((checked, wait))
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
            if let Some(wait) = wait {
                return Err(ApiError::TooManyRequests {
                    retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
                });
            }
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
}
