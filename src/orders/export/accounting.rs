//! The monthly accounting CSV (`GET /export/accounting?month=YYYY-MM`): per order bought in the
//! month (with the numbers of its invoices) and per currency (never mixed), what the buyer paid,
//! Allegro's fees, the commission it gave back, the refunds paid out and the net that remains;
//! then, per type and currency, the fees of no order booked in the month (listing fees, campaigns).
//! Amounts keep Allegro's signs (money in positive, fees and refunds negative), so `net` is the sum
//! of the row. Plain and excel dialects as the orders' CSV. Read account by account in batches:
//! memory stays flat however many orders the month holds.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use diesel::PgConnection;

use super::{
    ExportError,
    csv_rows::{csv_writer, finish},
    dialect::Dialect,
};
use crate::{
    db::models::accounting::{FeesWithoutOrder, OrderMoney, fees_without_order, orders_money},
    domain::{AccountId, Lang},
};

/// Orders read per batch.
const BATCH: i64 = 1_000;

/// The columns, as the plain dialect names them.
pub const ACCOUNTING_COLUMNS: [&str; 12] = [
    "account",
    "row_kind",
    "order_id",
    "bought_at_utc",
    "invoice_numbers",
    "fee_type",
    "currency",
    "paid",
    "fees",
    "commission_refunded",
    "refunds",
    "net",
];

/// What the file covers.
#[derive(Debug, Clone)]
pub struct AccountingSpec {
    /// Each account with its login.
    pub accounts: Vec<(AccountId, String)>,
    /// The month: `[from, to)`.
    pub range: (DateTime<Utc>, DateTime<Utc>),
    pub dialect: Dialect,
    pub lang: Lang,
    pub zone: Tz,
}

/// How a written file ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountingWritten {
    pub rows: u64,
    pub completed: bool,
}

/// Hands the file to `sent` chunk by chunk until it refuses one.
pub fn write_accounting(
    conn: &mut PgConnection,
    spec: &AccountingSpec,
    sent: impl FnMut(Vec<u8>) -> bool,
) -> Result<AccountingWritten, ExportError> {
    let mut out = Chunks {
        spec,
        sent,
        header_sent: false,
        rows: 0,
    };
    let completed = out.send(vec![])? && write_accounts(conn, spec, &mut out)?;
    Ok(AccountingWritten {
        rows: out.rows,
        completed,
    })
}

/// Each account's orders, then its fees of no order; `false` once a chunk was refused.
fn write_accounts<F: FnMut(Vec<u8>) -> bool>(
    conn: &mut PgConnection,
    spec: &AccountingSpec,
    out: &mut Chunks<'_, F>,
) -> Result<bool, ExportError> {
    for (account, login) in &spec.accounts {
        let mut after = None;
        loop {
            let batch = orders_money(conn, *account, spec.range, after, BATCH)?;
            let Some(last) = batch.last() else { break };
            let next = last.bought_at.map(|at| (at, last.order_row));
            let orders: HashSet<_> = batch.iter().map(|r| r.order_row).collect();
            let full = orders.len() == BATCH as usize;
            let rows = batch
                .into_iter()
                .filter_map(|m| order_row(spec, login, m))
                .collect();
            if !out.send(rows)? {
                return Ok(false);
            }
            match next {
                Some(next) if full => after = Some(next),
                _ => break,
            }
        }
        let fees = fees_without_order(conn, *account, spec.range)?
            .into_iter()
            .map(|f| fee_row(spec, login, f))
            .collect();
        if !out.send(fees)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The file as chunks of CSV handed to `sent`, the header in the first.
struct Chunks<'a, F> {
    spec: &'a AccountingSpec,
    sent: F,
    header_sent: bool,
    rows: u64,
}

impl<F: FnMut(Vec<u8>) -> bool> Chunks<'_, F> {
    /// Writes `rows` as one chunk; whether `sent` took it.
    fn send(&mut self, rows: Vec<Row>) -> Result<bool, ExportError> {
        let (dialect, lang) = (self.spec.dialect, self.spec.lang);
        let mut writer = csv_writer(!self.header_sent, &ACCOUNTING_COLUMNS, dialect, lang)?;
        self.header_sent = true;
        for row in &rows {
            writer.write_record(row.iter().map(String::as_str))?;
        }
        self.rows += rows.len() as u64;
        Ok((self.sent)(finish(writer)?))
    }
}

/// One line of the file, in [`ACCOUNTING_COLUMNS`]' order.
type Row = [String; 12];

/// An order's money in one currency (none for an order without money).
fn order_row(spec: &AccountingSpec, login: &str, m: OrderMoney) -> Option<Row> {
    let currency = m.currency?;
    let amount = |a: Option<String>| {
        spec.dialect
            .amount(a.as_deref().unwrap_or("0.00"))
            .into_owned()
    };
    Some([
        login.to_owned(),
        "order".to_owned(),
        m.checkout_form_id,
        spec.dialect.time(m.bought_at, spec.zone),
        m.invoice_numbers.unwrap_or_default(),
        String::new(),
        currency,
        amount(m.paid),
        amount(m.fees),
        amount(m.commission_refunded),
        amount(m.refunded),
        amount(m.net),
    ])
}

/// The fees of one type and currency that belong to no order.
fn fee_row(spec: &AccountingSpec, login: &str, f: FeesWithoutOrder) -> Row {
    let amount = spec.dialect.amount(&f.amount).into_owned();
    let zero = spec.dialect.amount("0.00").into_owned();
    [
        login.to_owned(),
        "fees_without_order".to_owned(),
        String::new(),
        String::new(),
        String::new(),
        f.type_id.unwrap_or_default(),
        f.currency,
        zero.clone(),
        amount.clone(),
        zero.clone(),
        zero,
        amount,
    ]
}
