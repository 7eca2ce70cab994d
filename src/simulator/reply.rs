//! The simulator's answers as Allegro shapes them: API bodies with Allegro's media type, its two
//! error shapes, and reading the query string.

use actix_web::{
    HttpRequest, HttpResponse,
    http::{StatusCode, header},
};
use serde_json::json;

pub(crate) const MEDIA_TYPE: &str = "application/vnd.allegro.public.v1+json";
/// The media type of Allegro's beta resources (customer returns).
pub(crate) const BETA_MEDIA_TYPE: &str = "application/vnd.allegro.beta.v1+json";
pub(crate) const ERROR_MEDIA_TYPE: &str = "application/json; charset=utf-8";

/// `{"errors":[...]}` (`ErrorsHolder`).
pub(crate) fn errors(
    status: StatusCode,
    code: &str,
    message: &str,
    path: Option<&str>,
    user_message: Option<&str>,
) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(ERROR_MEDIA_TYPE)
        .body(
            json!({"errors": [{
                "code": code, "message": message, "details": null, "path": path,
                "userMessage": user_message,
            }]})
            .to_string(),
        )
}

/// `{"errors":[...]}` as Allegro writes it for a refused resource: no `path`, an empty
/// `metadata` (the 403 of a missing scope, the 404 of an unknown claim).
pub(crate) fn refusal(
    status: StatusCode,
    code: &str,
    message: &str,
    user_message: &str,
) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(ERROR_MEDIA_TYPE)
        .body(
            json!({"errors": [{
                "code": code, "message": message, "details": null, "path": null,
                "userMessage": user_message, "metadata": {},
            }]})
            .to_string(),
        )
}

/// 400 for a query string that cannot be read at all.
pub(crate) fn bad_query(path: &str) -> HttpResponse {
    errors(
        StatusCode::BAD_REQUEST,
        "VALIDATION_ERROR",
        "Malformed query string",
        Some(path),
        None,
    )
}

/// `{"error": .., "error_description": ..}` (`AuthError`).
pub(crate) fn auth_error(status: StatusCode, error: &str, description: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(ERROR_MEDIA_TYPE)
        .body(json!({"error": error, "error_description": description}).to_string())
}

pub(crate) fn ok_api(body: String, truncate: bool) -> HttpResponse {
    ok_as(body, truncate, MEDIA_TYPE)
}

/// A 200 in `media_type`; with `truncate` (a fault) only the first half of the body.
pub(crate) fn ok_as(body: String, truncate: bool, media_type: &str) -> HttpResponse {
    let mut bytes = body.into_bytes();
    if truncate {
        bytes.truncate(bytes.len() / 2);
    }
    HttpResponse::Ok().content_type(media_type).body(bytes)
}

/// Query-string pairs; `None` if the query string is malformed.
pub(crate) fn query_pairs(req: &HttpRequest) -> Option<Vec<(String, String)>> {
    serde_urlencoded::from_str(req.query_string()).ok()
}

pub(crate) fn header_str(req: &HttpRequest, name: header::HeaderName) -> Option<&str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Query pairs as a request carries them, from literals (the list parsers' tests).
#[cfg(test)]
pub(crate) fn owned_pairs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}
