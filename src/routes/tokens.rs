//! Personal API tokens in the dashboard: the row every token list shows, and the admins'
//! Tokens page (`/tokens`: every user's tokens, revoke any). Users manage their own on the
//! profile page (`routes::profile::tokens`).

use chrono::{DateTime, Utc};

use super::prelude::*;
use crate::{
    auth::{Admin, RequireRole, session::FlashLevel},
    db::{
        self,
        models::api_token::{ApiTokenRow, OwnedApiToken},
    },
    domain::{ApiTokenId, ApiTokenScope, ApiTokenStatus},
    error::see_other,
    i18n,
    web::{filters, ok},
};

use super::actor;

/// A token as a list shows it (never its secret or hash).
pub struct TokenView {
    pub id: ApiTokenId,
    pub name: String,
    pub prefix: String,
    pub scope: ApiTokenScope,
    pub status: ApiTokenStatus,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// Empty when never used.
    pub last_used_ip: String,
    /// The owner's email (empty in the user's own list).
    pub owner: String,
}

impl TokenView {
    pub fn new(row: ApiTokenRow, owner: String, now: DateTime<Utc>) -> Self {
        Self {
            status: row.status(now),
            scope: row.scope(),
            id: row.id,
            name: row.name,
            prefix: row.prefix,
            created_at: row.created_at,
            expires_at: row.expires_at,
            last_used_at: row.last_used_at,
            last_used_ip: row.last_used_ip.unwrap_or_default(),
            owner,
        }
    }

    pub fn is_active(&self) -> bool {
        self.status == ApiTokenStatus::Active
    }

    /// The badge's class for the status.
    pub fn badge(&self) -> &'static str {
        match self.status {
            ApiTokenStatus::Active => "badge-ok",
            ApiTokenStatus::Expired => "badge-warn",
            ApiTokenStatus::Revoked => "badge-muted",
        }
    }
}

#[derive(Template)]
#[template(path = "tokens/index.html")]
pub struct TokensPage {
    pub page: PageContext,
    pub tokens: Vec<TokenView>,
}

/// `GET /tokens` (admins): every user's tokens.
pub async fn tokens_index(
    _auth: RequireRole<Admin>,
    page: Page,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let owned = db::run(&state.pool, |conn| {
        ApiTokenRow::list_all(conn).map_err(AppError::from)
    })
    .await?;
    let now = Utc::now();
    let tokens = owned
        .into_iter()
        .map(
            |OwnedApiToken {
                 token, owner_email, ..
             }| TokenView::new(token, owner_email, now),
        )
        .collect();
    ok(&TokensPage {
        page: page.at(Nav::Tokens),
        tokens,
    })
}

/// `POST /tokens/{id}/revoke` (admins): revokes anyone's token.
pub async fn token_revoke_any(
    req: HttpRequest,
    auth: RequireRole<Admin>,
    state: web::Data<AppState>,
    id: web::Path<ApiTokenId>,
) -> Result<HttpResponse, AppError> {
    revoke(&req, &auth, &state, id.into_inner(), false).await?;
    Ok(see_other("/tokens"))
}

/// Revokes token `id` (only one of `auth`'s own when `own_only`), audit-logged, and says so
/// in a flash message; an unknown, someone else's or already revoked token is a 404.
pub async fn revoke<R>(
    req: &HttpRequest,
    auth: &RequireRole<R>,
    state: &AppState,
    id: ApiTokenId,
    own_only: bool,
) -> Result<(), AppError> {
    let actor = actor(&auth.user, req);
    let owner = own_only.then_some(auth.user.id);
    let revoked = db::run(&state.pool, move |conn| {
        ApiTokenRow::revoke(conn, id, owner, &actor).map_err(AppError::from)
    })
    .await?
    .ok_or(AppError::NotFound)?;
    auth.session.flash(
        FlashLevel::Success,
        i18n::Message::new(i18n::current_lang(), "tokens-revoked")
            .arg("name", revoked.name)
            .to_string(),
    );
    Ok(())
}
