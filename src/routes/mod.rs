//! HTTP routes, one file per area. `configure` wires them; every protected handler declares its
//! role through `RequireRole<…>` in its signature.

mod accounts;
mod accounts_view;
mod audit;
mod auth;
mod coverage;
mod dashboard;
mod export;
mod health;
mod metrics;
mod order_detail;
mod order_lookup;
mod order_notes;
mod orders_list;
mod orders_list_view;
mod profile;
mod quarantine;
mod settings;
mod setup;
mod sync;
mod system;
mod user_access;
mod users;
mod users_view;
mod views;

use actix_web::web;

pub use health::{health, ready};
pub use metrics::metrics;

/// Routes that need the session (all pages and forms).
pub fn configure_pages(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(dashboard::dashboard))
        .route("/orders", web::get().to(orders_list::orders_index))
        .route("/views", web::get().to(views::views_index))
        .route("/views", web::post().to(views::view_create))
        .route("/views/menu", web::get().to(views::views_menu))
        .route("/views/{id}/delete", web::post().to(views::view_delete))
        .route("/orders/export", web::get().to(export::orders_export))
        .route("/accounts", web::get().to(accounts::accounts_index))
        .route(
            "/accounts/connect",
            web::post().to(accounts::account_connect_start),
        )
        .route(
            "/accounts/connect/{id}",
            web::get().to(accounts::account_connect_page),
        )
        .route(
            "/accounts/connect/{id}/status",
            web::get().to(accounts::account_connect_status),
        )
        .route(
            "/accounts/{id}/refresh",
            web::post().to(accounts::account_refresh),
        )
        .route(
            "/accounts/{id}/validate",
            web::post().to(accounts::account_validate),
        )
        .route(
            "/accounts/{id}/disconnect",
            web::post().to(accounts::account_disconnect),
        )
        .route(
            "/accounts/{id}/delete",
            web::post().to(accounts::account_delete),
        )
        .route(
            "/accounts/{id}/coverage",
            web::get().to(coverage::account_coverage),
        )
        .route("/sync", web::get().to(sync::sync_index))
        .route("/quarantine", web::get().to(quarantine::quarantine_index))
        .route(
            "/accounts/{id}/sync",
            web::post().to(sync::account_sync_now),
        )
        .route("/login", web::get().to(auth::login_form))
        .route("/login", web::post().to(auth::login))
        .route("/logout", web::post().to(auth::logout))
        .route("/setup", web::get().to(setup::setup_form))
        .route("/setup", web::post().to(setup::setup))
        .route("/users", web::get().to(users::users_index))
        .route("/users", web::post().to(users::user_create))
        .route("/users/{id}/role", web::post().to(users::user_change_role))
        .route(
            "/users/{id}/access",
            web::get().to(user_access::access_form),
        )
        .route(
            "/users/{id}/access",
            web::post().to(user_access::access_save),
        )
        .route("/users/{id}/disable", web::post().to(users::user_disable))
        .route("/users/{id}/enable", web::post().to(users::user_enable))
        .route(
            "/users/{id}/reset-password",
            web::post().to(users::user_reset_password),
        )
        .route("/account/password", web::get().to(profile::password_form))
        .route(
            "/account/password",
            web::post().to(profile::password_change),
        )
        .route(
            "/account/logout-everywhere",
            web::post().to(profile::logout_everywhere),
        )
        .route("/audit", web::get().to(audit::audit_index))
        .route("/settings", web::get().to(settings::settings_index))
        .route("/settings", web::post().to(settings::settings_save))
        .route("/system", web::get().to(system::system_index));
    // Order detail: keep this after `/orders/export`, which `/orders/{id}` would otherwise match.
    order_detail::configure(cfg);
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
