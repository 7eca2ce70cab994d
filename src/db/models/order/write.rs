//! Writing orders: a page of checkout forms stored in a few statements per chunk (see the
//! module above), a form that cannot be stored set aside without losing the rest.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::{
    prelude::*,
    sql_query,
    sql_types::{Array, BigInt, Bool, Integer, Nullable, Text, Timestamptz},
};

use super::{
    NewLineItem, NewOrder, UpsertCounts,
    sql::{
        BUMP_UNCHANGED_SQL, INSERT_LINE_ITEMS_SQL, INSERT_REVISIONS_SQL, KEEP_SUPERSEDED_SQL,
        PREFER_LZ4_SQL, UPSERT_SQL,
    },
};
use crate::{
    db::{
        models::order_change::{self, ChangeKind, NewChange},
        schema::order_line_items,
    },
    domain::{AccountId, CheckoutFormId},
};

/// Orders per statement. Parameters are per column (arrays), so this bounds statement size and
/// memory, not the bind count.
pub const UPSERT_CHUNK: usize = 500;

#[derive(QueryableByName)]
struct UpsertedRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    checkout_form_id: CheckoutFormId,
    #[diesel(sql_type = Bool)]
    inserted: bool,
}

#[derive(QueryableByName)]
struct FormIdRow {
    #[diesel(sql_type = Text)]
    checkout_form_id: CheckoutFormId,
}

/// Stores checkout forms of one account: new ones are inserted, changed ones (different content
/// hash) overwritten with their line items replaced, and each new version is added to
/// `order_revisions`; identical ones only get `last_seen_at` bumped. A form seen again is no
/// longer "gone from Allegro". Within one call a checkout form id that appears twice counts once
/// (the last copy wins).
///
/// Runs a few statements per chunk of [`UPSERT_CHUNK`] orders and opens no transaction of its
/// own: call it inside the transaction that also advances the sync checkpoint.
pub fn upsert_orders(
    conn: &mut PgConnection,
    account_id: AccountId,
    orders: &[NewOrder],
) -> QueryResult<UpsertCounts> {
    // The last copy of each id wins: ON CONFLICT DO UPDATE cannot touch a row twice in one
    // statement.
    let mut last_index: HashMap<&str, usize> = HashMap::with_capacity(orders.len());
    for (i, order) in orders.iter().enumerate() {
        last_index.insert(order.columns.checkout_form_id.as_str(), i);
    }
    let unique: Vec<&NewOrder> = orders
        .iter()
        .enumerate()
        .filter(|(i, o)| last_index.get(o.columns.checkout_form_id.as_str()) == Some(i))
        .map(|(_, o)| o)
        .collect();

    let mut counts = UpsertCounts::default();
    for chunk in unique.chunks(UPSERT_CHUNK) {
        counts += upsert_chunk(conn, account_id, chunk)?;
    }
    Ok(counts)
}

/// The orders the database refused for what they hold, each with the refusal.
pub type Refused<'a> = Vec<(&'a NewOrder, diesel::result::Error)>;

/// [`upsert_orders`] in a transaction of its own; when the database refuses the batch because
/// of some order's content, stores them one by one (each in its own transaction) and returns
/// the refused ones with their errors. Every order refused alone means the trouble is not in
/// the orders (a schema or server fault): then the batch fails instead.
pub fn upsert_orders_isolating<'a>(
    conn: &mut PgConnection,
    account_id: AccountId,
    orders: &'a [NewOrder],
) -> QueryResult<(UpsertCounts, Refused<'a>)> {
    match conn.transaction(|conn| upsert_orders(conn, account_id, orders)) {
        Ok(counts) => Ok((counts, vec![])),
        Err(e) if orders.len() > 1 && is_content_error(&e) => one_by_one(conn, account_id, orders),
        Err(e) if orders.len() == 1 && is_content_error(&e) => {
            Ok((UpsertCounts::default(), vec![(&orders[0], e)]))
        }
        Err(e) => Err(e),
    }
}

fn one_by_one<'a>(
    conn: &mut PgConnection,
    account_id: AccountId,
    orders: &'a [NewOrder],
) -> QueryResult<(UpsertCounts, Refused<'a>)> {
    let mut total = UpsertCounts::default();
    let mut refused = vec![];
    for o in orders {
        match conn.transaction(|conn| upsert_orders(conn, account_id, std::slice::from_ref(o))) {
            Ok(counts) => total += counts,
            Err(e) if is_content_error(&e) => refused.push((o, e)),
            Err(e) => return Err(e),
        }
    }
    if refused.len() == orders.len() {
        if let Some((_, last_error)) = refused.pop() {
            return Err(last_error);
        }
    }
    Ok((total, refused))
}

/// A refusal caused by what was written (bad bytes, a value out of range, a violated
/// constraint), as opposed to a lost connection or a conflict worth retrying.
fn is_content_error(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(kind, _) => !matches!(
            kind,
            DatabaseErrorKind::ClosedConnection
                | DatabaseErrorKind::UnableToSendCommand
                | DatabaseErrorKind::SerializationFailure
                | DatabaseErrorKind::ReadOnlyTransaction
        ),
        Error::SerializationError(_) => true,
        _ => false,
    }
}

fn upsert_chunk(
    conn: &mut PgConnection,
    account_id: AccountId,
    chunk: &[&NewOrder],
) -> QueryResult<UpsertCounts> {
    let hashes: Vec<&str> = chunk.iter().map(|o| o.document.hash()).collect();
    let ids: Vec<&str> = chunk
        .iter()
        .map(|o| o.columns.checkout_form_id.as_str())
        .collect();

    let unchanged: Vec<FormIdRow> = sql_query(BUMP_UNCHANGED_SQL)
        .bind::<BigInt, _>(account_id)
        .bind::<Array<Text>, _>(&ids)
        .bind::<Array<Text>, _>(&hashes)
        .load(conn)?;
    let unchanged: std::collections::HashSet<CheckoutFormId> =
        unchanged.into_iter().map(|r| r.checkout_form_id).collect();

    let changed: Vec<&NewOrder> = chunk
        .iter()
        .filter(|o| !unchanged.contains(&o.columns.checkout_form_id))
        .copied()
        .collect();
    let mut counts = UpsertCounts {
        unchanged: unchanged.len(),
        ..UpsertCounts::default()
    };
    if changed.is_empty() {
        return Ok(counts);
    }

    sql_query(PREFER_LZ4_SQL).execute(conn)?;
    let changed_ids: Vec<&str> = changed
        .iter()
        .map(|o| o.columns.checkout_form_id.as_str())
        .collect();
    sql_query(KEEP_SUPERSEDED_SQL)
        .bind::<BigInt, _>(account_id)
        .bind::<Array<Text>, _>(&changed_ids)
        .execute(conn)?;
    let upserted = upsert_rows(conn, account_id, &changed)?;
    // RETURNING comes back in input order for INSERT … SELECT FROM unnest, but do not rely on
    // it: line items are matched through the checkout form id.
    let replaced: Vec<i64> = upserted
        .iter()
        .filter(|(_, (_, inserted))| !inserted)
        .map(|(id, _)| *id)
        .collect();
    counts.created = upserted.len() - replaced.len();
    counts.updated = replaced.len();

    if !replaced.is_empty() {
        diesel::delete(
            order_line_items::table.filter(order_line_items::order_id.eq_any(&replaced)),
        )
        .execute(conn)?;
    }
    let written = written_orders(&upserted, &changed);
    insert_line_items(conn, &written)?;
    insert_revisions(conn, &written)?;
    record_changes(conn, account_id, &upserted, &written)?;
    Ok(counts)
}

/// Inserts or overwrites `changed`; returns `(orders.id, (checkout_form_id, inserted))`.
/// Columns are bound as borrowed slices: nothing of the orders is copied before diesel writes
/// the parameters.
fn upsert_rows(
    conn: &mut PgConnection,
    account_id: AccountId,
    changed: &[&NewOrder],
) -> QueryResult<Vec<(i64, (CheckoutFormId, bool))>> {
    let col = |f: fn(&NewOrder) -> &str| changed.iter().map(|o| f(o)).collect::<Vec<_>>();
    let text = |f: fn(&NewOrder) -> &Option<String>| {
        changed.iter().map(|o| f(o).as_deref()).collect::<Vec<_>>()
    };
    let flag = |f: fn(&NewOrder) -> bool| changed.iter().map(|o| f(o)).collect::<Vec<_>>();
    let time = |f: fn(&NewOrder) -> Option<DateTime<Utc>>| {
        changed.iter().map(|o| f(o)).collect::<Vec<_>>()
    };
    // `xmax = 0` is PostgreSQL's tell for a row this statement inserted (not updated).
    let rows: Vec<UpsertedRow> = sql_query(UPSERT_SQL)
        .into_boxed()
        .bind::<BigInt, _>(account_id)
        .bind::<Array<Text>, _>(col(|o| o.columns.checkout_form_id.as_str()))
        .bind::<Array<Nullable<Text>>, _>(text(|o| &o.columns.marketplace_id))
        .bind::<Array<Text>, _>(col(|o| &o.columns.status))
        .bind::<Array<Nullable<Text>>, _>(text(|o| &o.columns.fulfillment_status))
        .bind::<Array<Text>, _>(col(|o| &o.columns.buyer_id))
        .bind::<Array<Nullable<Text>>, _>(text(|o| &o.columns.buyer.login))
        .bind::<Array<Nullable<Text>>, _>(text(|o| &o.columns.buyer.email))
        .bind::<Array<Nullable<Text>>, _>(text(|o| &o.columns.buyer.first_name))
        .bind::<Array<Nullable<Text>>, _>(text(|o| &o.columns.buyer.last_name))
        .bind::<Array<Nullable<Text>>, _>(text(|o| &o.columns.buyer.company_name))
        .bind::<Array<Bool>, _>(flag(|o| o.columns.buyer.guest))
        .bind::<Array<Nullable<Text>>, _>(text(|o| &o.columns.total_amount))
        .bind::<Array<Nullable<Text>>, _>(text(|o| &o.columns.currency))
        .bind::<Array<Nullable<Text>>, _>(text(|o| &o.columns.payment_type))
        .bind::<Array<Nullable<Text>>, _>(text(|o| &o.columns.payment_provider))
        .bind::<Array<Nullable<Timestamptz>>, _>(time(|o| o.columns.payment_finished_at))
        .bind::<Array<Nullable<Text>>, _>(text(|o| &o.columns.paid_amount))
        .bind::<Array<Nullable<Text>>, _>(text(|o| &o.columns.delivery_method_id))
        .bind::<Array<Nullable<Text>>, _>(text(|o| &o.columns.delivery_method_name))
        .bind::<Array<Nullable<Text>>, _>(text(|o| &o.columns.pickup_point_id))
        .bind::<Array<Bool>, _>(flag(|o| o.columns.invoice_required))
        .bind::<Array<Integer>, _>(
            changed
                .iter()
                .map(|o| o.columns.line_item_count)
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Nullable<Timestamptz>>, _>(time(|o| o.columns.bought_at))
        .bind::<Array<Nullable<Timestamptz>>, _>(time(|o| o.columns.updated_at))
        .bind::<Array<Nullable<Text>>, _>(text(|o| &o.columns.revision))
        .bind::<Array<Text>, _>(col(|o| o.document.hash()))
        .bind::<Array<Text>, _>(col(|o| o.document.text()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, (r.checkout_form_id, r.inserted)))
        .collect())
}

/// Each written order with its `orders.id`, matched through the checkout form id.
fn written_orders<'a>(
    upserted: &[(i64, (CheckoutFormId, bool))],
    changed: &[&'a NewOrder],
) -> Vec<(i64, &'a NewOrder)> {
    let by_form: HashMap<&str, &NewOrder> = changed
        .iter()
        .map(|o| (o.columns.checkout_form_id.as_str(), *o))
        .collect();
    upserted
        .iter()
        .filter_map(|(id, (form_id, _))| Some((*id, *by_form.get(form_id.as_str())?)))
        .collect()
}

/// The changes feed's entries for the orders just written: created or updated, with the new
/// revision (see [`order_change::record`]).
fn record_changes(
    conn: &mut PgConnection,
    account_id: AccountId,
    upserted: &[(i64, (CheckoutFormId, bool))],
    written: &[(i64, &NewOrder)],
) -> QueryResult<()> {
    let inserted: std::collections::HashSet<i64> = upserted
        .iter()
        .filter(|(_, (_, inserted))| *inserted)
        .map(|(id, _)| *id)
        .collect();
    let changes: Vec<NewChange<'_>> = written
        .iter()
        .map(|(id, order)| NewChange {
            order_id: *id,
            kind: if inserted.contains(id) {
                ChangeKind::Created
            } else {
                ChangeKind::Updated
            },
            revision: order.columns.revision.as_deref(),
        })
        .collect();
    order_change::record(conn, account_id, &changes)
}

/// A revision row (by reference) for each order just written.
fn insert_revisions(conn: &mut PgConnection, written: &[(i64, &NewOrder)]) -> QueryResult<()> {
    sql_query(INSERT_REVISIONS_SQL)
        .bind::<Array<BigInt>, _>(written.iter().map(|(id, _)| *id).collect::<Vec<_>>())
        .bind::<Array<Nullable<Text>>, _>(
            written
                .iter()
                .map(|(_, o)| o.columns.revision.as_deref())
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Text>, _>(
            written
                .iter()
                .map(|(_, o)| o.document.hash())
                .collect::<Vec<_>>(),
        )
        .execute(conn)
        .map(drop)
}

fn insert_line_items(conn: &mut PgConnection, written: &[(i64, &NewOrder)]) -> QueryResult<()> {
    let items: Vec<(i64, &NewLineItem)> = written
        .iter()
        .flat_map(|(id, order)| order.line_items.iter().map(move |item| (*id, item)))
        .collect();
    if items.is_empty() {
        return Ok(());
    }
    let col = |f: fn(&NewLineItem) -> &str| items.iter().map(|(_, i)| f(i)).collect::<Vec<_>>();
    let text = |f: fn(&NewLineItem) -> &Option<String>| {
        items
            .iter()
            .map(|(_, i)| f(i).as_deref())
            .collect::<Vec<_>>()
    };
    sql_query(INSERT_LINE_ITEMS_SQL)
        .into_boxed()
        .bind::<Array<BigInt>, _>(items.iter().map(|(id, _)| *id).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(col(|i| &i.line_item_id))
        .bind::<Array<Text>, _>(col(|i| &i.offer_id))
        .bind::<Array<Nullable<Text>>, _>(text(|i| &i.offer_name))
        .bind::<Array<Nullable<Text>>, _>(text(|i| &i.external_id))
        .bind::<Array<Integer>, _>(items.iter().map(|(_, i)| i.quantity).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(col(|i| &i.price))
        .bind::<Array<Nullable<Text>>, _>(text(|i| &i.original_price))
        .bind::<Array<Text>, _>(col(|i| &i.currency))
        .bind::<Array<Nullable<Timestamptz>>, _>(
            items.iter().map(|(_, i)| i.bought_at).collect::<Vec<_>>(),
        )
        .execute(conn)
        .map(drop)
}
