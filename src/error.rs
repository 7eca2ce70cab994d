//! `AppError`: every failure a handler can return, mapped to a status and a friendly page once.
//! The page (or htmx toast) itself is rendered by `web::error_page`.

use actix_web::{
    HttpResponse,
    http::{StatusCode, header},
};

use crate::{db::DbError, domain::Lang, i18n};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("This page does not exist.")]
    NotFound,
    #[error("Your role does not allow this. Ask an admin if you need access.")]
    Forbidden,
    /// Refused for a reason other than the role; the message names it (e.g. personal data
    /// hidden for this user).
    #[error("{0}")]
    Refused(String),
    #[error("Please sign in to continue.")]
    LoginRequired { next: String },
    /// No session and no valid bearer token, where a redirect to the login page makes no
    /// sense (a scraper).
    #[error("Sign in as an admin, or send the metrics bearer token.")]
    Unauthorized,
    #[error("Choose a new password before you continue.")]
    PasswordChangeRequired,
    #[error("This form has expired or did not come from this site. Reload the page and try again.")]
    CsrfRejected,
    #[error("{0}")]
    BadRequest(String),
    #[error("{message}")]
    TooManyRequests {
        message: String,
        retry_after_secs: u64,
    },
    /// Allegro (or the configured fake) failed; the message says how.
    #[error("{0}")]
    Upstream(String),
    #[error("The database is unreachable right now. Try again in a moment.")]
    Unavailable(#[source] DbError),
    #[error("Something went wrong on our side.")]
    Unexpected(#[source] anyhow::Error),
}

impl AppError {
    pub fn unexpected(error: impl Into<anyhow::Error>) -> Self {
        AppError::Unexpected(error.into())
    }

    /// The HTTP status this failure is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Refused(_) | AppError::CsrfRejected => {
                StatusCode::FORBIDDEN
            }
            AppError::LoginRequired { .. } | AppError::PasswordChangeRequired => {
                StatusCode::SEE_OTHER
            }
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Upstream(_) => StatusCode::BAD_GATEWAY,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The error page's title in `lang`.
    pub(crate) fn title(&self, lang: Lang) -> String {
        i18n::translate(
            lang,
            match self {
                AppError::NotFound => "error-title-not-found",
                AppError::Forbidden | AppError::Refused(_) => "error-title-forbidden",
                AppError::LoginRequired { .. } => "error-title-login-required",
                AppError::Unauthorized => "error-title-unauthorized",
                AppError::PasswordChangeRequired => "error-title-password-change",
                AppError::CsrfRejected => "error-title-csrf",
                AppError::BadRequest(_) => "error-title-bad-request",
                AppError::TooManyRequests { .. } => "error-title-too-many",
                AppError::Upstream(_) => "error-title-upstream",
                AppError::Unavailable(_) => "error-title-unavailable",
                AppError::Unexpected(_) => "error-title-unexpected",
            },
        )
    }

    /// What a person is told, in `lang`. Messages that carry their own text (a bad input's,
    /// a refusal's) were written in the request's language when they were made.
    pub fn message(&self, lang: Lang) -> String {
        let key = match self {
            AppError::NotFound => "error-msg-not-found",
            AppError::Forbidden => "error-msg-forbidden",
            AppError::LoginRequired { .. } => "error-msg-login-required",
            AppError::Unauthorized => "error-msg-unauthorized",
            AppError::PasswordChangeRequired => "error-msg-password-change",
            AppError::CsrfRejected => "error-msg-csrf",
            AppError::Unavailable(_) => "error-msg-unavailable",
            AppError::Unexpected(_) => "error-msg-unexpected",
            AppError::Refused(text) | AppError::BadRequest(text) | AppError::Upstream(text) => {
                return text.clone();
            }
            AppError::TooManyRequests { message, .. } => return message.clone(),
        };
        i18n::translate(lang, key)
    }

    /// The variant's name, for logs (never the message: it may hold what was typed).
    fn kind(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::Forbidden => "forbidden",
            AppError::Refused(_) => "refused",
            AppError::LoginRequired { .. } => "login_required",
            AppError::Unauthorized => "unauthorized",
            AppError::PasswordChangeRequired => "password_change_required",
            AppError::CsrfRejected => "csrf_rejected",
            AppError::BadRequest(_) => "bad_request",
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::Upstream(_) => "upstream",
            AppError::Unavailable(_) => "unavailable",
            AppError::Unexpected(_) => "unexpected",
        }
    }

    /// Logs the failure once, at a level that fits: refusals the app expects (sign-in needed, no
    /// such page, bad input) are routine; only what went wrong on our side is an error. Fields
    /// name the kind; the request span carries the path (never the query string).
    pub(crate) fn log(&self) {
        let kind = self.kind();
        match self {
            AppError::Unexpected(cause) => {
                tracing::error!(error.kind = kind, error = ?cause, "request failed")
            }
            AppError::Unavailable(cause) => {
                tracing::warn!(error.kind = kind, error = %cause, "request failed: database unavailable")
            }
            AppError::Upstream(_) => {
                tracing::warn!(error.kind = kind, error = %self, "request failed: Allegro")
            }
            _ => tracing::debug!(error.kind = kind, "request refused"),
        }
    }
}

impl From<DbError> for AppError {
    fn from(err: DbError) -> Self {
        match err {
            DbError::Pool(_) | DbError::Connection(_) => AppError::Unavailable(err),
            other => AppError::Unexpected(other.into()),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(err: diesel::result::Error) -> Self {
        AppError::from(DbError::from(err))
    }
}

/// Marker put on error responses so the htmx layer can show the message as a toast.
#[derive(Debug, Clone)]
pub struct ErrorMessage(pub String);

/// A 303 redirect (after a POST, or to the login page).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}
