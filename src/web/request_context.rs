//! Per-request context: the request id (from tracing-actix-web) made available to error pages,
//! echoed in `X-Request-Id`, and one log line per finished request.

use std::time::Instant;

use actix_web::{
    Error, HttpMessage, HttpRequest,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{AcceptLanguage, Header, HeaderName, HeaderValue},
    middleware::Next,
};
use tracing::Span;

use crate::{domain::Lang, i18n};
use tracing_actix_web::{RequestId, RootSpanBuilder};

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being handled, if called while handling one.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// The language a visitor's browser asks for (`Accept-Language`, best first, `q=0` left out):
/// Polish when it prefers Polish to English, otherwise English.
pub fn browser_lang(req: &HttpRequest) -> Lang {
    let ranked = AcceptLanguage::parse(req)
        .map(|header| header.ranked())
        .unwrap_or_default();
    Lang::preferred(
        ranked
            .iter()
            .filter_map(|preference| preference.item())
            .map(|tag| tag.primary_language()),
    )
}

/// Middleware: scopes the request id and the visitor's language (see `i18n::current_lang`), sets `X-Request-Id`, logs the outcome.
pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, Error> {
    let started = Instant::now();
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .map(ToString::to_string)
        .unwrap_or_default();
    let quiet = req.path() == "/health" || req.path().starts_with("/static/");
    let lang = browser_lang(req.request());
    let mut response = REQUEST_ID
        .scope(request_id.clone(), i18n::scope(lang, next.call(req)))
        .await?;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static("x-request-id"), value);
    }
    let status = response.status().as_u16();
    let duration_ms = started.elapsed().as_millis() as u64;
    if quiet {
        tracing::debug!(status, duration_ms, "request finished");
    } else {
        tracing::info!(status, duration_ms, "request finished");
    }
    Ok(response)
}

/// Root span of every request. Unlike the default it records the path without the query
/// string, which may carry one-time tokens.
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        let client_ip = crate::web::client_ip::peer_ip(request.request());
        tracing::info_span!(
            "http_request",
            method = %request.method(),
            path = %request.path(),
            request_id = %request_id,
            client_ip = %client_ip,
            user_id = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(_span: Span, _outcome: &Result<ServiceResponse<B>, Error>) {}
}
