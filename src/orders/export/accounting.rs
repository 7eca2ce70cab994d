//! The monthly accounting CSV (`GET /export/accounting?month=YYYY-MM`): per order bought in the
//! month (with the numbers of its invoices) and per currency (never mixed), what the buyer paid,
//! Allegro's fees, the commission it gave back, the refunds paid out and the net that remains;
//! then, per type and currency, the fees of no order booked in the month (listing fees, campaigns).
//! Amounts keep Allegro's signs (money in positive, fees and refunds negative), so `net` is the sum
//! of the row. Plain and excel dialects as the orders' CSV. Read account by account in batches:
//! memory stays flat however many orders the month holds.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use diesel::PgConnection;

use super::{
    ExportError,
    csv_rows::{csv_writer, finish},
    dialect::Dialect,
};
use crate::{
    db::models::accounting::{fees_without_order, orders_money},
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
    mut sent: impl FnMut(Vec<u8>) -> bool,
) -> Result<AccountingWritten, ExportError> {
    let mut written = AccountingWritten {
        rows: 0,
        completed: true,
    };
    let mut first = true;
    let mut send = |rows: Vec<[String; 12]>, first: &mut bool| -> Result<bool, ExportError> {
        let mut writer = csv_writer(*first, &ACCOUNTING_COLUMNS, spec.dialect, spec.lang)?;
        *first = false;
        for row in &rows {
            writer.write_record(row.iter().map(String::as_str))?;
        }
        written.rows += rows.len() as u64;
        Ok(sent(finish(writer)?))
    };
    if !send(vec![], &mut first)? {
        written.completed = false;
        return Ok(written);
    }
    for (account, login) in &spec.accounts {
        let mut after = None;
        loop {
            let batch = orders_money(conn, *account, spec.range, after, BATCH)?;
            let Some(last) = batch.last() else { break };
            let next = last.bought_at.map(|at| (at, last.order_row));
            let full = batch
                .iter()
                .map(|r| r.order_row)
                .collect::<std::collections::HashSet<_>>()
                .len()
                == BATCH as usize;
            let rows = batch
                .into_iter()
                .filter_map(|m| {
                    let currency = m.currency?;
                    let amount = |a: Option<String>| {
                        spec.dialect
                            .amount(a.as_deref().unwrap_or("0.00"))
                            .into_owned()
                    };
                    Some([
                        login.clone(),
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
                })
                .collect();
            if !send(rows, &mut first)? {
                written.completed = false;
                return Ok(written);
            }
            match next {
                Some(next) if full => after = Some(next),
                _ => break,
            }
        }
        let fees = fees_without_order(conn, *account, spec.range)?
            .into_iter()
            .map(|f| {
                let amount = spec.dialect.amount(&f.amount).into_owned();
                let zero = spec.dialect.amount("0.00").into_owned();
                [
                    login.clone(),
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
            })
            .collect();
        if !send(fees, &mut first)? {
            written.completed = false;
            return Ok(written);
        }
    }
    Ok(written)
}
