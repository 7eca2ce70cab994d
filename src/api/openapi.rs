//! The API's OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]` annotations
//! and the JSON types (`GET /api/v1/openapi.json`), so the published contract is the code's.
//! `tests/api/api_v1/contract.rs` fails when a route is missing from it or it names one that
//! does not answer, and checks every API test's response against it.

use std::sync::OnceLock;

use actix_web::{HttpResponse, http::header};
use utoipa::{
    Modify, OpenApi, ToResponse,
    openapi::{
        self, ContentBuilder, Ref, RefOr, ResponseBuilder,
        security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    },
};

use super::{accounts, changes, orders, sync_runs};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "allegro-backup API",
        description = "The orders this backup keeps, as JSON: the same data, filters, account \
            scope and personal-data masking as the dashboard. Authenticate with a personal API \
            token from your profile page: `Authorization: Bearer abk_…`. Times are ISO 8601 in \
            UTC, amounts decimal strings with their currency, ids strings, and Allegro's \
            documents as Allegro sent them. Errors are RFC 9457 problem documents."
    ),
    paths(
        openapi_json,
        accounts::accounts_list,
        accounts::account_show,
        sync_runs::account_sync,
        orders::orders_list,
        orders::order_show,
        orders::order_revisions,
        orders::order_events,
        orders::money::order_money,
        changes::changes_list,
        sync_runs::runs_list,
        sync_runs::run_show,
    ),
    components(responses(Problem), schemas(crate::web::problem::Problem)),
    modifiers(&Common),
    security(("token" = [])),
    tags(
        (name = "accounts", description = "Linked Allegro accounts"),
        (name = "orders", description = "Backed-up orders"),
        (name = "changes", description = "The changes feed"),
        (name = "sync", description = "Sync runs"),
        (name = "meta", description = "The API's own description"),
    )
)]
pub struct ApiDoc;

/// An error answer: an RFC 9457 problem document.
pub struct Problem;

impl<'s> ToResponse<'s> for Problem {
    fn response() -> (&'s str, RefOr<openapi::Response>) {
        let content = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build();
        (
            "Problem",
            ResponseBuilder::new()
                .description("An RFC 9457 problem document with the request id")
                .content(crate::web::problem::PROBLEM_JSON, content)
                .build()
                .into(),
        )
    }
}

/// The bearer token scheme, and the errors every operation may answer (no or a bad token,
/// the rate limit, a failure on our side).
struct Common;

impl Modify for Common {
    fn modify(&self, doc: &mut openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("abk_<prefix>_<secret>")
                    .description(Some("A personal API token from the profile page"))
                    .build(),
            ),
        );
        for item in doc.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                for status in ["401", "429", "500", "503"] {
                    operation
                        .responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| Ref::from_response_name("Problem").into());
                }
            }
        }
    }
}

/// The document as JSON, built once.
pub fn document() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| ApiDoc::openapi().to_pretty_json().unwrap_or_default())
}

/// `GET /api/v1/openapi.json` (no token needed: it describes, it holds no data).
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    summary = "This document",
    security(()),
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object))
)]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/json"))
        .body(document())
}
