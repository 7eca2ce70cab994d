//! Middleware: a page request (GET or HEAD) shares one database connection between all its
//! reads — the session, the signed-in user, the alert banner, the handler, the session's
//! update — instead of checking one out for each (see `db::request`). Requests that change
//! things keep a checkout per call: their handlers may wait on Allegro, and a connection is
//! not held idle meanwhile.

use actix_web::{
    Error,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::Method,
    middleware::Next,
    web,
};

use crate::{db, state::AppState};

pub async fn one_connection_per_page(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, Error> {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.call(req).await;
    }
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let (response, checkouts) = db::request::scoped(next.call(req)).await;
    if let Some(state) = state {
        state.metrics.db_checkouts.observe(f64::from(checkouts));
    }
    response
}
