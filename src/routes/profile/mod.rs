//! The signed-in user's profile: change password, language, sign out everywhere, personal API
//! tokens (`/account/…` paths).

pub mod tokens;

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use secrecy::SecretString;
use serde::Deserialize;

use crate::routes::prelude::*;
use crate::{
    auth::{AnyUser, RequireRole, password, session::FlashLevel},
    db::{
        self,
        models::{
            api_token::ApiTokenRow, login_failure::LoginFailure, session::SessionRow, user::UserRow,
        },
    },
    domain::{Lang, NewPassword, PASSWORD_MIN_CHARS},
    error::see_other,
    i18n,
    routes::auth::reserve_attempt,
    web::{client_ip::peer_ip, render},
};

use super::actor;
use tokens::OwnTokens;

#[derive(Template)]
#[template(path = "profile/password.html")]
pub struct PasswordPage {
    pub page: PageContext,
    pub errors: Vec<String>,
    pub must_change: bool,
    pub active_sessions: i64,
    pub min_password: usize,
    /// The language picked on this page (`None`: the browser's).
    pub chosen_lang: Option<Lang>,
    pub langs: [Lang; 2],
    /// The user's API tokens, the form to create one, and a token just created.
    pub tokens: OwnTokens,
}

impl PasswordPage {
    /// Whether `lang` is the language the user picked.
    pub fn is_chosen(&self, lang: &Lang) -> bool {
        self.chosen_lang == Some(*lang)
    }
}

async fn password_page(
    state: &AppState,
    auth: RequireRole<AnyUser>,
    page: Page,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    profile_page(state, auth, page, errors, status, OwnTokens::default()).await
}

/// The profile page with the API tokens section as `tokens` has it (its list is loaded here).
async fn profile_page(
    state: &AppState,
    auth: RequireRole<AnyUser>,
    page: Page,
    errors: Vec<String>,
    status: StatusCode,
    mut tokens: OwnTokens,
) -> Result<HttpResponse, AppError> {
    let user_id = auth.user.id;
    let (row, sessions, token_rows) = db::run(&state.pool, move |conn| {
        Ok::<_, AppError>((
            UserRow::find(conn, user_id)?,
            SessionRow::count_for_user(conn, user_id)?,
            ApiTokenRow::list_for_user(conn, user_id)?,
        ))
    })
    .await?;
    tokens.load(token_rows);
    render(
        status,
        &PasswordPage {
            page: page.at(Nav::Profile),
            errors,
            must_change: row.is_some_and(|r| r.must_change_password),
            active_sessions: sessions,
            min_password: PASSWORD_MIN_CHARS,
            chosen_lang: auth.user.lang,
            langs: Lang::ALL,
            tokens,
        },
    )
}

/// `GET /account/password`
pub async fn password_form(
    auth: RequireRole<AnyUser>,
    page: Page,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    password_page(&state, auth, page, vec![], StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_confirm: String,
}

/// `POST /account/password`: on success every other session of the user ends and this one
/// continues under a new id.
pub async fn password_change(
    req: HttpRequest,
    auth: RequireRole<AnyUser>,
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let user_id = auth.user.id;
    let lang = i18n::current_lang();
    // Guessing the current password from a stolen session is throttled like signing in.
    let ip = peer_ip(&req);
    if let Some(blocked) = reserve_attempt(&state, &auth.user.email, &ip).await? {
        let response = password_page(
            &state,
            auth,
            page,
            vec![blocked.message()],
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await?;
        return Ok(blocked.with_retry_after(response));
    }
    let current_hash = db::run(&state.pool, move |conn| {
        UserRow::find(conn, user_id)?
            .map(|u| u.password_hash)
            .ok_or(AppError::NotFound)
    })
    .await?;
    let current_ok = password::verify_async(
        SecretString::from(form.current_password.clone()),
        Some(current_hash),
        &state.dummy_password_hash,
    )
    .await;
    let mut errors = vec![];
    if current_ok {
        let email = auth.user.email.clone();
        db::run(&state.pool, move |conn| {
            LoginFailure::clear_email(conn, &email).map_err(AppError::from)
        })
        .await?;
    } else {
        errors.push(i18n::translate(lang, "profile-password-wrong"));
    }
    let new_password = NewPassword::parse(&form.new_password, &form.new_password_confirm);
    match &new_password {
        Err(e) => errors.push(i18n::explain(lang, e)),
        Ok(p) if p.expose() == form.current_password => {
            errors.push(i18n::translate(lang, "profile-password-same"));
        }
        Ok(_) => {}
    }
    let Ok(new_password) = new_password else {
        return password_page(&state, auth, page, errors, StatusCode::BAD_REQUEST).await;
    };
    if !errors.is_empty() {
        return password_page(&state, auth, page, errors, StatusCode::BAD_REQUEST).await;
    }
    let hash = password::hash_async(SecretString::from(new_password.expose().to_owned()))
        .await
        .map_err(AppError::unexpected)?;
    let actor = actor(&auth.user, &req);
    db::run(&state.pool, move |conn| {
        UserRow::change_own_password(conn, user_id, &hash, &actor).map_err(AppError::from)
    })
    .await?;
    // The store no longer has this session; renewing saves its state under a fresh id.
    auth.session.renew();
    auth.session.flash(
        FlashLevel::Success,
        i18n::translate(lang, "profile-password-changed"),
    );
    Ok(see_other("/"))
}

/// `POST /account/logout-everywhere`: ends every session of the user, this one included.
pub async fn logout_everywhere(
    req: HttpRequest,
    auth: RequireRole<AnyUser>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let actor = actor(&auth.user, &req);
    let user_id = auth.user.id;
    db::run(&state.pool, move |conn| {
        UserRow::sign_out_everywhere(conn, user_id, &actor).map_err(AppError::from)
    })
    .await?;
    auth.session.log_out();
    Ok(see_other("/login?notice=signed_out_everywhere"))
}

#[derive(Deserialize)]
pub struct LanguageForm {
    /// `pl`, `en`, or empty for the browser's language.
    #[serde(default)]
    lang: String,
}

/// `POST /account/language`: the language of every page for this user, on every device and
/// replica (stored on the user); empty goes back to the browser's choice.
pub async fn language_change(
    auth: RequireRole<AnyUser>,
    state: web::Data<AppState>,
    form: web::Form<LanguageForm>,
) -> Result<HttpResponse, AppError> {
    let lang = match form.lang.trim() {
        "" => None,
        code => Some(code.parse::<Lang>().map_err(|e| {
            AppError::BadRequest(
                i18n::Message::new(i18n::current_lang(), "profile-language-unknown")
                    .arg("value", e.0)
                    .to_string(),
            )
        })?),
    };
    let user_id = auth.user.id;
    db::run(&state.pool, move |conn| {
        UserRow::set_lang(conn, user_id, lang).map_err(AppError::from)
    })
    .await?;
    let shown = lang.unwrap_or_else(i18n::current_lang);
    if let Some(lang) = lang {
        i18n::use_lang(lang);
    }
    auth.session.flash(
        FlashLevel::Success,
        i18n::translate(shown, "profile-language-saved"),
    );
    Ok(see_other("/account/password"))
}
