//! Commission refund claims (`refund_claims`) and every distinct version of each
//! (`refund_claim_versions`): Allegro changes a claim's status in place and keeps no history,
//! so the versions are the status history as the backup saw it. A claim names a line item of
//! an order, not the order: [`link_orders`] finds the order through `order_line_items` once
//! the backup holds it. Where the claims pass of an account stands is in `listing`.

use chrono::{DateTime, Utc};
use diesel::{prelude::*, sql_types::BigInt};
use serde_json::Value;

use crate::{
    db::{
        models::versioned::versioned_row,
        schema::{refund_claim_versions, refund_claims},
    },
    domain::{AccountId, RefundClaimId},
};

/// A claim as read from Allegro, ready to store (a field Allegro no longer sends is cleared).
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = refund_claims, treat_none_as_null = true)]
pub struct NewRefundClaim {
    pub claim_id: RefundClaimId,
    /// `lineItem.id`: the order's `lineItems[].id`.
    pub line_item_id: Option<String>,
    pub offer_id: Option<String>,
    pub status: Option<String>,
    /// `type`: `MANUAL` or `AUTOMATIC`.
    pub claim_type: Option<String>,
    pub quantity: Option<i32>,
    pub currency: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    /// The whole claim as Allegro sent it.
    pub raw: Value,
    /// sha256 of its canonical JSON: what tells one version from another.
    pub content_hash: String,
    /// `commission.amount` (a JSON number at Allegro) as decimal text, stored as NUMERIC.
    #[diesel(skip_insertion, skip_update)]
    pub commission_amount: Option<String>,
}

versioned_row!(
    NewRefundClaim,
    id: RefundClaimId = refund_claims::claim_id,
    resource: "refund-claims",
    versions: refund_claim_versions::claim_row_id with status,
    numeric: { commission_amount = commission_amount },
);

/// Gives the account's claims not linked yet the order of their line item, where the backup
/// holds it. Returns how many it linked.
pub fn link_orders(conn: &mut PgConnection, account_id: AccountId) -> QueryResult<usize> {
    diesel::sql_query(
        "UPDATE refund_claims c SET checkout_form_id = o.checkout_form_id \
         FROM order_line_items li JOIN orders o ON o.id = li.order_id \
         WHERE c.account_id = $1 AND c.checkout_form_id IS NULL \
           AND li.line_item_id = c.line_item_id AND o.account_id = c.account_id",
    )
    .bind::<BigInt, _>(account_id.0)
    .execute(conn)
}
