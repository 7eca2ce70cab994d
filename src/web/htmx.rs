//! htmx support: detecting htmx requests, and a middleware that turns redirects and error
//! pages into what htmx understands (`HX-Redirect`, a toast swapped into `#toasts`).

use actix_web::middleware::Next;
use actix_web::{
    Error, HttpRequest, HttpResponse,
    body::{BoxBody, EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{StatusCode, header},
};
use askama::Template;

use crate::{
    domain::{Lang, settings::DEFAULT_ZONE},
    error::ErrorMessage,
    i18n::{self, Locale},
    web::request_context,
};

/// True when the request was sent by htmx (and did not ask for a full page via boosting).
pub fn is_htmx(req: &HttpRequest) -> bool {
    req.headers().contains_key("hx-request") && !req.headers().contains_key("hx-boosted")
}

#[derive(Template)]
#[template(path = "errors/toast_partial.html")]
pub struct ToastPartial {
    pub loc: Locale,
    pub message: String,
    pub request_id: String,
}

/// Middleware: for htmx requests a redirect becomes `HX-Redirect` and an error page becomes a
/// toast.
pub async fn htmx_responses(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static, BoxBody>>, Error> {
    let htmx = is_htmx(req.request());
    let response = next.call(req).await?;
    Ok(if htmx {
        for_htmx(response)
    } else {
        response.map_into_left_body()
    })
}

/// A redirect becomes `HX-Redirect`; an error page becomes a toast.
fn for_htmx<B: MessageBody + 'static>(
    response: ServiceResponse<B>,
) -> ServiceResponse<EitherBody<B, BoxBody>> {
    let status = response.status();
    // Rewritten responses keep the cookies set on the way out (a renewed or ended session).
    let cookies: Vec<_> = response
        .headers()
        .get_all(header::SET_COOKIE)
        .cloned()
        .collect();
    if status.is_redirection() {
        if let Some(location) = response.headers().get(header::LOCATION).cloned() {
            let (req, _) = response.into_parts();
            let mut res = HttpResponse::Ok();
            res.insert_header(("HX-Redirect", location));
            return ServiceResponse::new(req, with_cookies(res, cookies).finish())
                .map_into_right_body();
        }
    }
    if status.is_client_error() || status.is_server_error() {
        let message = response
            .response()
            .extensions()
            .get::<ErrorMessage>()
            .map(|m| m.0.clone())
            .unwrap_or_else(|| generic_message(status, i18n::current_lang()));
        let (req, _) = response.into_parts();
        let toast = ToastPartial {
            loc: Locale::new(i18n::current_lang(), DEFAULT_ZONE),
            message,
            request_id: request_context::current_request_id().unwrap_or_default(),
        };
        let mut res = HttpResponse::build(status);
        res.insert_header(header::ContentType::html())
            .insert_header(("HX-Retarget", "#toasts"))
            .insert_header(("HX-Reswap", "beforeend"));
        let res = with_cookies(res, cookies).body(toast.render().unwrap_or_default());
        return ServiceResponse::new(req, res).map_into_right_body();
    }
    response.map_into_left_body()
}

fn with_cookies(
    mut builder: actix_web::HttpResponseBuilder,
    cookies: Vec<header::HeaderValue>,
) -> actix_web::HttpResponseBuilder {
    for cookie in cookies {
        builder.append_header((header::SET_COOKIE, cookie));
    }
    builder
}

fn generic_message(status: StatusCode, lang: Lang) -> String {
    i18n::Message::new(lang, "error-generic")
        .arg("status", status.as_u16())
        .to_string()
}
