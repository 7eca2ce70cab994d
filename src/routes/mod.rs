//! HTTP routes, one file per page area and a folder where an area has several pages (each folder
//! registers its own routes). `configure` wires them; every protected handler declares its
//! role through `RequireRole<…>` in its signature.

mod accounting_export;
mod accounts;
mod api_docs;
mod audit;
mod auth;
mod dashboard;
mod documents_export;
mod fees;
mod health;
mod listing_query;
mod metrics;
mod orders;
mod payments;
mod prelude;
mod profile;
mod returns;
mod settings;
mod setup;
mod sync;
mod system;
mod tokens;
mod users;
mod webhooks;

use actix_web::web;

pub use health::{health, ready};
pub use metrics::metrics;

/// Routes that need the session (all pages and forms).
pub fn configure_pages(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(dashboard::dashboard))
        .route("/login", web::get().to(auth::login_form))
        .route("/login", web::post().to(auth::login))
        .route("/logout", web::post().to(auth::logout))
        .route("/setup", web::get().to(setup::setup_form))
        .route("/setup", web::post().to(setup::setup))
        .route("/account/password", web::get().to(profile::password_form))
        .route(
            "/account/password",
            web::post().to(profile::password_change),
        )
        .route(
            "/account/language",
            web::post().to(profile::language_change),
        )
        .route(
            "/account/logout-everywhere",
            web::post().to(profile::logout_everywhere),
        )
        .route(
            "/account/tokens",
            web::post().to(profile::tokens::token_create),
        )
        .route(
            "/account/tokens/{id}/revoke",
            web::post().to(profile::tokens::token_revoke_own),
        )
        .route("/tokens", web::get().to(tokens::tokens_index))
        .route("/api/docs", web::get().to(api_docs::api_docs))
        .route(
            "/tokens/{id}/revoke",
            web::post().to(tokens::token_revoke_any),
        )
        .route("/audit", web::get().to(audit::audit_index))
        .route("/fees", web::get().to(fees::fees_index))
        .route("/payments", web::get().to(payments::payments_index))
        .route("/export", web::get().to(documents_export::documents_export))
        .route(
            "/export/accounting",
            web::get().to(accounting_export::accounting_export),
        )
        .route("/returns", web::get().to(returns::returns_index))
        .route("/settings", web::get().to(settings::settings_index))
        .route("/settings", web::post().to(settings::settings_save))
        .route("/system", web::get().to(system::system_index));
    // `/accounts/connect/{id}` before `/accounts/{id}/sync`, which would otherwise match it.
    accounts::configure(cfg);
    sync::configure(cfg);
    users::configure(cfg);
    webhooks::configure(cfg);
    orders::configure(cfg);
}

use actix_web::HttpRequest;

use crate::{auth::CurrentUser, db::models::audit::Actor, web::client_ip::peer_ip};

/// The audit-log actor for a signed-in user's request.
fn actor(user: &CurrentUser, req: &HttpRequest) -> Actor {
    Actor {
        user_id: Some(user.id),
        email: Some(user.email.clone()),
        ip: Some(peer_ip(req)),
    }
}
