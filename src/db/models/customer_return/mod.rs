//! Customer returns (`customer_returns`) and every distinct version of each
//! (`customer_return_versions`): Allegro changes a return in place and keeps no history, so the
//! versions are the status history as the backup saw it. A return names its order by checkout
//! form id within the account (no foreign key: it outlives the order on Allegro). Where the
//! returns pass of an account stands is in `checkpoint`; how a return is stored and read, in
//! `versioned`.

mod checkpoint;
pub mod list;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;

pub use checkpoint::ReturnSyncState;

use crate::{
    db::{
        models::versioned::versioned_row,
        schema::{customer_return_versions, customer_returns},
    },
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

versioned_row!(
    NewCustomerReturn,
    id: CustomerReturnId = customer_returns::return_id,
    resource: "returns",
    versions: customer_return_versions::return_row_id with status,
);

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
