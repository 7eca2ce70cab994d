//! Sign in and sign out.

use actix_web::http::{StatusCode, header};
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::json;

use super::prelude::*;
use crate::{
    auth::{
        TypedSession,
        guard::safe_next,
        password,
        throttle::{self, Verdict},
    },
    db::{
        self,
        models::{
            audit::{Actor, AuditAction, AuditEntry},
            login_failure::LoginFailure,
            user::UserRow,
        },
    },
    error::see_other,
    i18n,
    web::{
        client_ip::peer_ip,
        page::{AnonymousPage, PageContext},
        render,
    },
};

#[derive(Template)]
#[template(path = "auth/login.html")]
pub struct LoginPage {
    pub page: PageContext,
    pub email: String,
    pub next: String,
    pub error: Option<String>,
    /// The message key of a notice (`?notice=`).
    pub notice: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    notice: Option<String>,
}

/// Messages the login page shows for `?notice=` (fixed texts, never echoed input).
fn notice_text(code: Option<&str>) -> Option<&'static str> {
    match code? {
        "signed_out" => Some("login-signed-out"),
        "signed_out_everywhere" => Some("login-signed-out-everywhere"),
        _ => None,
    }
}

/// `GET /login`
pub async fn login_form(
    page: AnonymousPage,
    session: TypedSession,
    query: web::Query<LoginQuery>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(query.next.as_deref());
    if session.user_id().ok().flatten().is_some() {
        return Ok(see_other(&next));
    }
    render(
        StatusCode::OK,
        &LoginPage {
            page: page.0,
            email: String::new(),
            next,
            error: None,
            notice: notice_text(query.notice.as_deref()),
        },
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// `POST /login`
pub async fn login(
    req: HttpRequest,
    page: AnonymousPage,
    session: TypedSession,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let LoginForm {
        email,
        password,
        next,
    } = form.into_inner();
    let email = email.trim().to_lowercase();
    let next = safe_next(Some(&next));
    let reshow = |status: StatusCode, error: String| {
        render(
            status,
            &LoginPage {
                page: page.0.clone(),
                email: email.clone(),
                next: next.clone(),
                error: Some(error),
                notice: None,
            },
        )
    };
    if email.is_empty()
        || password.is_empty()
        || email.chars().count() > 254
        || email.chars().any(char::is_control)
    {
        return reshow(
            StatusCode::BAD_REQUEST,
            i18n::translate(i18n::current_lang(), "login-enter-both"),
        );
    }
    let ip = peer_ip(&req);
    if let Some(blocked) = reserve_attempt(&state, &email, &ip).await? {
        let response = reshow(StatusCode::TOO_MANY_REQUESTS, blocked.message())?;
        return Ok(blocked.with_retry_after(response));
    }
    let user = {
        let email = email.clone();
        db::run(&state.pool, move |conn| {
            UserRow::find_by_email(conn, &email).map_err(AppError::from)
        })
        .await?
    };
    let matched = password::verify_async(
        SecretString::from(password),
        user.as_ref().map(|u| u.password_hash.clone()),
        &state.dummy_password_hash,
    )
    .await;
    match user {
        Some(user) if matched && !user.disabled => {
            signed_in(&state, &session, &user, ip).await?;
            Ok(see_other(&next))
        }
        user => {
            let actor = Actor {
                user_id: user.map(|u| u.id),
                email: Some(email.clone()),
                ip: Some(ip),
            };
            db::run(&state.pool, move |conn| {
                AuditEntry::record(conn, &actor, AuditAction::LoginFailed, None, json!({}))
                    .map_err(AppError::from)
            })
            .await?;
            // The one message for a wrong email and a wrong password alike.
            reshow(
                StatusCode::UNAUTHORIZED,
                i18n::translate(i18n::current_lang(), "login-failed"),
            )
        }
    }
}

/// A password attempt refused by the throttle.
pub struct Blocked {
    retry_after_secs: u64,
}

impl Blocked {
    pub fn message(&self) -> String {
        let seconds = self.retry_after_secs;
        let lang = i18n::current_lang();
        let wait = if seconds >= 120 {
            i18n::Message::new(lang, "login-wait-minutes").count(seconds.div_ceil(60))
        } else {
            i18n::Message::new(lang, "login-wait-seconds").count(seconds)
        };
        i18n::Message::new(lang, "login-throttled")
            .arg("wait", wait)
            .to_string()
    }

    pub fn with_retry_after(&self, mut response: HttpResponse) -> HttpResponse {
        if let Ok(value) = header::HeaderValue::from_str(&self.retry_after_secs.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

/// Reserves a password attempt for `email` from `ip` (counted as a failure until the caller
/// clears it on success). A refused attempt is audit-logged, counted into one entry per IP and
/// throttle window.
pub async fn reserve_attempt(
    state: &AppState,
    email: &str,
    ip: &str,
) -> Result<Option<Blocked>, AppError> {
    let (limits, email, ip) = (state.config.throttle, email.to_owned(), ip.to_owned());
    db::run(&state.pool, move |conn| {
        let Verdict::Blocked { retry_after } =
            throttle::check_and_record(conn, &limits, &email, &ip)?
        else {
            return Ok(None);
        };
        let retry_after_secs = retry_after.as_secs().max(1);
        let actor = Actor {
            user_id: None,
            email: Some(email),
            ip: Some(ip),
        };
        let window = chrono::Duration::from_std(limits.window).unwrap_or_default();
        AuditEntry::record_counted(
            conn,
            &actor,
            AuditAction::LoginThrottled,
            json!({ "retry_after_secs": retry_after_secs }),
            chrono::Utc::now() - window,
        )?;
        Ok(Some(Blocked { retry_after_secs }))
    })
    .await
}

/// Starts the session (new id), records the login and forgets earlier failures.
pub async fn signed_in(
    state: &AppState,
    session: &TypedSession,
    user: &UserRow,
    ip: String,
) -> Result<(), AppError> {
    session.log_in(user.id).map_err(AppError::unexpected)?;
    let actor = Actor {
        user_id: Some(user.id),
        email: Some(user.email.clone()),
        ip: Some(ip),
    };
    let user_id = user.id;
    db::run(&state.pool, move |conn| {
        UserRow::record_login(conn, user_id)?;
        LoginFailure::clear_email(conn, actor.email.as_deref().unwrap_or_default())?;
        AuditEntry::record(conn, &actor, AuditAction::Login, None, json!({}))
            .map_err(AppError::from)
    })
    .await
}

/// `POST /logout`
pub async fn logout(
    req: HttpRequest,
    session: TypedSession,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    if let Some(user_id) = session.user_id().ok().flatten() {
        let ip = peer_ip(&req);
        db::run(&state.pool, move |conn| {
            let email = UserRow::find(conn, user_id)?.map(|u| u.email);
            let actor = Actor {
                user_id: Some(user_id),
                email,
                ip: Some(ip),
            };
            AuditEntry::record(conn, &actor, AuditAction::Logout, None, json!({}))
                .map_err(AppError::from)
        })
        .await?;
    }
    session.log_out();
    Ok(see_other("/login?notice=signed_out"))
}
