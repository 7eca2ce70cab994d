//! Tracking numbers (`order_shipments`) and which order revision they were last read for
//! (`orders.shipments_read_revision`). Shipments are never deleted: one no longer listed gets
//! `removed_at`.

use chrono::{DateTime, Utc};
use diesel::{
    prelude::*,
    sql_query,
    sql_types::{BigInt, Nullable, Text},
};
use serde_json::Value;

use crate::{
    db::schema::{order_shipments, orders},
    domain::{AccountId, CheckoutFormId},
};

/// A stored shipment: what Allegro listed, and when this backup saw it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = order_shipments, check_for_backend(diesel::pg::Pg))]
pub struct ShipmentRow {
    pub id: i64,
    #[diesel(embed)]
    pub shipment: NewShipment,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub removed_at: Option<DateTime<Utc>>,
}

/// A shipment as read from Allegro.
#[derive(Debug, Clone, Insertable, Queryable, Selectable)]
#[diesel(table_name = order_shipments, check_for_backend(diesel::pg::Pg))]
pub struct NewShipment {
    pub account_id: AccountId,
    pub checkout_form_id: CheckoutFormId,
    pub shipment_id: String,
    pub waybill: Option<String>,
    pub carrier_id: Option<String>,
    pub carrier_name: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub raw: Value,
}

/// An order whose shipments should be read: items were sent and its revision moved on since
/// the last read.
#[derive(Debug, Clone, QueryableByName)]
pub struct DueOrder {
    #[diesel(sql_type = Text)]
    pub checkout_form_id: CheckoutFormId,
    #[diesel(sql_type = Nullable<Text>)]
    pub revision: Option<String>,
}

/// The conditions are those of the partial index `orders_shipments_due_idx` (migration 14),
/// written the same way so that the planner reads only the orders due.
macro_rules! due_from {
    () => {
        "FROM orders
WHERE account_id = $1
  AND (raw #>> '{fulfillment,shipmentSummary,lineItemsSent}') IN ('SOME', 'ALL')
  AND merged_into IS NULL AND gone_from_allegro_at IS NULL
  AND (shipments_read_at IS NULL OR shipments_read_revision IS DISTINCT FROM revision)"
    };
}
const DUE_SQL: &str = concat!(
    "SELECT checkout_form_id, revision ",
    due_from!(),
    " ORDER BY bought_at DESC NULLS LAST, id DESC LIMIT $2"
);
const DUE_COUNT_SQL: &str = concat!(
    "SELECT count(*) AS n FROM (SELECT 1 ",
    due_from!(),
    " LIMIT $2) AS due"
);

#[derive(QueryableByName)]
struct DueCount {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// How many orders are due for a shipments read, counting up to `cap`.
pub fn due_count(conn: &mut PgConnection, account_id: AccountId, cap: i64) -> QueryResult<i64> {
    sql_query(DUE_COUNT_SQL)
        .bind::<BigInt, _>(account_id)
        .bind::<BigInt, _>(cap)
        .get_result::<DueCount>(conn)
        .map(|c| c.n)
}

/// Up to `limit` orders due for a shipments read, newest first.
pub fn due(
    conn: &mut PgConnection,
    account_id: AccountId,
    limit: i64,
) -> QueryResult<Vec<DueOrder>> {
    sql_query(DUE_SQL)
        .bind::<BigInt, _>(account_id)
        .bind::<BigInt, _>(limit)
        .load(conn)
}

/// Stores what Allegro lists now for one order at `revision`: new shipments are added, known
/// ones refreshed, ones no longer listed marked removed. Returns how many were new.
pub fn record(
    conn: &mut PgConnection,
    account_id: AccountId,
    checkout_form_id: &CheckoutFormId,
    revision: Option<&str>,
    listed: &[NewShipment],
) -> QueryResult<usize> {
    use order_shipments::dsl as s;
    let now = Utc::now();
    let mut added = 0;
    for shipment in listed {
        let existed = diesel::update(
            s::order_shipments
                .filter(s::account_id.eq(account_id))
                .filter(s::checkout_form_id.eq(checkout_form_id))
                .filter(s::shipment_id.eq(&shipment.shipment_id)),
        )
        .set((
            s::waybill.eq(&shipment.waybill),
            s::carrier_id.eq(&shipment.carrier_id),
            s::carrier_name.eq(&shipment.carrier_name),
            s::created_at.eq(shipment.created_at),
            s::raw.eq(&shipment.raw),
            s::last_seen_at.eq(now),
            s::removed_at.eq(None::<DateTime<Utc>>),
        ))
        .execute(conn)?;
        if existed == 0 {
            diesel::insert_into(s::order_shipments)
                .values(shipment)
                .execute(conn)?;
            added += 1;
        }
    }
    let ids: Vec<&str> = listed.iter().map(|x| x.shipment_id.as_str()).collect();
    diesel::update(
        s::order_shipments
            .filter(s::account_id.eq(account_id))
            .filter(s::checkout_form_id.eq(checkout_form_id))
            .filter(s::removed_at.is_null())
            .filter(s::shipment_id.ne_all(ids)),
    )
    .set(s::removed_at.eq(now))
    .execute(conn)?;
    sql_query(MARK_READ_SQL)
        .bind::<BigInt, _>(account_id)
        .bind::<Text, _>(checkout_form_id)
        .bind::<Nullable<Text>, _>(revision)
        .execute(conn)?;
    Ok(added)
}

/// [`mark_checked`], and the order's tracking numbers as the search box finds them
/// (`orders.waybills`, migration 18: every waybill the order ever listed, removed ones
/// included, through `search_compact`).
const MARK_READ_SQL: &str = "\
UPDATE orders SET shipments_read_revision = $3, shipments_read_at = now(),
    waybills = (SELECT array_agg(DISTINCT search_compact(s.waybill))
                FROM order_shipments AS s
                WHERE s.account_id = $1 AND s.checkout_form_id = $2 AND s.waybill IS NOT NULL)
WHERE account_id = $1 AND checkout_form_id = $2";

/// Notes that the order's shipments were read at `revision`.
pub fn mark_checked(
    conn: &mut PgConnection,
    account_id: AccountId,
    checkout_form_id: &CheckoutFormId,
    revision: Option<&str>,
) -> QueryResult<()> {
    diesel::update(
        orders::table
            .filter(orders::account_id.eq(account_id))
            .filter(orders::checkout_form_id.eq(checkout_form_id)),
    )
    .set((
        orders::shipments_read_revision.eq(revision),
        orders::shipments_read_at.eq(diesel::dsl::now),
    ))
    .execute(conn)
    .map(drop)
}

/// When the order's shipments were last read and at which revision (`None`: never read).
pub fn last_read(
    conn: &mut PgConnection,
    order_id: i64,
) -> QueryResult<(Option<DateTime<Utc>>, Option<String>)> {
    orders::table
        .find(order_id)
        .select((orders::shipments_read_at, orders::shipments_read_revision))
        .first(conn)
}

/// The order's shipments, in the order they were first seen (removed ones included).
pub fn for_order(
    conn: &mut PgConnection,
    account_id: AccountId,
    checkout_form_id: &CheckoutFormId,
) -> QueryResult<Vec<ShipmentRow>> {
    order_shipments::table
        .filter(order_shipments::account_id.eq(account_id))
        .filter(order_shipments::checkout_form_id.eq(checkout_form_id))
        .order((
            order_shipments::first_seen_at.asc(),
            order_shipments::id.asc(),
        ))
        .select(ShipmentRow::as_select())
        .load(conn)
}
