//! The backup runs: the sync history with live progress, "sync now", and the quarantine of
//! orders that could not be read or stored.

mod quarantine;
mod run_view;
mod runs;

pub use run_view::{RunProgress, problem_text};

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/sync", web::get().to(runs::sync_index))
        .route("/quarantine", web::get().to(quarantine::quarantine_index))
        .route(
            "/accounts/{id}/sync",
            web::post().to(runs::account_sync_now),
        );
}
