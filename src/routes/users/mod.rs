//! The team: users, their roles, their account scope and masking, password resets.

mod access;
mod actions;
mod view;

use actix_web::web;

use actions::{
    user_change_role, user_create, user_disable, user_enable, user_reset_password, users_index,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/users", web::get().to(users_index))
        .route("/users", web::post().to(user_create))
        .route("/users/{id}/role", web::post().to(user_change_role))
        .route("/users/{id}/access", web::get().to(access::access_form))
        .route("/users/{id}/access", web::post().to(access::access_save))
        .route("/users/{id}/disable", web::post().to(user_disable))
        .route("/users/{id}/enable", web::post().to(user_enable))
        .route(
            "/users/{id}/reset-password",
            web::post().to(user_reset_password),
        );
}
