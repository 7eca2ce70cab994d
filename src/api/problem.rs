//! `ApiError`: every failure an `/api/v1` handler or extractor returns, mapped once to its
//! status and an RFC 9457 problem document (`application/problem+json`) carrying the request id.

use crate::{
    db::DbError,
    domain::Role,
    web::problem::{PROBLEM_JSON, ProblemExtras, problem_body},
};
use actix_web::{
    HttpResponse, ResponseError,
    http::{StatusCode, header},
};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("Send an API token as `Authorization: Bearer <token>`.")]
    MissingToken,
    #[error("The API token is not valid.")]
    InvalidToken,
    #[error("The API token has expired; create a new one on your profile page.")]
    TokenExpired,
    #[error("The API token has been revoked.")]
    TokenRevoked,
    #[error("The API token's user is disabled.")]
    UserDisabled,
    #[error("This needs a token with the write scope.")]
    WriteScopeRequired,
    #[error("This needs the {} role or higher.", .0.as_str())]
    RoleRequired(Role),
    #[error("There is no such resource, or it is not visible to this token.")]
    NotFound,
    /// No route of the API has this path (see `/api/docs`).
    #[error("There is no such endpoint in this API; see /api/docs for the ones there are.")]
    NoRoute,
    /// `allow` lists the methods the resource accepts.
    #[error("This resource accepts only {allow}.")]
    MethodNotAllowed { allow: &'static str },
    /// Input the API cannot use; `parameter` names the field or query parameter at fault.
    #[error("{detail}")]
    BadRequest {
        detail: String,
        parameter: Option<String>,
    },
    /// The changes feed no longer holds changes after the cursor (retention).
    #[error(
        "The changes after this cursor are no longer kept. List the orders again \
         (GET /api/v1/orders), then follow the feed from after={oldest_after}."
    )]
    CursorGone { oldest_after: i64 },
    /// The request conflicts with the resource's state (a sync already running).
    #[error("{0}")]
    Conflict(String),
    #[error("Too many requests for this token; retry in {retry_after_secs} s.")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("The database is unreachable right now; try again in a moment.")]
    Unavailable(#[source] DbError),
    #[error("Something went wrong on our side.")]
    Unexpected(#[source] anyhow::Error),
}

impl ApiError {
    pub fn unexpected(error: impl Into<anyhow::Error>) -> Self {
        ApiError::Unexpected(error.into())
    }

    pub fn bad_request(parameter: &str, detail: impl Into<String>) -> Self {
        ApiError::BadRequest {
            detail: detail.into(),
            parameter: Some(parameter.to_owned()),
        }
    }

    /// A short name of the problem: the end of its `type` URI and the log's `error.kind`.
    pub fn slug(&self) -> &'static str {
        match self {
            ApiError::MissingToken => "missing_token",
            ApiError::InvalidToken => "invalid_token",
            ApiError::TokenExpired => "token_expired",
            ApiError::TokenRevoked => "token_revoked",
            ApiError::UserDisabled => "user_disabled",
            ApiError::WriteScopeRequired => "write_scope_required",
            ApiError::RoleRequired(_) => "role_required",
            ApiError::NotFound => "not_found",
            ApiError::NoRoute => "no_route",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::BadRequest { .. } => "bad_request",
            ApiError::CursorGone { .. } => "cursor_gone",
            ApiError::Conflict(_) => "conflict",
            ApiError::TooManyRequests { .. } => "rate_limited",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Unexpected(_) => "internal",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            ApiError::MissingToken
            | ApiError::InvalidToken
            | ApiError::TokenExpired
            | ApiError::TokenRevoked
            | ApiError::UserDisabled => "Unauthorized",
            ApiError::WriteScopeRequired | ApiError::RoleRequired(_) => "Forbidden",
            ApiError::NotFound | ApiError::NoRoute => "Not found",
            ApiError::MethodNotAllowed { .. } => "Method not allowed",
            ApiError::BadRequest { .. } => "Bad request",
            ApiError::CursorGone { .. } => "Gone",
            ApiError::Conflict(_) => "Conflict",
            ApiError::TooManyRequests { .. } => "Too many requests",
            ApiError::Unavailable(_) => "Service unavailable",
            ApiError::Unexpected(_) => "Internal server error",
        }
    }

    /// Logs the failure once: refusals are routine, only failures on our side are errors.
    fn log(&self) {
        let kind = self.slug();
        match self {
            ApiError::Unexpected(cause) => {
                tracing::error!(error.kind = kind, error = ?cause, "API request failed")
            }
            ApiError::Unavailable(cause) => {
                tracing::warn!(error.kind = kind, error = %cause, "API request failed: database unavailable")
            }
            _ => tracing::debug!(error.kind = kind, "API request refused"),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::MissingToken
            | ApiError::InvalidToken
            | ApiError::TokenExpired
            | ApiError::TokenRevoked
            | ApiError::UserDisabled => StatusCode::UNAUTHORIZED,
            ApiError::WriteScopeRequired | ApiError::RoleRequired(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound | ApiError::NoRoute => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::CursorGone { .. } => StatusCode::GONE,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.log();
        let status = self.status_code();
        let extras = ProblemExtras {
            parameter: match self {
                ApiError::BadRequest { parameter, .. } => parameter.as_deref(),
                _ => None,
            },
            oldest_after: match self {
                ApiError::CursorGone { oldest_after } => Some(*oldest_after),
                _ => None,
            },
        };
        let mut response = HttpResponse::build(status);
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        match self {
            ApiError::MissingToken => {
                response.insert_header((header::WWW_AUTHENTICATE, r#"Bearer realm="api""#));
            }
            _ if status == StatusCode::UNAUTHORIZED => {
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    r#"Bearer realm="api", error="invalid_token""#,
                ));
            }
            ApiError::TooManyRequests { retry_after_secs } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::MethodNotAllowed { allow } => {
                response.insert_header((header::ALLOW, *allow));
            }
            _ => {}
        }
        response.body(problem_body(
            self.slug(),
            self.title(),
            status,
            &self.to_string(),
            extras,
        ))
    }
}

impl From<DbError> for ApiError {
    fn from(err: DbError) -> Self {
        match err {
            DbError::Pool(_) | DbError::Connection(_) => ApiError::Unavailable(err),
            other => ApiError::Unexpected(other.into()),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(err: diesel::result::Error) -> Self {
        ApiError::from(DbError::from(err))
    }
}
