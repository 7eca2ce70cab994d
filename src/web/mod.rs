//! Web plumbing shared by the routes: page context, htmx helpers, middleware, static files,
//! and the askama filters that format values for pages ([`filters`]).

pub mod chart;
pub mod client_ip;
pub mod csrf;
pub mod error_page;
pub mod filters;
pub mod htmx;
pub mod input;
pub mod one_connection;
pub mod page;
pub mod problem;
pub mod request_context;
pub mod security_headers;
pub mod static_files;

use actix_web::{HttpResponse, http::StatusCode};
use askama::Template;

use crate::error::AppError;

/// Version string appended to asset URLs so browsers fetch new assets after an upgrade.
pub const ASSET_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Renders a template with the given status.
pub fn render(status: StatusCode, template: &impl Template) -> Result<HttpResponse, AppError> {
    let body = template.render().map_err(AppError::unexpected)?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// Renders a template with 200 OK.
pub fn ok(template: &impl Template) -> Result<HttpResponse, AppError> {
    render(StatusCode::OK, template)
}

/// Form bodies up to `limit_bytes`; an unreadable one (wrong content type, too large, a
/// repeated field) is a 400 page that says why. A route with its own limit uses this too: its
/// `FormConfig` replaces the app's whole, error handler included.
pub fn form_config(limit_bytes: usize) -> actix_web::web::FormConfig {
    actix_web::web::FormConfig::default()
        .limit(limit_bytes)
        .error_handler(|err, _| {
            AppError::BadRequest(
                crate::i18n::Message::new(crate::i18n::current_lang(), "input-form-error")
                    .arg("error", err)
                    .to_string(),
            )
            .into()
        })
}

/// A streamed file download: `body` as `content_type`, saved as `file`, never cached (the
/// exports hold what only this user may see).
pub fn download<S>(content_type: &'static str, file: &str, body: S) -> HttpResponse
where
    S: futures_util::Stream<Item = Result<actix_web::web::Bytes, std::io::Error>> + 'static,
{
    use actix_web::http::header;
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(body)
}
