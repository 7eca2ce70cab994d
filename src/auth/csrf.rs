//! CSRF protection for every state-changing request: the per-session token must come back in
//! the `X-CSRF-Token` header (htmx, via `static/app.js`) or a `csrf_token` form field.

use actix_session::SessionExt;
use actix_web::{
    Error, HttpMessage,
    body::{EitherBody, MessageBody},
    dev::{Payload, ServiceRequest, ServiceResponse},
    http::{Method, header},
    middleware::Next,
    web::Bytes,
};
use subtle::ConstantTimeEq;

use crate::{auth::TypedSession, error::AppError};

/// Header htmx requests carry the token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Form field forms carry the token in.
pub const CSRF_FIELD: &str = "csrf_token";
/// Largest form body inspected for the token.
const MAX_FORM_BYTES: usize = 256 * 1024;

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
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    let expected = TypedSession::from_session(req.get_session()).existing_csrf_token();
    let provided = match header_token(&req) {
        Some(token) => Some(token),
        None => match form_token(&mut req).await {
            Ok(token) => token,
            Err(err) => return Ok(req.error_response(err).map_into_right_body()),
        },
    };
    let valid = matches!((&expected, &provided), (Some(e), Some(p))
        if e.as_bytes().ct_eq(p.as_bytes()).into());
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
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

fn header_token(req: &ServiceRequest) -> Option<String> {
    req.headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Reads the `csrf_token` field of a url-encoded form and puts the body back for the handler.
async fn form_token(req: &mut ServiceRequest) -> Result<Option<String>, AppError> {
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok(None);
    }
    let body = read_body(req).await?;
    let token = url::form_urlencoded::parse(&body)
        .find(|(key, _)| key == CSRF_FIELD)
        .map(|(_, value)| value.into_owned());
    req.set_payload(Payload::from(body));
    Ok(token)
}

async fn read_body(req: &mut ServiceRequest) -> Result<Bytes, AppError> {
    use futures_util::StreamExt;
    let mut payload = req.take_payload();
    let mut body = actix_web::web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|_| AppError::BadRequest("The form could not be read.".to_owned()))?;
        if body.len() + chunk.len() > MAX_FORM_BYTES {
            return Err(AppError::BadRequest("The form is too large.".to_owned()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}
