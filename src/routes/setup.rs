//! First-run setup: create the first admin through the one-time link printed in the log.

use actix_web::http::StatusCode;
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::json;

use super::prelude::*;
use crate::{
    auth::{
        TypedSession, password,
        setup::{self, SetupError},
    },
    db::{
        self,
        models::audit::{Actor, AuditAction, AuditEntry},
    },
    domain::{DisplayName, Email, NewPassword, PASSWORD_MIN_CHARS},
    error::see_other,
    i18n,
    routes::auth::signed_in,
    web::{client_ip::peer_ip, page::AnonymousPage, render},
};

#[derive(Template)]
#[template(path = "auth/setup.html")]
pub struct SetupPage {
    pub page: PageContext,
    pub token: String,
    pub email: String,
    pub name: String,
    pub errors: Vec<String>,
    pub min_password: usize,
}

#[derive(Deserialize)]
pub struct SetupQuery {
    #[serde(default)]
    token: String,
}

async fn ensure_usable(state: &AppState, token: &str) -> Result<(), AppError> {
    let token = token.to_owned();
    let usable = db::run(&state.pool, move |conn| {
        setup::token_is_usable(conn, &token).map_err(AppError::from)
    })
    .await?;
    // Without a valid token the page does not exist.
    if usable {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// `GET /setup?token=…`
pub async fn setup_form(
    page: AnonymousPage,
    state: web::Data<AppState>,
    query: web::Query<SetupQuery>,
) -> Result<HttpResponse, AppError> {
    ensure_usable(&state, &query.token).await?;
    render(
        StatusCode::OK,
        &SetupPage {
            page: page.0,
            token: query.into_inner().token,
            email: String::new(),
            name: String::new(),
            errors: vec![],
            min_password: PASSWORD_MIN_CHARS,
        },
    )
}

#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

/// `POST /setup`
pub async fn setup(
    req: HttpRequest,
    page: AnonymousPage,
    session: TypedSession,
    state: web::Data<AppState>,
    form: web::Form<SetupForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    ensure_usable(&state, &form.token).await?;
    let lang = i18n::current_lang();
    let email = Email::parse(&form.email);
    let name = DisplayName::parse(&form.name);
    let password = NewPassword::parse(&form.password, &form.password_confirm);
    let (Ok(email), Ok(name), Ok(password)) = (&email, &name, &password) else {
        let errors = [
            email.as_ref().err().map(|e| i18n::explain(lang, e)),
            name.as_ref().err().map(|e| i18n::explain(lang, e)),
            password.as_ref().err().map(|e| i18n::explain(lang, e)),
        ]
        .into_iter()
        .flatten()
        .collect();
        return render(
            StatusCode::BAD_REQUEST,
            &SetupPage {
                page: page.0,
                token: form.token,
                email: form.email,
                name: form.name,
                errors,
                min_password: PASSWORD_MIN_CHARS,
            },
        );
    };
    let hash = password::hash_async(SecretString::from(password.expose().to_owned()))
        .await
        .map_err(AppError::unexpected)?;
    let (token, email, name) = (form.token, email.clone(), name.clone());
    let ip = peer_ip(&req);
    let user = db::run(&state.pool, move |conn| {
        let user =
            setup::create_first_admin(conn, &token, &email, &name, &hash).map_err(|e| match e {
                SetupError::LinkInvalid => AppError::NotFound,
                other => AppError::unexpected(other),
            })?;
        let actor = Actor {
            user_id: Some(user.id),
            email: Some(user.email.clone()),
            ip: Some(ip),
        };
        AuditEntry::record(
            conn,
            &actor,
            AuditAction::SetupCompleted,
            Some(&user.email),
            json!({}),
        )?;
        Ok::<_, AppError>(user)
    })
    .await?;
    tracing::info!(
        user.id = user.id.0,
        "first admin created through the setup link"
    );
    signed_in(&state, &session, &user, peer_ip(&req)).await?;
    session.flash(
        crate::auth::session::FlashLevel::Success,
        i18n::translate(lang, "setup-done"),
    );
    Ok(see_other("/"))
}
