//! CSRF protection for every state-changing request: the per-session token must come back in
//! the `X-CSRF-Token` header (htmx, via `static/app.js`) or a `csrf_token` form field.
//!
//! A visitor who is not signed in (the sign-in and setup forms) has no session, and gets none:
//! a session row per drive-by visit would let anyone fill the database. Their token is a signed
//! double-submit cookie instead: a random nonce in the [`VISITOR_COOKIE`] and, in the form, an
//! HMAC of it under a key derived from `SECRET_KEY`. Only this site can issue a pair that
//! matches, and a forging site can read neither.

use actix_session::SessionExt;
use actix_web::{
    Error, HttpMessage, HttpRequest,
    body::{EitherBody, MessageBody},
    cookie::{Cookie, SameSite},
    dev::{Payload, ServiceRequest, ServiceResponse},
    http::Method,
    middleware::Next,
    web,
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::{
    auth::{TypedSession, random_token},
    config::SecretKey,
    error::AppError,
    state::AppState,
    web::input::{is_form, read_form_body},
};

/// Cookie holding a signed-out visitor's CSRF nonce.
pub const VISITOR_COOKIE: &str = "allegro_backup_csrf";

/// Header htmx requests carry the token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Form field forms carry the token in.
pub const CSRF_FIELD: &str = "csrf_token";

fn is_safe(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// Middleware: rejects unsafe requests without the session's token with 403.
pub async fn verify_csrf(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static>>, Error> {
    if is_safe(req.method()) {
        let mut response = next.call(req).await?;
        set_issued_nonce(&mut response);
        return Ok(response.map_into_left_body());
    }
    let session = TypedSession::from_session(req.get_session());
    let provided = match header_token(&req) {
        Some(token) => Some(token),
        None => match submitted_form_token(&mut req).await {
            Ok(token) => token,
            Err(err) => return Ok(req.error_response(err).map_into_right_body()),
        },
    };
    let valid = provided.as_deref().is_some_and(|provided| {
        let same = |expected: &str| bool::from(expected.as_bytes().ct_eq(provided.as_bytes()));
        let signed_in = session.user_id().ok().flatten().is_some();
        session.existing_csrf_token().is_some_and(|t| same(&t))
            // A signed-in user's requests need the session's own token.
            || (!signed_in && visitor_token_of(req.request()).is_some_and(|t| same(&t)))
    });
    if !valid {
        tracing::warn!(
            path = %req.path(),
            had_token = provided.is_some(),
            "request rejected: missing or wrong CSRF token"
        );
        return Ok(req
            .error_response(AppError::CsrfRejected)
            .map_into_right_body());
    }
    let mut response = next.call(req).await?;
    set_issued_nonce(&mut response);
    Ok(response.map_into_left_body())
}

fn header_token(req: &ServiceRequest) -> Option<String> {
    req.headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Reads the `csrf_token` field of a url-encoded form and puts the body back for the handler.
async fn submitted_form_token(req: &mut ServiceRequest) -> Result<Option<String>, AppError> {
    if !is_form(req) {
        return Ok(None);
    }
    let body = read_form_body(req).await?;
    let token = url::form_urlencoded::parse(&body)
        .find(|(key, _)| key == CSRF_FIELD)
        .map(|(_, value)| value.into_owned());
    req.set_payload(Payload::from(body));
    Ok(token)
}

/// A nonce issued while handling the request, set as the [`VISITOR_COOKIE`] on the way out.
#[derive(Clone)]
struct IssuedNonce(String);

/// The CSRF token for the forms of the page `req` renders: the session's when it has one (a
/// signed-in user), otherwise the visitor's signed token, issuing their nonce cookie if they
/// have none. Nothing is written to the session.
pub fn page_token(req: &HttpRequest, session: &TypedSession) -> Result<String, AppError> {
    if let Some(token) = session.existing_csrf_token() {
        return Ok(token);
    }
    if let Some(token) = visitor_token_of(req) {
        return Ok(token);
    }
    let state = app_state(req)?;
    let nonce = random_token(32);
    let token = visitor_token(&state.config.secret_key, &nonce)
        .ok_or_else(|| AppError::unexpected(anyhow::anyhow!("HMAC key rejected")))?;
    req.extensions_mut().insert(IssuedNonce(nonce));
    Ok(token)
}

fn app_state(req: &HttpRequest) -> Result<&web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::unexpected(anyhow::anyhow!("AppState missing")))
}

/// The token matching the visitor's nonce (from their cookie, or issued for this response).
fn visitor_token_of(req: &HttpRequest) -> Option<String> {
    let nonce = req
        .cookie(VISITOR_COOKIE)
        .map(|c| c.value().to_owned())
        .or_else(|| req.extensions().get::<IssuedNonce>().map(|n| n.0.clone()))
        .filter(|n| !n.is_empty())?;
    let state = app_state(req).ok()?;
    visitor_token(&state.config.secret_key, &nonce)
}

/// HMAC-SHA256 of `nonce` under a key derived from `secret` for this purpose alone.
fn visitor_token(secret: &SecretKey, nonce: &str) -> Option<String> {
    let hkdf = Hkdf::<Sha256>::new(Some(b"allegro-backup"), secret.expose());
    let mut key = [0u8; 32];
    // 32 bytes is far below HKDF-SHA256's output limit, so expansion cannot fail.
    let _ = hkdf.expand(b"visitor-csrf v1", &mut key);
    // HMAC takes a key of any length: this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).ok()?;
    mac.update(nonce.as_bytes());
    Some(URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
}

/// Sets the cookie of a nonce issued while rendering the response.
fn set_issued_nonce<B>(response: &mut ServiceResponse<B>) {
    let Some(IssuedNonce(nonce)) = response
        .request()
        .extensions()
        .get::<IssuedNonce>()
        .cloned()
    else {
        return;
    };
    let secure = app_state(response.request()).is_ok_and(|s| s.config.cookie_secure);
    let cookie = Cookie::build(VISITOR_COOKIE, nonce)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .finish();
    if let Err(err) = response.response_mut().add_cookie(&cookie) {
        tracing::warn!(error = %err, "could not set the visitor CSRF cookie");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visitor_tokens_depend_on_the_nonce_and_the_key() {
        let key = SecretKey::generate();
        let token = visitor_token(&key, "nonce-a");
        assert_eq!(token, visitor_token(&key, "nonce-a"));
        assert_ne!(token, visitor_token(&key, "nonce-b"));
        assert_ne!(token, visitor_token(&SecretKey::generate(), "nonce-a"));
    }
}
