//! Static assets compiled into the binary, so the single executable carries its whole UI.

use actix_web::{HttpResponse, http::header, web};

use crate::error::AppError;

/// The vendored htmx file name, as the layout references it.
pub const HTMX_FILE: &str = "htmx-2.0.11.min.js";

/// The vendored Swagger UI (the API docs page), as `/api/docs` references it.
pub const SWAGGER_UI_SCRIPT: &str = "swagger-ui-5.35.0-bundle.js";
pub const SWAGGER_UI_STYLE: &str = "swagger-ui-5.35.0.css";

/// (name, content type, bytes) of every file under `static/`.
const FILES: &[(&str, &str, &[u8])] = &[
    (
        HTMX_FILE,
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/htmx-2.0.11.min.js"),
    ),
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/app.js"),
    ),
    (
        SWAGGER_UI_SCRIPT,
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/swagger-ui-5.35.0-bundle.js"),
    ),
    (
        SWAGGER_UI_STYLE,
        "text/css; charset=utf-8",
        include_bytes!("../../static/swagger-ui-5.35.0.css"),
    ),
    (
        "api-docs.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/api-docs.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../../static/favicon.svg"),
    ),
];

/// `GET /static/{file}`. Assets are versioned by the release (`?v=`), so they may be cached.
pub async fn static_file(path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let name = path.into_inner();
    let (_, content_type, bytes) = FILES
        .iter()
        .find(|(file, _, _)| *file == name)
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, *content_type))
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(*bytes))
}
