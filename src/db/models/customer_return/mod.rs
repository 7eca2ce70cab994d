//! Customer returns (`customer_returns`) and every distinct version of each
//! (`customer_return_versions`): Allegro changes a return in place and keeps no history, so the
//! versions are the status history as the backup saw it. A return names its order by checkout
//! form id within the account (no foreign key: it outlives the order on Allegro). Where the
//! returns pass of an account stands is in `checkpoint`; what the order page reads, in `read`.

mod checkpoint;
mod read;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;

pub use checkpoint::ReturnSyncState;
pub use read::{ReturnVersionHead, ReturnWithHistory, for_order};

use crate::{
    db::schema::{customer_return_versions, customer_returns},
    domain::{AccountId, CheckoutFormId, CustomerReturnId, customer_return::FINAL_RETURN_STATUSES},
};

/// A return as read from Allegro, ready to store (and its columns when it changed: a field
/// Allegro no longer sends is cleared).
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = customer_returns, treat_none_as_null = true)]
pub struct NewCustomerReturn {
    pub return_id: CustomerReturnId,
    pub checkout_form_id: Option<CheckoutFormId>,
    pub reference_number: Option<String>,
    pub status: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    /// The whole return as Allegro sent it.
    pub raw: Value,
    /// sha256 of its canonical JSON: what tells one version from another.
    pub content_hash: String,
}

/// What storing a page of returns did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreCounts {
    /// Returns seen for the first time.
    pub created: usize,
    /// Known returns that changed (a new version).
    pub changed: usize,
    pub unchanged: usize,
}

/// Stores `returns` of account `account_id`: new ones are added with their first version,
/// changed ones updated with a new version, unchanged ones only marked seen. Call it inside the
/// transaction that also moves the checkpoint.
pub fn store(
    conn: &mut PgConnection,
    account_id: AccountId,
    returns: &[NewCustomerReturn],
) -> QueryResult<StoreCounts> {
    use customer_returns::dsl as r;
    let ids: Vec<CustomerReturnId> = returns.iter().map(|x| x.return_id.clone()).collect();
    let known: HashMap<CustomerReturnId, (i64, String)> = r::customer_returns
        .filter(r::account_id.eq(account_id))
        .filter(r::return_id.eq_any(ids))
        .select((r::return_id, r::id, r::content_hash))
        .load::<(CustomerReturnId, i64, String)>(conn)?
        .into_iter()
        .map(|(id, row, hash)| (id, (row, hash)))
        .collect();
    let mut counts = StoreCounts::default();
    let mut unchanged = vec![];
    for item in returns {
        match known.get(&item.return_id) {
            Some((row, hash)) if *hash == item.content_hash => unchanged.push(*row),
            Some((row, _)) => {
                update(conn, *row, item)?;
                add_version(conn, *row, item)?;
                counts.changed += 1;
            }
            None => {
                let row = insert(conn, account_id, item)?;
                add_version(conn, row, item)?;
                counts.created += 1;
            }
        }
    }
    counts.unchanged = unchanged.len();
    diesel::update(r::customer_returns.filter(r::id.eq_any(unchanged)))
        .set(r::last_seen_at.eq(diesel::dsl::now))
        .execute(conn)?;
    Ok(counts)
}

fn insert(
    conn: &mut PgConnection,
    account_id: AccountId,
    item: &NewCustomerReturn,
) -> QueryResult<i64> {
    use customer_returns::dsl as r;
    diesel::insert_into(r::customer_returns)
        .values((r::account_id.eq(account_id), item))
        .returning(r::id)
        .get_result(conn)
}

fn update(conn: &mut PgConnection, row: i64, item: &NewCustomerReturn) -> QueryResult<()> {
    use customer_returns::dsl as r;
    diesel::update(r::customer_returns.find(row))
        .set((item, r::last_seen_at.eq(diesel::dsl::now)))
        .execute(conn)
        .map(drop)
}

/// Keeps `item` as a version of return `row` (a version seen before is not kept twice).
fn add_version(conn: &mut PgConnection, row: i64, item: &NewCustomerReturn) -> QueryResult<()> {
    use customer_return_versions::dsl as v;
    diesel::insert_into(v::customer_return_versions)
        .values((
            v::return_row_id.eq(row),
            v::status.eq(&item.status),
            v::raw.eq(&item.raw),
            v::content_hash.eq(&item.content_hash),
        ))
        .on_conflict((v::return_row_id, v::content_hash))
        .do_nothing()
        .execute(conn)
        .map(drop)
}

/// Up to `limit` returns of the account not final yet and created before `before` (or of
/// unknown creation), after row `after` in row order: the older returns a run re-reads by id.
/// Returns `(row id, return id)`.
pub fn open_created_before(
    conn: &mut PgConnection,
    account_id: AccountId,
    before: DateTime<Utc>,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<(i64, CustomerReturnId)>> {
    use customer_returns::dsl as r;
    r::customer_returns
        .filter(r::account_id.eq(account_id))
        .filter(r::created_at.lt(before).or(r::created_at.is_null()))
        .filter(
            r::status
                .is_null()
                .or(r::status.ne_all(FINAL_RETURN_STATUSES.to_vec())),
        )
        .filter(r::id.gt(after))
        .order(r::id.asc())
        .limit(limit)
        .select((r::id, r::return_id))
        .load(conn)
}
