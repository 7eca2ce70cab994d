//! The order event journal (`order_events`), kept for each order's timeline. State is never built
//! from events (they are partial snapshots): the checkout form is the source of truth.

use chrono::{DateTime, Utc};
use diesel::{
    prelude::*,
    sql_query,
    sql_types::{Array, BigInt, Jsonb, Nullable, Text, Timestamptz},
};
use serde_json::Value;

use crate::{
    db::schema::order_events,
    domain::{AccountId, CheckoutFormId},
};

/// An event to store. `event_id` is Allegro's digit string; SQL stores it as text and as the
/// equal `NUMERIC` in `event_seq` so that ids sort as the journal orders them.
#[derive(Debug, Clone, PartialEq)]
pub struct NewOrderEvent {
    pub event_id: String,
    pub event_type: String,
    pub occurred_at: DateTime<Utc>,
    pub checkout_form_id: Option<CheckoutFormId>,
    /// The whole event as Allegro sent it.
    pub raw: Value,
}

/// A stored event.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = order_events, check_for_backend(diesel::pg::Pg))]
pub struct OrderEventRow {
    pub id: i64,
    pub account_id: AccountId,
    pub event_id: String,
    pub event_type: String,
    pub occurred_at: DateTime<Utc>,
    pub checkout_form_id: Option<CheckoutFormId>,
    pub raw: Value,
    pub stored_at: DateTime<Utc>,
}

const INSERT_EVENTS_SQL: &str = "\
INSERT INTO order_events (account_id, event_id, event_seq, event_type, occurred_at,
    checkout_form_id, raw)
SELECT $1, i.event_id, i.event_id::numeric, i.event_type, i.occurred_at, i.checkout_form_id, i.raw
FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::jsonb[])
    AS i(event_id, event_type, occurred_at, checkout_form_id, raw)
ON CONFLICT (account_id, event_id) DO NOTHING";

/// Events per statement (each column is one array parameter, so this only bounds its size).
const EVENT_CHUNK: usize = 1000;

/// Stores events not stored yet (duplicates, in the database or within `events`, are skipped).
/// Returns how many were new. Opens no transaction: run it in the caller's.
pub fn insert_events(
    conn: &mut PgConnection,
    account_id: AccountId,
    events: &[NewOrderEvent],
) -> QueryResult<usize> {
    let mut stored = 0;
    for chunk in events.chunks(EVENT_CHUNK) {
        stored += sql_query(INSERT_EVENTS_SQL)
            .into_boxed()
            .bind::<BigInt, _>(account_id)
            .bind::<Array<Text>, _>(chunk.iter().map(|e| e.event_id.clone()).collect::<Vec<_>>())
            .bind::<Array<Text>, _>(
                chunk
                    .iter()
                    .map(|e| e.event_type.clone())
                    .collect::<Vec<_>>(),
            )
            .bind::<Array<Timestamptz>, _>(chunk.iter().map(|e| e.occurred_at).collect::<Vec<_>>())
            .bind::<Array<Nullable<Text>>, _>(
                chunk
                    .iter()
                    .map(|e| e.checkout_form_id.clone())
                    .collect::<Vec<_>>(),
            )
            .bind::<Array<Jsonb>, _>(chunk.iter().map(|e| e.raw.clone()).collect::<Vec<_>>())
            .execute(conn)?;
    }
    Ok(stored)
}

/// Events of one order in journal order (by id, not by `occurred_at`).
pub fn for_checkout_form(
    conn: &mut PgConnection,
    account_id: AccountId,
    checkout_form_id: &CheckoutFormId,
) -> QueryResult<Vec<OrderEventRow>> {
    order_events::table
        .filter(order_events::account_id.eq(account_id))
        .filter(order_events::checkout_form_id.eq(checkout_form_id))
        .order(order_events::event_seq.asc())
        .select(OrderEventRow::as_select())
        .load(conn)
}

/// The highest stored event id of the account (by journal order), if any.
pub fn latest_event_id(
    conn: &mut PgConnection,
    account_id: AccountId,
) -> QueryResult<Option<String>> {
    order_events::table
        .filter(order_events::account_id.eq(account_id))
        .order(order_events::event_seq.desc())
        .select(order_events::event_id)
        .first(conn)
        .optional()
}
