//! `GET /api/v1/orders/{id}/money`: the order's money and after-sale records as this backup
//! holds them: its customer returns, payment refunds, commission refund claims, billing
//! entries (fees), wallet operations (of its payment and surcharges) and invoices, each the
//! last version read, as Allegro sent it (masked for a user who must not see buyer personal
//! data), with when the backup first stored it.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use serde_json::value::RawValue;
use utoipa::ToSchema;

use super::with_order;
use crate::{
    api::{
        caller::ApiCaller,
        json::{document, iso},
        problem::ApiError,
    },
    db::models::documents::{DocumentTable, of_order},
    orders::detail::wallet::payment_ids,
    state::AppState,
};

/// A document of the order as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoredDocumentJson {
    /// When this backup first stored it.
    pub stored_at: String,
    /// The last version read, as Allegro sent it (masked for a user who must not see buyer
    /// personal data).
    #[schema(value_type = Object)]
    pub document: Box<RawValue>,
}

/// The order's money and after-sale records, each list oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderMoneyJson {
    pub returns: Vec<StoredDocumentJson>,
    pub refunds: Vec<StoredDocumentJson>,
    pub refund_claims: Vec<StoredDocumentJson>,
    pub billing_entries: Vec<StoredDocumentJson>,
    pub payment_operations: Vec<StoredDocumentJson>,
    pub invoices: Vec<StoredDocumentJson>,
}

/// `GET /api/v1/orders/{id}/money`
#[utoipa::path(
    get,
    path = "/api/v1/orders/{id}/money",
    tag = "orders",
    summary = "The order's money and after-sale records",
    description = "The customer returns, payment refunds, commission refund claims, billing \
        entries (fees), wallet operations (of the order's payment and surcharges) and invoices \
        of the order this backup holds: each the last version read, as Allegro sent it.",
    params(("id" = String, Path, description = "The checkout form id")),
    responses(
        (status = 200, description = "The records", body = OrderMoneyJson),
        (status = 404, response = crate::api::openapi::Problem),
    )
)]
pub async fn order_money(
    caller: ApiCaller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    with_order(caller, &state, id.into_inner(), |conn, viewer, order| {
        let key = (order.account_id, order.columns.checkout_form_id.as_str());
        let payments = payment_ids(&order.raw);
        let mut read = |table| -> Result<Vec<StoredDocumentJson>, ApiError> {
            of_order(conn, table, key, &payments)?
                .into_iter()
                .map(|d| {
                    Ok(StoredDocumentJson {
                        stored_at: iso(d.first_seen_at),
                        document: document(&d.raw, viewer.hide_personal_data)?,
                    })
                })
                .collect()
        };
        Ok::<_, ApiError>(OrderMoneyJson {
            returns: read(DocumentTable::CustomerReturns)?,
            refunds: read(DocumentTable::PaymentRefunds)?,
            refund_claims: read(DocumentTable::RefundClaims)?,
            billing_entries: read(DocumentTable::BillingEntries)?,
            payment_operations: read(DocumentTable::PaymentOperations)?,
            invoices: read(DocumentTable::Invoices)?,
        })
    })
    .await
}
