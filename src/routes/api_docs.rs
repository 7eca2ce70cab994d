//! `GET /api/docs`: the API's reference for signed-in users, drawn by the vendored Swagger UI
//! (`static/swagger-ui-*`, no CDN) from `/api/v1/openapi.json`.

use actix_web::HttpResponse;

use super::prelude::*;
use crate::auth::AnyUser;

#[derive(Template)]
#[template(path = "api/docs.html")]
pub struct ApiDocsPage {
    pub page: PageContext,
}

/// `GET /api/docs`
pub async fn api_docs(_auth: RequireRole<AnyUser>, page: Page) -> Result<HttpResponse, AppError> {
    ok(&ApiDocsPage {
        page: page.at(Nav::None),
    })
}
