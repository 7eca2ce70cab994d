//! Payment refunds (`payment_refunds`) and every distinct version of each
//! (`payment_refund_versions`): Allegro changes a refund's status in place and keeps no
//! history, so the versions are the status history as the backup saw it. A refund names its
//! order by checkout form id and its payment by payment id within the account (no foreign key:
//! it outlives the order on Allegro). Where the refunds pass of an account stands is in
//! `listing`; how a refund is stored and read, in `versioned`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;

use crate::{
    db::{
        models::versioned::versioned_row,
        schema::{payment_refund_versions, payment_refunds},
    },
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

versioned_row!(
    NewRefund,
    id: RefundId = payment_refunds::refund_id,
    resource: "refunds",
    versions: payment_refund_versions::refund_row_id with status,
    numeric: { total_amount = total_amount },
);

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
