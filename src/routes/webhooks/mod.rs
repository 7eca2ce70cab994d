//! The admins' Webhooks page (`/webhooks`: endpoints, adding one shows its signing secret
//! once, removing, enabling a disabled one) and each endpoint's deliveries page
//! (`/webhooks/{id}`: status, attempts, answer, payload; resend one; send a test event).

mod deliveries;
mod endpoints;

use actix_web::{HttpResponse, web};

use crate::{
    auth::{Admin, RequireRole, session::FlashLevel},
    error::see_other,
    i18n::{self, Message},
};

/// Says message `key` (with `args`) in a flash and sends the browser to `to`.
fn done(
    auth: &RequireRole<Admin>,
    key: &'static str,
    args: &[(&'static str, String)],
    to: &str,
) -> HttpResponse {
    let message = args.iter().fold(
        Message::new(i18n::current_lang(), key),
        |m, (name, value)| m.arg(name, value),
    );
    auth.session.flash(FlashLevel::Success, message.to_string());
    see_other(to)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/webhooks", web::get().to(endpoints::webhooks_index))
        .route("/webhooks", web::post().to(endpoints::webhook_create))
        .route(
            "/webhooks/{id}/remove",
            web::post().to(endpoints::webhook_remove),
        )
        .route(
            "/webhooks/{id}/enable",
            web::post().to(endpoints::webhook_enable),
        )
        .route(
            "/webhooks/{id}",
            web::get().to(deliveries::deliveries_index),
        )
        .route(
            "/webhooks/{id}/deliveries",
            web::get().to(deliveries::deliveries_partial),
        )
        .route(
            "/webhooks/{id}/test",
            web::post().to(deliveries::webhook_test),
        )
        .route(
            "/webhooks/{id}/deliveries/{delivery}/resend",
            web::post().to(deliveries::delivery_resend),
        );
}
