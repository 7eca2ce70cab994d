//! What the orders export reads, chunk by chunk (keyset, never OFFSET): for the CSVs the list's
//! columns plus the delivery, invoice and shipment details ([`ExportRow`]) in the list's sort
//! order, and the line items of a chunk; for NDJSON the ids in `orders.id` order and then the
//! stored documents as text. The encoding is `orders::export`'s.

use diesel::{
    deserialize::{self, Queryable},
    dsl::sql,
    expression::SqlLiteral,
    pg::{Pg, sql_types::Record},
    prelude::*,
    sql_types::{Nullable, Text},
};

use super::{
    LineItemRow,
    list::{OrderListRow, Walk, walk_with},
    visible::{OrdersQuery, visible_orders},
};
use crate::domain::Visibility;
use crate::{
    db::schema::{order_line_items, orders},
    domain::OrderFilter,
};

/// An order as the CSV exports write it: the list's columns and the details below.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = orders, check_for_backend(diesel::pg::Pg))]
pub struct ExportRow {
    #[diesel(embed)]
    pub order: OrderListRow,
    #[diesel(select_expression = sql::<Record<DetailsSql>>(DETAILS_SQL))]
    #[diesel(select_expression_type = SqlLiteral<Record<DetailsSql>>)]
    pub details: ExportDetails,
}

/// The delivery address, pickup point, invoice company and shipments of an order, read in SQL
/// (nothing but these values leaves the database).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportDetails {
    /// `delivery.address`'s first and last name.
    pub recipient_name: Option<String>,
    pub recipient_company: Option<String>,
    pub recipient_street: Option<String>,
    /// `delivery.address.zipCode`.
    pub recipient_postcode: Option<String>,
    pub recipient_city: Option<String>,
    /// `delivery.address.countryCode`.
    pub recipient_country: Option<String>,
    pub recipient_phone: Option<String>,
    pub pickup_point_name: Option<String>,
    /// `invoice.address.company.name`.
    pub invoice_company: Option<String>,
    /// `invoice.address.company.taxId`, else the first of its `ids`.
    pub invoice_tax_id: Option<String>,
    /// The waybills of the shipments still listed, in the order they were first seen, joined
    /// with `, `.
    pub tracking_numbers: Option<String>,
    /// Their carriers (name, else id), one per tracking number, joined the same way.
    pub carriers: Option<String>,
}

/// A tuple of twelve `$t`: one per field of [`ExportDetails`].
macro_rules! twelve {
    ($t:ty) => {
        ($t, $t, $t, $t, $t, $t, $t, $t, $t, $t, $t, $t)
    };
}

type DetailsSql = twelve!(Nullable<Text>);
type DetailsRow = twelve!(Option<String>);

/// [`ExportDetails`] as one row value. The document is unpacked once per order
/// (`jsonb_to_record` takes its two objects in one read: each `raw #>> …` of its own would
/// decompress the whole document again, three times the cost over a dozen fields); the
/// shipments come from `order_shipments` by its unique `(account_id, checkout_form_id, …)`
/// index. A document that is not an object (never stored by the sync) gives empty details
/// rather than an error.
const DETAILS_SQL: &str = "(SELECT ROW(
    NULLIF(concat_ws(' ', doc.delivery #>> '{address,firstName}',
        doc.delivery #>> '{address,lastName}'), ''),
    doc.delivery #>> '{address,companyName}',
    doc.delivery #>> '{address,street}',
    doc.delivery #>> '{address,zipCode}',
    doc.delivery #>> '{address,city}',
    doc.delivery #>> '{address,countryCode}',
    doc.delivery #>> '{address,phoneNumber}',
    doc.delivery #>> '{pickupPoint,name}',
    doc.invoice #>> '{address,company,name}',
    COALESCE(doc.invoice #>> '{address,company,taxId}',
        doc.invoice #>> '{address,company,ids,0,value}'),
    shipped.waybills,
    shipped.carriers)
FROM jsonb_to_record(CASE jsonb_typeof(orders.raw) WHEN 'object' THEN orders.raw
        ELSE '{}'::jsonb END) AS doc(delivery jsonb, invoice jsonb)
CROSS JOIN LATERAL (
    SELECT string_agg(s.waybill, ', ' ORDER BY s.first_seen_at, s.id) AS waybills,
        string_agg(COALESCE(s.carrier_name, s.carrier_id, ''), ', '
            ORDER BY s.first_seen_at, s.id) AS carriers
    FROM order_shipments AS s
    WHERE s.account_id = orders.account_id AND s.checkout_form_id = orders.checkout_form_id
        AND s.removed_at IS NULL AND s.waybill IS NOT NULL) AS shipped)";

impl Queryable<Record<DetailsSql>, Pg> for ExportDetails {
    type Row = DetailsRow;

    fn build(row: DetailsRow) -> deserialize::Result<Self> {
        Ok(ExportDetails {
            recipient_name: row.0,
            recipient_company: row.1,
            recipient_street: row.2,
            recipient_postcode: row.3,
            recipient_city: row.4,
            recipient_country: row.5,
            recipient_phone: row.6,
            pickup_point_name: row.7,
            invoice_company: row.8,
            invoice_tax_id: row.9,
            tracking_numbers: row.10,
            carriers: row.11,
        })
    }
}

/// Up to `limit` of the orders `viewer` may see matching `filter`, walking the list's order as
/// `walk` says (from the start, or after the last row of the previous chunk).
pub fn rows_walking(
    conn: &mut PgConnection,
    viewer: Visibility<'_>,
    filter: &OrderFilter,
    walk: Walk<'_>,
    limit: i64,
) -> QueryResult<Vec<ExportRow>> {
    walk_with(conn, viewer, filter, walk, limit, |conn, query, left| {
        query.select(ExportRow::as_select()).limit(left).load(conn)
    })
}

/// The line items of the orders `ids`, by order and item id.
pub fn items_of(conn: &mut PgConnection, ids: Vec<i64>) -> QueryResult<Vec<LineItemRow>> {
    order_line_items::table
        .filter(order_line_items::order_id.eq_any(ids))
        .order((order_line_items::order_id, order_line_items::id))
        .select(LineItemRow::as_select())
        .load(conn)
}

/// The ids of up to `limit` of the orders `viewer` may see matching `filter` above `after`,
/// in order (no document is touched).
pub fn ids_after(
    conn: &mut PgConnection,
    viewer: Visibility<'_>,
    filter: &OrderFilter,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    in_id_order(viewer, filter, after)
        .select(orders::id)
        .limit(limit)
        .load(conn)
}

/// The orders `viewer` may see matching `filter` whose id is above `after`, in id order.
pub(super) fn in_id_order(viewer: Visibility<'_>, filter: &OrderFilter, after: i64) -> OrdersQuery {
    visible_orders(viewer, filter)
        .filter(orders::id.gt(after))
        .order(orders::id)
}

/// The stored documents of the orders `ids` as text, in id order.
pub fn documents(conn: &mut PgConnection, ids: &[i64]) -> QueryResult<Vec<String>> {
    orders::table
        .filter(orders::id.eq_any(ids))
        .order(orders::id)
        .select(sql::<Text>("orders.raw::text"))
        .load(conn)
}
