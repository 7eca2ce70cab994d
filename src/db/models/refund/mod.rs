//! Payment refunds (`payment_refunds`) and every distinct version of each
//! (`payment_refund_versions`): Allegro changes a refund's status in place and keeps no
//! history, so the versions are the status history as the backup saw it. A refund names its
//! order by checkout form id and its payment by payment id within the account (no foreign key:
//! it outlives the order on Allegro). Where the refunds pass of an account stands is in
//! `checkpoint`; what the order page reads, in `read`.

mod checkpoint;
mod read;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::{
    dsl::sql,
    prelude::*,
    sql_types::{Nullable, Numeric, Text},
};
use serde_json::Value;

pub use checkpoint::{Listing, RefundSyncState, WindowStep};
pub use read::{RefundVersionHead, RefundWithHistory, for_order};

use crate::{
    db::schema::{payment_refund_versions, payment_refunds},
    domain::{AccountId, CheckoutFormId, RefundId, refund::FINAL_REFUND_STATUSES},
};

/// A refund as read from Allegro, ready to store (a field Allegro no longer sends is cleared).
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = payment_refunds, treat_none_as_null = true)]
pub struct NewRefund {
    pub refund_id: RefundId,
    pub checkout_form_id: Option<CheckoutFormId>,
    pub payment_id: Option<String>,
    pub reason: Option<String>,
    pub status: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub currency: Option<String>,
    /// The whole refund as Allegro sent it.
    pub raw: Value,
    /// sha256 of its canonical JSON: what tells one version from another.
    pub content_hash: String,
    /// `totalValue.amount`, a validated decimal string (stored as NUMERIC).
    #[diesel(skip_insertion, skip_update)]
    pub total_amount: Option<String>,
}

/// What storing a page of refunds did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreCounts {
    /// Refunds seen for the first time.
    pub created: usize,
    /// Known refunds that changed (a new version).
    pub changed: usize,
    pub unchanged: usize,
}

/// `amount` cast to NUMERIC by PostgreSQL (the decimal text never passes through a float).
macro_rules! numeric {
    ($amount:expr) => {
        sql::<Nullable<Numeric>>("")
            .bind::<Nullable<Text>, _>($amount)
            .sql("::numeric")
    };
}

/// Stores `refunds` of account `account_id`: new ones are added with their first version,
/// changed ones updated with a new version, unchanged ones only marked seen. Call it inside the
/// transaction that also moves the checkpoint.
pub fn store(
    conn: &mut PgConnection,
    account_id: AccountId,
    refunds: &[NewRefund],
) -> QueryResult<StoreCounts> {
    use payment_refunds::dsl as r;
    let ids: Vec<RefundId> = refunds.iter().map(|x| x.refund_id.clone()).collect();
    let known: HashMap<RefundId, (i64, String)> = r::payment_refunds
        .filter(r::account_id.eq(account_id))
        .filter(r::refund_id.eq_any(ids))
        .select((r::refund_id, r::id, r::content_hash))
        .load::<(RefundId, i64, String)>(conn)?
        .into_iter()
        .map(|(id, row, hash)| (id, (row, hash)))
        .collect();
    let mut counts = StoreCounts::default();
    let mut unchanged = vec![];
    for item in refunds {
        match known.get(&item.refund_id) {
            Some((row, hash)) if *hash == item.content_hash => unchanged.push(*row),
            Some((row, _)) => {
                diesel::update(r::payment_refunds.find(*row))
                    .set((
                        item,
                        r::total_amount.eq(numeric!(item.total_amount.as_deref())),
                        r::last_seen_at.eq(diesel::dsl::now),
                    ))
                    .execute(conn)?;
                add_version(conn, *row, item)?;
                counts.changed += 1;
            }
            None => {
                let row = diesel::insert_into(r::payment_refunds)
                    .values((
                        r::account_id.eq(account_id),
                        item,
                        r::total_amount.eq(numeric!(item.total_amount.as_deref())),
                    ))
                    .returning(r::id)
                    .get_result(conn)?;
                add_version(conn, row, item)?;
                counts.created += 1;
            }
        }
    }
    counts.unchanged = unchanged.len();
    diesel::update(r::payment_refunds.filter(r::id.eq_any(unchanged)))
        .set(r::last_seen_at.eq(diesel::dsl::now))
        .execute(conn)?;
    Ok(counts)
}

/// Keeps `item` as a version of refund `row` (a version seen before is not kept twice).
fn add_version(conn: &mut PgConnection, row: i64, item: &NewRefund) -> QueryResult<()> {
    use payment_refund_versions::dsl as v;
    diesel::insert_into(v::payment_refund_versions)
        .values((
            v::refund_row_id.eq(row),
            v::status.eq(&item.status),
            v::raw.eq(&item.raw),
            v::content_hash.eq(&item.content_hash),
        ))
        .on_conflict((v::refund_row_id, v::content_hash))
        .do_nothing()
        .execute(conn)
        .map(drop)
}

/// Up to `limit` refunds of the account not final yet and not read since `seen_before`, after
/// row `after` in row order: those a run reads again by id. Returns `(row id, refund id)`.
pub fn open_not_seen_since(
    conn: &mut PgConnection,
    account_id: AccountId,
    seen_before: DateTime<Utc>,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<(i64, RefundId)>> {
    use payment_refunds::dsl as r;
    r::payment_refunds
        .filter(r::account_id.eq(account_id))
        .filter(r::last_seen_at.lt(seen_before))
        .filter(
            r::status
                .is_null()
                .or(r::status.ne_all(FINAL_REFUND_STATUSES.to_vec())),
        )
        .filter(r::id.gt(after))
        .order(r::id.asc())
        .limit(limit)
        .select((r::id, r::refund_id))
        .load(conn)
}
