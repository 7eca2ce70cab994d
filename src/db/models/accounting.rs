//! The monthly accounting export's queries: per order bought in a range, its invoice numbers
//! and, per currency (never mixed), what the buyer paid, Allegro's fees, the commission it gave back and the refunds
//! paid out, read in batches (keyset on the order's purchase time); and the fees of no order
//! (listing fees, campaigns) booked in the range, per type and currency.

use chrono::{DateTime, Utc};
use diesel::{
    prelude::*,
    sql_types::{BigInt, Nullable, Text, Timestamptz},
};

use crate::domain::{AccountId, refund::PAID_OUT_REFUND_STATUSES};

/// The billing type of a commission given back.
const COMMISSION_REFUND: &str = "REF";

/// The money of one order in one currency. Amounts are decimal text with Allegro's signs:
/// money in positive, fees and refunds negative, so `net` is their sum; each has at least two
/// decimals (`0.00`, never a bare `0`: the zeros summed are written `0.00`).
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct OrderMoney {
    #[diesel(sql_type = BigInt)]
    pub order_row: i64,
    #[diesel(sql_type = Text)]
    pub checkout_form_id: String,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub bought_at: Option<DateTime<Utc>>,
    /// The numbers of the invoices attached to it on Allegro, oldest first, comma-separated.
    #[diesel(sql_type = Nullable<Text>)]
    pub invoice_numbers: Option<String>,
    /// `None`: the order moved no money.
    #[diesel(sql_type = Nullable<Text>)]
    pub currency: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub paid: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub fees: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub commission_refunded: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub refunded: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub net: Option<String>,
}

/// Up to `limit` orders of account `account` bought in `[from, to)` after `after` (the last
/// order of the batch before: its purchase time and row), oldest first, each with a row per
/// currency its money moved in; an order with no money at all (unpaid, no fee) has one row
/// without a currency (so a batch of them still pages on).
pub fn orders_money(
    conn: &mut PgConnection,
    account: AccountId,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> QueryResult<Vec<OrderMoney>> {
    let paid_out = PAID_OUT_REFUND_STATUSES
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ");
    diesel::sql_query(format!(
        "WITH o AS ( \
           SELECT id, account_id, checkout_form_id, bought_at, paid_amount, currency, \
             (SELECT string_agg(i.invoice_number, ', ' ORDER BY i.created_at, i.id) \
              FROM order_invoices i WHERE i.account_id = orders.account_id \
                AND i.checkout_form_id = orders.checkout_form_id) AS invoice_numbers \
           FROM orders \
           WHERE account_id = $1 AND bought_at >= $2 AND bought_at < $3 \
             AND ($4::timestamptz IS NULL OR (bought_at, id) > ($4, $5)) \
           ORDER BY bought_at, id LIMIT $6), \
         m AS ( \
           SELECT o.id, o.currency AS cur, o.paid_amount AS paid, 0.00 AS fees, \
                  0.00 AS commission, 0.00 AS refunded \
           FROM o WHERE o.paid_amount IS NOT NULL AND o.currency IS NOT NULL \
           UNION ALL \
           SELECT o.id, b.currency, 0.00, \
                  CASE WHEN b.type_id = '{COMMISSION_REFUND}' THEN 0.00 ELSE b.amount END, \
                  CASE WHEN b.type_id = '{COMMISSION_REFUND}' THEN b.amount ELSE 0.00 END, 0.00 \
           FROM o JOIN billing_entries b ON b.account_id = o.account_id \
             AND b.checkout_form_id = o.checkout_form_id \
           WHERE b.currency IS NOT NULL AND b.amount IS NOT NULL \
           UNION ALL \
           SELECT o.id, r.currency, 0.00, 0.00, 0.00, -r.total_amount \
           FROM o JOIN payment_refunds r ON r.account_id = o.account_id \
             AND r.checkout_form_id = o.checkout_form_id \
           WHERE r.status IN ({paid_out}) AND r.currency IS NOT NULL \
             AND r.total_amount IS NOT NULL) \
         SELECT o.id AS order_row, o.checkout_form_id, o.bought_at, o.invoice_numbers, \
                m.cur AS currency, \
                sum(m.paid)::text AS paid, sum(m.fees)::text AS fees, \
                sum(m.commission)::text AS commission_refunded, \
                sum(m.refunded)::text AS refunded, \
                (sum(m.paid) + sum(m.fees) + sum(m.commission) + sum(m.refunded))::text AS net \
         FROM o LEFT JOIN m ON m.id = o.id \
         GROUP BY o.id, o.checkout_form_id, o.bought_at, o.invoice_numbers, m.cur \
         ORDER BY o.bought_at, o.id, m.cur"
    ))
    .bind::<BigInt, _>(account.0)
    .bind::<Timestamptz, _>(from)
    .bind::<Timestamptz, _>(to)
    .bind::<Nullable<Timestamptz>, _>(after.map(|a| a.0))
    .bind::<BigInt, _>(after.map_or(0, |a| a.1))
    .bind::<BigInt, _>(limit)
    .load(conn)
}

/// The fees of no order of account `account` booked in `[from, to)`, per type and currency.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct FeesWithoutOrder {
    #[diesel(sql_type = Nullable<Text>)]
    pub type_id: Option<String>,
    #[diesel(sql_type = Text)]
    pub currency: String,
    /// Decimal text, negative for charges.
    #[diesel(sql_type = Text)]
    pub amount: String,
}

pub fn fees_without_order(
    conn: &mut PgConnection,
    account: AccountId,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> QueryResult<Vec<FeesWithoutOrder>> {
    diesel::sql_query(
        "SELECT type_id, currency, sum(amount)::text AS amount FROM billing_entries \
         WHERE account_id = $1 AND occurred_at >= $2 AND occurred_at < $3 \
           AND checkout_form_id IS NULL AND currency IS NOT NULL AND amount IS NOT NULL \
         GROUP BY type_id, currency ORDER BY currency, type_id",
    )
    .bind::<BigInt, _>(account.0)
    .bind::<Timestamptz, _>(from)
    .bind::<Timestamptz, _>(to)
    .load(conn)
}
