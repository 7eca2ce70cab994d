//! The versioned JSON API under `/api/v1`, for the tools around the dashboard (an ERP, a
//! script). Callers authenticate with a personal API token (`Authorization: Bearer …`, see
//! [`caller`]); no cookie, no session, no CSRF token. Every error is an RFC 9457 problem
//! document ([`problem`]).

mod accounts;
pub mod caller;
pub mod problem;

use actix_web::{HttpResponse, dev::HttpServiceFactory, web};

pub use caller::{ApiCaller, ApiRateLimiter};
pub use problem::ApiError;

/// Where the API lives.
pub const API_PREFIX: &str = "/api/v1";

/// The `/api/v1` scope: its routes, and extractor errors answered as problem documents.
/// `limiter` is shared by every worker (build it once per server).
pub fn service(limiter: web::Data<ApiRateLimiter>) -> impl HttpServiceFactory {
    web::scope(API_PREFIX)
        .app_data(limiter)
        .app_data(
            web::JsonConfig::default()
                .limit(64 * 1024)
                .error_handler(|err, _| {
                    ApiError::bad_request("body", format!("The JSON body is not valid: {err}."))
                        .into()
                }),
        )
        .app_data(web::QueryConfig::default().error_handler(|err, _| {
            ApiError::BadRequest {
                detail: format!("The query parameters are not valid: {err}."),
                parameter: None,
            }
            .into()
        }))
        .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::NotFound.into()))
        .service(read_only("/accounts").route(web::get().to(accounts::accounts_list)))
        .service(read_only("/accounts/{id}").route(web::get().to(accounts::account_show)))
        .default_service(web::to(not_found))
}

/// A resource answering GET; other methods get a 405 problem.
fn read_only(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(|| async {
        Err::<HttpResponse, _>(ApiError::MethodNotAllowed { allow: "GET" })
    }))
}

async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound)
}
