//! The versioned JSON API under `/api/v1`, for the tools around the dashboard (an ERP, a
//! script). Callers authenticate with a personal API token (`Authorization: Bearer …`, see
//! [`caller`]); no cookie, no session, no CSRF token. Every error is an RFC 9457 problem
//! document ([`problem`]); the contract is the OpenAPI document ([`openapi`]).

mod accounts;
pub mod caller;
mod changes;
pub mod json;
pub mod openapi;
mod orders;
pub mod params;
pub mod problem;
mod sync_runs;

use actix_web::{HttpResponse, dev::HttpServiceFactory, web};

pub use caller::ApiCaller;
pub use problem::ApiError;

/// Where the API lives.
pub const API_PREFIX: &str = "/api/v1";

/// The API's routes: each registered once from this table, which the OpenAPI contract test
/// reads as [`ROUTES`] (method, path under [`API_PREFIX`]).
macro_rules! api_routes {
    ($($method:ident $path:literal => $handler:path,)+) => {
        /// Every route of the API: (method, path under [`API_PREFIX`]).
        pub const ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path),)+];

        fn register(scope: actix_web::Scope) -> actix_web::Scope {
            scope$(.route($path, web::$method().to($handler)))+
        }
    };
}

api_routes! {
    get "/openapi.json" => openapi::openapi_json,
    get "/accounts" => accounts::accounts_list,
    get "/accounts/{id}" => accounts::account_show,
    post "/accounts/{id}/sync" => sync_runs::account_sync,
    get "/orders" => orders::orders_list,
    get "/orders/{id}" => orders::order_show,
    get "/orders/{id}/revisions" => orders::order_revisions,
    get "/orders/{id}/events" => orders::order_events,
    get "/orders/{id}/money" => orders::money::order_money,
    get "/changes" => changes::changes_list,
    get "/sync-runs" => sync_runs::runs_list,
    get "/sync-runs/{id}" => sync_runs::run_show,
}

/// The `/api/v1` scope: its routes, and extractor errors answered as problem documents.
pub fn service() -> impl HttpServiceFactory {
    let scope = web::scope(API_PREFIX)
        .app_data(
            web::JsonConfig::default()
                .limit(64 * 1024)
                .error_handler(|err, _| {
                    ApiError::bad_request("body", format!("The JSON body is not valid: {err}."))
                        .into()
                }),
        )
        .app_data(web::PayloadConfig::default().limit(64 * 1024))
        .app_data(web::QueryConfig::default().error_handler(|err, _| {
            ApiError::BadRequest {
                detail: format!("The query parameters are not valid: {err}."),
                parameter: None,
            }
            .into()
        }))
        .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::NotFound.into()));
    register(scope).default_service(web::to(not_found))
}

/// A path no route matches, or a method the path does not take.
async fn not_found(req: actix_web::HttpRequest) -> Result<HttpResponse, ApiError> {
    let path = req.path().strip_prefix(API_PREFIX).unwrap_or_default();
    let allowed: Vec<&str> = ROUTES
        .iter()
        .filter(|(_, pattern)| matches_pattern(pattern, path))
        .map(|(method, _)| *method)
        .collect();
    if allowed.is_empty() {
        return Err(ApiError::NoRoute);
    }
    Err(ApiError::MethodNotAllowed {
        allow: if allowed.contains(&"post") {
            "POST"
        } else {
            "GET"
        },
    })
}

/// Whether `path` fits the route `pattern` (`{x}` matches one segment).
fn matches_pattern(pattern: &str, path: &str) -> bool {
    let (mut want, mut have) = (pattern.split('/'), path.split('/'));
    loop {
        match (want.next(), have.next()) {
            (None, None) => return true,
            (Some(w), Some(h)) if w.starts_with('{') || w == h => {}
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_route_patterns_segment_by_segment() {
        assert!(matches_pattern("/orders/{id}", "/orders/abc"));
        assert!(matches_pattern("/orders", "/orders"));
        assert!(!matches_pattern("/orders/{id}", "/orders"));
        assert!(!matches_pattern("/orders/{id}", "/orders/a/b"));
        assert!(!matches_pattern(
            "/orders/{id}/events",
            "/orders/a/revisions"
        ));
    }
}
