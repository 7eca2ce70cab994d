//! The API tokens section of the profile page: the user's own tokens, creating one (its token
//! is shown on the answer to the form, once, and kept nowhere) and revoking one.

use actix_web::http::StatusCode;
use chrono::Utc;
use secrecy::ExposeSecret;
use serde::Deserialize;

use super::{super::actor, profile_page};
use crate::routes::prelude::*;
use crate::{
    auth::{AnyUser, api_token},
    db::{
        self,
        models::{api_token::ApiTokenRow, user::UserRow},
    },
    domain::{
        API_TOKEN_DEFAULT_DAYS, API_TOKEN_MAX_DAYS, ApiTokenId, ApiTokenLifetime, ApiTokenName,
        ApiTokenScope,
    },
    error::see_other,
    i18n,
    routes::tokens::{TokenView, revoke},
};

/// What the create form sent (echoed back when it is refused).
#[derive(Debug, Clone, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub expires_days: String,
    /// A checkbox: present when the token should never expire.
    #[serde(default)]
    pub no_expiry: Option<String>,
}

impl Default for TokenForm {
    fn default() -> Self {
        Self {
            name: String::new(),
            scope: ApiTokenScope::Read.as_str().to_owned(),
            expires_days: API_TOKEN_DEFAULT_DAYS.to_string(),
            no_expiry: None,
        }
    }
}

/// The section's content.
pub struct OwnTokens {
    pub rows: Vec<TokenView>,
    /// The token just created: shown on this answer only.
    pub fresh: Option<String>,
    pub errors: Vec<String>,
    pub form: TokenForm,
    pub scopes: [ApiTokenScope; 2],
    pub max_days: u32,
}

impl Default for OwnTokens {
    fn default() -> Self {
        Self {
            rows: vec![],
            fresh: None,
            errors: vec![],
            form: TokenForm::default(),
            scopes: ApiTokenScope::ALL,
            max_days: API_TOKEN_MAX_DAYS,
        }
    }
}

impl OwnTokens {
    /// Fills the list from the user's rows.
    pub fn load(&mut self, rows: Vec<ApiTokenRow>) {
        let now = Utc::now();
        self.rows = rows
            .into_iter()
            .map(|row| TokenView::new(row, String::new(), now))
            .collect();
    }

    /// Whether `scope` is the one the form has chosen.
    pub fn is_chosen(&self, scope: &ApiTokenScope) -> bool {
        self.form.scope == scope.as_str()
    }
}

impl TokenForm {
    fn parse(&self) -> Result<(ApiTokenName, ApiTokenScope, ApiTokenLifetime), Vec<String>> {
        let lang = i18n::current_lang();
        let name = ApiTokenName::parse(&self.name);
        let scope = self.scope.parse::<ApiTokenScope>();
        let lifetime = if self.no_expiry.is_some() {
            Ok(ApiTokenLifetime::Never)
        } else {
            ApiTokenLifetime::parse(&self.expires_days)
        };
        match (name, scope, lifetime) {
            (Ok(name), Ok(scope), Ok(lifetime)) => Ok((name, scope, lifetime)),
            (name, scope, lifetime) => Err([name.err(), scope.err(), lifetime.err()]
                .into_iter()
                .flatten()
                .map(|e| i18n::explain(lang, &e))
                .collect()),
        }
    }
}

/// `POST /account/tokens`: creates a token acting as the signed-in user and shows it once.
pub async fn token_create(
    req: HttpRequest,
    auth: RequireRole<AnyUser>,
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let (name, scope, lifetime) = match form.parse() {
        Ok(parsed) => parsed,
        Err(errors) => {
            let tokens = OwnTokens {
                errors,
                form,
                ..OwnTokens::default()
            };
            return profile_page(&state, auth, page, vec![], StatusCode::BAD_REQUEST, tokens).await;
        }
    };
    let actor = actor(&auth.user, &req);
    let user_id = auth.user.id;
    let token = db::run(&state.pool, move |conn| {
        let owner = UserRow::find(conn, user_id)?.ok_or(AppError::NotFound)?;
        let (_, token) = api_token::issue(conn, &owner, &name, scope, lifetime, &actor)?;
        Ok::<_, AppError>(token)
    })
    .await?;
    let tokens = OwnTokens {
        fresh: Some(token.expose_secret().to_owned()),
        ..OwnTokens::default()
    };
    profile_page(&state, auth, page, vec![], StatusCode::CREATED, tokens).await
}

/// `POST /account/tokens/{id}/revoke`: revokes one of the signed-in user's tokens.
pub async fn token_revoke_own(
    req: HttpRequest,
    auth: RequireRole<AnyUser>,
    state: web::Data<AppState>,
    id: web::Path<ApiTokenId>,
) -> Result<HttpResponse, AppError> {
    revoke(&req, &auth, &state, id.into_inner(), true).await?;
    Ok(see_other("/account/password#api-tokens"))
}
