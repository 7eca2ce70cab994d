//! RFC 9457 problem documents (`application/problem+json`), the error format of the JSON API
//! under `/api/`: the one writer of their body ([`problem_body`]), and the middleware that
//! gives the same shape to the errors outer layers answer API requests with (bad characters in
//! the address, an unknown method) before the API's own handlers run.

use actix_web::{
    Error, HttpResponse,
    body::{BoxBody, EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{StatusCode, header},
    middleware::Next,
};
use serde::Serialize;

use crate::{error::ErrorMessage, web::request_context::current_request_id};

/// The media type of every error the API answers with.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Paths whose errors are problem documents.
pub const API_PATHS: &str = "/api/";

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    detail: &'a str,
    request_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    parameter: Option<&'a str>,
}

/// The JSON of a problem: its `type` is a tag URI ending in `slug`, `request_id` the current
/// request's; `parameter` names the input at fault, if any.
pub fn problem_body(
    slug: &str,
    title: &str,
    status: StatusCode,
    detail: &str,
    parameter: Option<&str>,
) -> String {
    let problem = Problem {
        kind: format!("tag:allegro-backup,2026:problem:{slug}"),
        title,
        status: status.as_u16(),
        detail,
        request_id: current_request_id().unwrap_or_default(),
        parameter,
    };
    serde_json::to_string(&problem).unwrap_or_default()
}

/// Middleware: an error answered to an `/api/` request in another format becomes a problem
/// document with the same status and headers (and the message the error carried, if any).
pub async fn api_errors_as_problems(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static, BoxBody>>, Error> {
    let api = req.path().starts_with(API_PATHS);
    let response = next.call(req).await?;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == PROBLEM_JSON.as_bytes());
    if !api || is_problem || !(status.is_client_error() || status.is_server_error()) {
        return Ok(response.map_into_left_body());
    }
    let title = status.canonical_reason().unwrap_or("Error");
    let detail = response
        .response()
        .extensions()
        .get::<ErrorMessage>()
        .map_or_else(|| title.to_owned(), |m| m.0.clone());
    let slug = title.to_ascii_lowercase().replace([' ', '-'], "_");
    let (req, old) = response.into_parts();
    let mut problem = HttpResponse::build(status);
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            problem.append_header((name.clone(), value.clone()));
        }
    }
    let problem = problem
        .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
        .body(problem_body(&slug, title, status, &detail, None));
    Ok(ServiceResponse::new(req, problem).map_into_right_body())
}
