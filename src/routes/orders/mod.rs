//! The orders workspace: the list and its saved views, the export, an order's page and its team
//! notes and tags.

mod detail;
mod export;
mod list;
mod list_view;
mod lookup;
mod notes;
mod views;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/orders", web::get().to(list::orders_index))
        .route("/views", web::get().to(views::views_index))
        .route("/views", web::post().to(views::view_create))
        .route("/views/menu", web::get().to(views::views_menu))
        .route("/views/{id}/delete", web::post().to(views::view_delete))
        .route("/orders/export", web::get().to(export::orders_export));
    // Keep the order's page after `/orders/export`, which `/orders/{id}` would otherwise match.
    detail::configure(cfg);
}
