//! Where input enters: every request's path, query string and url-encoded form body is checked
//! for control characters once, before any extractor or handler reads it. NUL would reach
//! PostgreSQL (which refuses it: a 500), and no field but a multi-line text needs any other
//! control character. The refusal is a 400 that names the field, never echoes the value.

use actix_web::{
    Error, HttpMessage,
    body::{EitherBody, MessageBody},
    dev::{Payload, ServiceRequest, ServiceResponse},
    http::header,
    middleware::Next,
    web::{Bytes, BytesMut},
};
use percent_encoding::percent_decode_str;

use crate::{
    domain::text::{Lines, has_control_chars},
    error::AppError,
    i18n,
};

/// Largest url-encoded form body read (the app's form limit; a larger one is refused anyway).
pub const MAX_FORM_BYTES: usize = 256 * 1024;

/// Form fields holding multi-line text (a textarea): they may hold tabs and line breaks.
const MULTI_LINE_FIELDS: [&str; 1] = ["body"];

/// Middleware: refuses a request whose path, query or form holds a control character.
pub async fn reject_control_characters(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static>>, Error> {
    if let Err(err) = check(&mut req).await {
        return Ok(req.error_response(err).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

async fn check(req: &mut ServiceRequest) -> Result<(), AppError> {
    let path = percent_decode_str(req.path()).decode_utf8_lossy();
    if has_control_chars(&path, Lines::Single) {
        return Err(AppError::BadRequest(i18n::translate(
            i18n::current_lang(),
            "input-control-in-address",
        )));
    }
    check_pairs(req.query_string().as_bytes(), &[])?;
    if is_form(req) {
        let body = read_form_body(req).await?;
        let checked = check_pairs(&body, &MULTI_LINE_FIELDS);
        req.set_payload(Payload::from(body));
        checked?;
    }
    Ok(())
}

/// Checks every decoded `name=value` pair of url-encoded `input`; values of `multi_line`
/// fields may hold tabs and line breaks.
pub fn check_pairs(input: &[u8], multi_line: &[&str]) -> Result<(), AppError> {
    for (name, value) in url::form_urlencoded::parse(input) {
        if has_control_chars(&name, Lines::Single) {
            return Err(AppError::BadRequest(i18n::translate(
                i18n::current_lang(),
                "input-control-in-name",
            )));
        }
        let lines = if multi_line.contains(&name.as_ref()) {
            Lines::Multi
        } else {
            Lines::Single
        };
        if has_control_chars(&value, lines) {
            let name: String = name.chars().take(40).collect();
            return Err(AppError::BadRequest(format!(
                "{name}: control characters are not allowed here."
            )));
        }
    }
    Ok(())
}

/// True for a url-encoded form body.
pub fn is_form(req: &ServiceRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"))
}

/// Reads the whole body (up to [`MAX_FORM_BYTES`]); the caller puts it back for the handler.
pub async fn read_form_body(req: &mut ServiceRequest) -> Result<Bytes, AppError> {
    use futures_util::StreamExt;
    let mut payload = req.take_payload();
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| {
            AppError::BadRequest(i18n::translate(
                i18n::current_lang(),
                "input-form-unreadable",
            ))
        })?;
        if body.len() + chunk.len() > MAX_FORM_BYTES {
            return Err(AppError::BadRequest(i18n::translate(
                i18n::current_lang(),
                "input-form-too-large",
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

#[cfg(test)]
mod tests {
    use super::check_pairs;

    #[test]
    fn control_characters_are_refused_with_the_field_named_and_the_value_not() {
        let err = check_pairs(b"q=ok&account=X7q%00Z", &[]).unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with("account:"), "{message}");
        assert!(!message.contains("X7q"), "{message}");
        assert!(check_pairs(b"%01=x", &[]).is_err());
        assert!(check_pairs(b"tag=a%09b", &["body"]).is_err());
        assert!(check_pairs(b"body=a%0D%0A%09b", &["body"]).is_ok());
        assert!(check_pairs(b"body=a%00b", &["body"]).is_err());
        assert!(check_pairs(b"q=Za%C5%BC%C3%B3%C5%82%C4%87+%F0%9F%A6%80", &[]).is_ok());
    }
}
