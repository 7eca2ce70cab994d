//! The simulator's answers as Allegro shapes them: API bodies with Allegro's media type, its two
//! error shapes, and reading the query string.

use actix_web::{
    HttpRequest, HttpResponse,
    http::{StatusCode, header},
};
use serde_json::json;

pub(crate) const MEDIA_TYPE: &str = "application/vnd.allegro.public.v1+json";
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

/// `{"error": .., "error_description": ..}` (`AuthError`).
pub(crate) fn auth_error(status: StatusCode, error: &str, description: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(ERROR_MEDIA_TYPE)
        .body(json!({"error": error, "error_description": description}).to_string())
}

pub(crate) fn ok_api(body: String, truncate: bool) -> HttpResponse {
    let mut bytes = body.into_bytes();
    if truncate {
        bytes.truncate(bytes.len() / 2);
    }
    HttpResponse::Ok().content_type(MEDIA_TYPE).body(bytes)
}

/// Query-string pairs; `None` if the query string is malformed.
pub(crate) fn query_pairs(req: &HttpRequest) -> Option<Vec<(String, String)>> {
    serde_urlencoded::from_str(req.query_string()).ok()
}

pub(crate) fn header_str(req: &HttpRequest, name: header::HeaderName) -> Option<&str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}
