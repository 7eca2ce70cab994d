//! `GET /api/v1/orders` and one order's detail, revisions, events and money (`money`): what the dashboard
//! shows of orders, as JSON. Every read goes through the storage layer's visible-orders query
//! with the token's user's scope, and buyer personal data is masked as on the dashboard; an
//! order outside the scope is 404 like an unknown one.

pub mod json;
pub mod money;
pub mod query;

use actix_web::{HttpRequest, HttpResponse, web};
use diesel::PgConnection;

use self::{
    json::{
        EventJson, EventListJson, LineItemJson, NoteJson, OrderDetailJson, OrderJson,
        OrderListJson, RevisionJson, RevisionListJson, ShipmentJson, TagJson,
    },
    query::{OrdersQuery, OrdersQueryDoc, encode_cursor},
};
use super::{
    caller::ApiCaller,
    json::{document, document_text, iso},
    problem::ApiError,
};
use crate::{
    db::{
        self,
        models::{
            order::{
                OrderRow, by_id, detail,
                export::items_of,
                list::{self, OrderListRow},
                visible::visible_order,
            },
            order_event, order_note,
            settings::SettingsRow,
            shipment,
        },
    },
    domain::{CheckoutFormId, Viewer},
    state::AppState,
};

/// `GET /api/v1/orders`
#[utoipa::path(
    get,
    path = "/api/v1/orders",
    tag = "orders",
    summary = "List orders",
    description = "The orders the token's user may see, filtered with the dashboard list's \
        parameters, in a stable order (by when this backup first stored them): following \
        `next_cursor` until it is `null` yields every order once, even while a sync writes.",
    params(OrdersQueryDoc),
    responses(
        (status = 200, description = "A page of orders", body = OrderListJson),
        (status = 400, response = super::openapi::Problem),
    )
)]
pub async fn orders_list(
    caller: ApiCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let query = OrdersQuery::parse(req.query_string())?;
    let viewer = caller.viewer;
    let page = db::run(&state.pool, move |conn| {
        let filter = query.filter(SettingsRow::display_zone(conn)?)?;
        let rows = by_id::page_after(
            conn,
            viewer.visibility(),
            &filter,
            query.after,
            query.limit + 1,
            !query.summary_only,
        )?;
        order_page(rows, query.limit, viewer.hide_personal_data)
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

fn order_page(
    mut rows: Vec<(OrderListRow, Option<String>)>,
    limit: i64,
    hide_personal_data: bool,
) -> Result<OrderListJson, ApiError> {
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_cursor = more
        .then(|| rows.last().map(|(row, _)| encode_cursor(row.id)))
        .flatten();
    let items = rows
        .into_iter()
        .map(|(row, text)| {
            let form = text
                .map(|text| document_text(text, hide_personal_data))
                .transpose()?;
            Ok(OrderJson::new(row, form, hide_personal_data))
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(OrderListJson { items, next_cursor })
}

/// The order `viewer` may see under the id in the path, or 404.
fn find(conn: &mut PgConnection, viewer: &Viewer, id: &str) -> Result<OrderRow, ApiError> {
    let id = CheckoutFormId::from_path(id).ok_or(ApiError::NotFound)?;
    visible_order(conn, viewer.visibility(), &id)?.ok_or(ApiError::NotFound)
}

/// Answers with what `answer` makes of the order the path names, as the caller may see it
/// (404 when they may not).
async fn with_order<T>(
    caller: ApiCaller,
    state: &AppState,
    id: String,
    answer: impl FnOnce(&mut PgConnection, &Viewer, OrderRow) -> Result<T, ApiError> + Send + 'static,
) -> Result<HttpResponse, ApiError>
where
    T: serde::Serialize + Send + 'static,
{
    let viewer = caller.viewer;
    let json = db::run(&state.pool, move |conn| {
        let order = find(conn, &viewer, &id)?;
        answer(conn, &viewer, order)
    })
    .await?;
    Ok(HttpResponse::Ok().json(json))
}

/// `GET /api/v1/orders/{id}`
#[utoipa::path(
    get,
    path = "/api/v1/orders/{id}",
    tag = "orders",
    summary = "One order",
    description = "The order's summary and complete checkout form, its line items, shipments, \
        and the team's notes and tags.",
    params(("id" = String, Path, description = "The checkout form id")),
    responses(
        (status = 200, description = "The order", body = OrderDetailJson),
        (status = 404, response = super::openapi::Problem),
    )
)]
pub async fn order_show(
    caller: ApiCaller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    with_order(caller, &state, id.into_inner(), |conn, viewer, order| {
        let hide = viewer.hide_personal_data;
        let line_items = items_of(conn, vec![order.id])?
            .into_iter()
            .map(LineItemJson::from)
            .collect();
        let shipments =
            shipment::for_order(conn, order.account_id, &order.columns.checkout_form_id)?
                .into_iter()
                .map(|row| {
                    let doc = document(&row.shipment.raw, hide)?;
                    Ok(ShipmentJson::new(row, doc, hide))
                })
                .collect::<Result<_, ApiError>>()?;
        let notes = order_note::notes(conn, order.id)?
            .into_iter()
            .map(NoteJson::from)
            .collect();
        let tags = order_note::tags(conn, order.id)?
            .into_iter()
            .map(TagJson::from)
            .collect();
        let form = document(&order.raw, hide)?;
        let row = OrderListRow {
            id: order.id,
            account_id: order.account_id,
            net_amount: list::net_of(conn, order.id)?,
            columns: order.columns,
            merged_into: order.merged_into,
            gone_from_allegro_at: order.gone_from_allegro_at,
        };
        Ok::<_, ApiError>(OrderDetailJson {
            order: OrderJson::new(row, Some(form), hide),
            line_items,
            shipments,
            notes,
            tags,
        })
    })
    .await
}

/// `GET /api/v1/orders/{id}/revisions`
#[utoipa::path(
    get,
    path = "/api/v1/orders/{id}/revisions",
    tag = "orders",
    summary = "The order's stored versions",
    description = "Every distinct version of the checkout form this backup stored, newest first.",
    params(("id" = String, Path, description = "The checkout form id")),
    responses(
        (status = 200, description = "The revisions", body = RevisionListJson),
        (status = 404, response = super::openapi::Problem),
    )
)]
pub async fn order_revisions(
    caller: ApiCaller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    with_order(caller, &state, id.into_inner(), |conn, viewer, order| {
        let items = detail::revisions_with_documents(conn, order.id)?
            .into_iter()
            .map(|r| {
                Ok(RevisionJson {
                    seen_at: iso(r.seen_at),
                    revision: r.revision,
                    checkout_form: document_text(r.document, viewer.hide_personal_data)?,
                })
            })
            .collect::<Result<_, ApiError>>()?;
        Ok::<_, ApiError>(RevisionListJson { items })
    })
    .await
}

/// `GET /api/v1/orders/{id}/events`
#[utoipa::path(
    get,
    path = "/api/v1/orders/{id}/events",
    tag = "orders",
    summary = "The order's events",
    description = "The events of Allegro's order event journal about this order that this \
        backup stored, in the journal's order.",
    params(("id" = String, Path, description = "The checkout form id")),
    responses(
        (status = 200, description = "The events", body = EventListJson),
        (status = 404, response = super::openapi::Problem),
    )
)]
pub async fn order_events(
    caller: ApiCaller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    with_order(caller, &state, id.into_inner(), |conn, viewer, order| {
        let events = order_event::for_checkout_form(
            conn,
            order.account_id,
            &order.columns.checkout_form_id,
        )?;
        let items = events
            .into_iter()
            .map(|e| {
                Ok(EventJson {
                    event: document(&e.raw, viewer.hide_personal_data)?,
                    id: e.event_id,
                    kind: e.event_type,
                    occurred_at: iso(e.occurred_at),
                    stored_at: iso(e.stored_at),
                })
            })
            .collect::<Result<_, ApiError>>()?;
        Ok::<_, ApiError>(EventListJson { items })
    })
    .await
}
