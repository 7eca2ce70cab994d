//! The linked Allegro accounts: the list, linking by device flow, the token and account actions,
//! and each account's coverage grid.

mod actions;
mod coverage;
mod view;

use actix_web::web;

use actions::{
    account_connect_page, account_connect_start, account_connect_status, account_delete,
    account_disconnect, account_refresh, account_validate, accounts_index,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/accounts", web::get().to(accounts_index))
        .route("/accounts/connect", web::post().to(account_connect_start))
        .route(
            "/accounts/connect/{id}",
            web::get().to(account_connect_page),
        )
        .route(
            "/accounts/connect/{id}/status",
            web::get().to(account_connect_status),
        )
        .route("/accounts/{id}/refresh", web::post().to(account_refresh))
        .route("/accounts/{id}/validate", web::post().to(account_validate))
        .route(
            "/accounts/{id}/disconnect",
            web::post().to(account_disconnect),
        )
        .route("/accounts/{id}/delete", web::post().to(account_delete))
        .route(
            "/accounts/{id}/coverage",
            web::get().to(coverage::account_coverage),
        );
}
