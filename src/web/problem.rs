//! RFC 9457 problem documents (`application/problem+json`), the error format of the JSON API
//! under `/api/v1/`: the one writer of their body ([`problem_body`]), and the middleware that
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

/// Paths whose errors are problem documents: the JSON API (the API's docs page at `/api/docs`
/// is a page of the dashboard, with its error pages).
pub const API_PATHS: &str = "/api/v1/";

/// An RFC 9457 problem document as the API writes it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (`tag:allegro-backup,2026:problem:not_found`).
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What went wrong, for a person.
    pub detail: String,
    /// The request's id (also in the `X-Request-Id` header), for the logs.
    pub request_id: String,
    /// The query parameter or body field at fault, on a 400.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// On a 410 from the changes feed: where to continue after listing the orders again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oldest_after: Option<String>,
}

/// What a problem says beyond its kind, status and detail.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProblemExtras<'a> {
    pub parameter: Option<&'a str>,
    pub oldest_after: Option<i64>,
}

/// The JSON of a problem: its `type` is a tag URI ending in `slug`, `request_id` the current
/// request's.
pub fn problem_body(
    slug: &str,
    title: &str,
    status: StatusCode,
    detail: &str,
    extras: ProblemExtras<'_>,
) -> String {
    let problem = Problem {
        kind: format!("tag:allegro-backup,2026:problem:{slug}"),
        title: title.to_owned(),
        status: status.as_u16(),
        detail: detail.to_owned(),
        request_id: current_request_id().unwrap_or_default(),
        parameter: extras.parameter.map(str::to_owned),
        oldest_after: extras.oldest_after.map(|seq| seq.to_string()),
    };
    serde_json::to_string(&problem).unwrap_or_default()
}

/// Middleware: an error answered to an `/api/` request in another format becomes a problem
/// document with the same status and headers (and the message the error carried, if any).
pub async fn api_errors_as_problems(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static, BoxBody>>, Error> {
    let api = req.path().starts_with(API_PATHS) || req.path() == API_PATHS.trim_end_matches('/');
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
        .body(problem_body(
            &slug,
            title,
            status,
            &detail,
            ProblemExtras::default(),
        ));
    Ok(ServiceResponse::new(req, problem).map_into_right_body())
}
