//! `/webhooks/{id}`: an endpoint's latest deliveries (refreshed by htmx while the page is
//! open), resending one, sending a test event.

use super::done;
use crate::routes::prelude::*;
use crate::{
    auth::Admin,
    db::{
        self,
        models::{
            webhook::{ListedWebhook, WebhookRow},
            webhook_delivery::{self, DeliveryRow},
        },
    },
    domain::{DeliveryId, WebhookId},
    error::see_other,
};

/// Deliveries the page shows.
const SHOWN: i64 = 100;

/// The deliveries table, alone (htmx refreshes it) or inside the page.
#[derive(Template)]
#[template(path = "webhooks/deliveries_partial.html")]
pub struct DeliveriesPartial {
    pub endpoint: WebhookId,
    pub deliveries: Vec<DeliveryRow>,
    pub csrf_token: String,
    pub loc: Locale,
}

#[derive(Template)]
#[template(path = "webhooks/deliveries.html")]
pub struct DeliveriesPage {
    pub page: PageContext,
    pub webhook: ListedWebhook,
    pub deliveries: Vec<DeliveryRow>,
}

async fn load(
    state: &AppState,
    id: WebhookId,
) -> Result<(ListedWebhook, Vec<DeliveryRow>), AppError> {
    db::run(&state.pool, move |conn| {
        let webhook = WebhookRow::find(conn, id)?.ok_or(AppError::NotFound)?;
        Ok((webhook, webhook_delivery::recent(conn, id, SHOWN)?))
    })
    .await
}

/// `GET /webhooks/{id}` (admins).
pub async fn deliveries_index(
    _auth: RequireRole<Admin>,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<WebhookId>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (webhook, deliveries) = load(&state, id).await?;
    ok(&DeliveriesPage {
        page: page.at(Nav::Webhooks),
        webhook,
        deliveries,
    })
}

/// `GET /webhooks/{id}/deliveries` (admins, htmx): the table alone.
pub async fn deliveries_partial(
    req: HttpRequest,
    _auth: RequireRole<Admin>,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<WebhookId>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    if !is_htmx(&req) {
        return Ok(see_other(&format!("/webhooks/{id}")));
    }
    let (_, deliveries) = load(&state, id).await?;
    let page = page.at(Nav::Webhooks);
    ok(&DeliveriesPartial {
        endpoint: id,
        deliveries,
        csrf_token: page.csrf_token.clone(),
        loc: page.loc,
    })
}

/// `POST /webhooks/{id}/test` (admins): queues a `webhook.test` delivery.
pub async fn webhook_test(
    auth: RequireRole<Admin>,
    state: web::Data<AppState>,
    id: web::Path<WebhookId>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    db::run(&state.pool, move |conn| {
        WebhookRow::find(conn, id)?.ok_or(AppError::NotFound)?;
        Ok::<_, AppError>(webhook_delivery::enqueue_test(conn, id)?)
    })
    .await?;
    Ok(done(
        &auth,
        "webhooks-test-queued",
        &[],
        &format!("/webhooks/{id}"),
    ))
}

/// `POST /webhooks/{id}/deliveries/{delivery}/resend` (admins): sends it again, same message id.
pub async fn delivery_resend(
    auth: RequireRole<Admin>,
    state: web::Data<AppState>,
    path: web::Path<(WebhookId, DeliveryId)>,
) -> Result<HttpResponse, AppError> {
    let (id, delivery) = path.into_inner();
    let found = db::run(&state.pool, move |conn| {
        webhook_delivery::resend(conn, id, delivery).map_err(AppError::from)
    })
    .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    Ok(done(
        &auth,
        "webhooks-resend-queued",
        &[],
        &format!("/webhooks/{id}"),
    ))
}
