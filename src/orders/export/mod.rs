//! Orders export: CSV (one row per order or per line item) and NDJSON (the original checkout
//! forms, a restorable backup). Rows are read in keyset chunks of [`CHUNK_ROWS`] by `orders.id`
//! and each chunk is encoded and handed to a sink before the next one is read, so memory stays
//! flat whatever the size. The HTTP export and the CLI share [`write_export`]; they differ
//! only in their sink (a bounded channel into the response body, or stdout).

mod csv_cell;
mod ndjson;

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use diesel::{PgConnection, QueryResult};

use self::csv_cell::SafeCsvWriter;
use super::{OrderFilter, Viewer, mask::mask};
use crate::{
    db::models::{
        account::AccountRow,
        audit::{Actor, AuditAction, AuditEntry},
        order::{
            LineItemRow,
            export::{self as read, ExportRow},
        },
    },
    domain::AccountId,
};

/// Orders read and encoded per step.
pub const CHUNK_ROWS: i64 = 1_000;

/// UTF-8 byte order mark: spreadsheets then read Polish letters right.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One row per order.
    Csv,
    /// One row per line item, the order's key columns repeated.
    CsvItems,
    /// The complete original JSON of each order, one per line.
    Ndjson,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 3] = [
        ExportFormat::Csv,
        ExportFormat::CsvItems,
        ExportFormat::Ndjson,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::CsvItems => "csv-items",
            ExportFormat::Ndjson => "ndjson",
        }
    }

    /// Whether `viewer` may have this format: the NDJSON holds Allegro's original documents,
    /// personal data throughout, so it is not for users who must not see it (the CSVs are
    /// masked for them).
    pub fn available_to(self, viewer: &Viewer) -> bool {
        !(self == ExportFormat::Ndjson && viewer.hide_personal_data)
    }

    /// A short label for the export links.
    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::Csv => "CSV (orders)",
            ExportFormat::CsvItems => "CSV (line items)",
            ExportFormat::Ndjson => "NDJSON",
        }
    }

    pub fn parse(value: &str) -> Option<ExportFormat> {
        let value = value.trim();
        Self::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(value))
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv | ExportFormat::CsvItems => "text/csv; charset=utf-8",
            ExportFormat::Ndjson => "application/x-ndjson",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv | ExportFormat::CsvItems => "csv",
            ExportFormat::Ndjson => "ndjson",
        }
    }
}

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("reading orders failed")]
    Query(#[from] diesel::result::Error),
    #[error("encoding CSV failed")]
    Csv(#[from] csv::Error),
}

/// How an export ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportOutcome {
    /// Orders written (for `csv-items`, orders whose items were written).
    pub orders: u64,
    /// Data rows or lines written.
    pub rows: u64,
    /// False when the sink stopped taking data (the client went away).
    pub completed: bool,
}

/// The personal columns masked for users who may not see buyer data.
pub const PERSONAL_COLUMNS: [&str; 5] = [
    "buyer_login",
    "buyer_email",
    "buyer_first_name",
    "buyer_last_name",
    "buyer_company_name",
];

/// Columns of `csv`, in order (documented in README, "Export columns").
pub const ORDER_COLUMNS: [&str; 27] = [
    "order_id",
    "account",
    "status",
    "fulfillment_status",
    "bought_at_utc",
    "bought_at_local",
    "updated_at_utc",
    "buyer_id",
    "buyer_login",
    "buyer_email",
    "buyer_first_name",
    "buyer_last_name",
    "buyer_company_name",
    "buyer_guest",
    "total_amount",
    "currency",
    "paid_amount",
    "payment_type",
    "payment_provider",
    "payment_finished_at_utc",
    "delivery_method",
    "pickup_point_id",
    "invoice_required",
    "line_item_count",
    "marketplace",
    "merged_into",
    "revision",
];

/// Columns of `csv-items`, in order: the order's key columns, then the item's.
pub const ITEM_COLUMNS: [&str; 17] = [
    "order_id",
    "account",
    "status",
    "bought_at_utc",
    "bought_at_local",
    "buyer_login",
    "buyer_email",
    "order_total_amount",
    "order_currency",
    "line_item_id",
    "offer_id",
    "offer_name",
    "external_id",
    "quantity",
    "price",
    "original_price",
    "currency",
];

/// What the encoders need besides the rows.
struct Context {
    zone: Tz,
    masked: bool,
    logins: HashMap<AccountId, String>,
}

impl Context {
    fn login(&self, account_id: AccountId) -> String {
        self.logins
            .get(&account_id)
            .cloned()
            .unwrap_or_else(|| format!("#{account_id}"))
    }

    fn personal(&self, value: &Option<String>) -> String {
        match value {
            Some(v) if self.masked => mask(v),
            Some(v) => v.clone(),
            None => String::new(),
        }
    }

    /// A value hidden whole from a masked viewer (an identifier: any part of it identifies).
    fn hidden<'a>(&self, value: &'a str) -> &'a str {
        if self.masked { "" } else { value }
    }

    fn local(&self, at: Option<DateTime<Utc>>) -> String {
        at.map(|t| crate::settings::local_time(t, self.zone))
            .unwrap_or_default()
    }
}

fn utc(at: Option<DateTime<Utc>>) -> String {
    at.map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        .unwrap_or_default()
}

fn text(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("")
}

/// Writes every order `viewer` may see matching `filter` in `format`, chunk by chunk, to
/// `sink` (which returns false to stop early). A `helper` connection, when there is one to
/// spare, reads every other NDJSON chunk in parallel (see [`ndjson`]). Callers check beforehand that the format is
/// allowed for the viewer (NDJSON is not masked; see the export route).
pub fn write_export(
    conn: &mut PgConnection,
    helper: Option<&mut PgConnection>,
    viewer: &Viewer,
    filter: &OrderFilter,
    format: ExportFormat,
    zone: Tz,
    mut sink: impl FnMut(Vec<u8>) -> bool,
) -> Result<ExportOutcome, ExportError> {
    if format == ExportFormat::Ndjson {
        let written = ndjson::write_ndjson(conn, helper, viewer, filter, &mut sink)?;
        return Ok(ExportOutcome {
            orders: written.orders,
            rows: written.orders,
            completed: written.completed,
        });
    }
    let context = Context {
        zone,
        masked: viewer.hide_personal_data,
        logins: AccountRow::logins(conn)?.into_iter().collect(),
    };
    let mut outcome = ExportOutcome {
        orders: 0,
        rows: 0,
        completed: true,
    };
    let mut after = 0_i64;
    let mut first = true;
    loop {
        let rows = read::rows_after(conn, viewer.visibility(), filter, after, CHUNK_ROWS)?;
        let last = rows.last().map(|r| r.id);
        let (bytes, written) = if format == ExportFormat::Csv {
            encode_orders(&rows, &context, first)?
        } else {
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            let items = read::items_of(conn, ids)?;
            encode_items(&rows, &items, &context, first)?
        };
        let orders_read = rows.len() as u64;
        first = false;
        outcome.orders += orders_read;
        outcome.rows += written;
        if !bytes.is_empty() && !sink(bytes) {
            outcome.completed = false;
            return Ok(outcome);
        }
        match last {
            Some(id) if orders_read == CHUNK_ROWS as u64 => after = id,
            _ => return Ok(outcome),
        }
    }
}

/// Records the export in the audit log: who, the format, the filters (`details`) and how it
/// ended.
pub fn record_export(
    conn: &mut PgConnection,
    actor: &Actor,
    format: ExportFormat,
    mut details: serde_json::Value,
    outcome: &ExportOutcome,
) -> QueryResult<()> {
    details["format"] = format.as_str().into();
    details["orders"] = outcome.orders.into();
    details["rows"] = outcome.rows.into();
    details["completed"] = outcome.completed.into();
    AuditEntry::record(
        conn,
        actor,
        AuditAction::OrdersExported,
        Some(format.as_str()),
        details,
    )
}

/// A CSV writer into memory, formula cells neutralised; the first chunk starts with the BOM
/// and the header.
fn csv_writer(first: bool, header: &[&str]) -> Result<SafeCsvWriter<Vec<u8>>, csv::Error> {
    let mut writer = SafeCsvWriter::new(csv::Writer::from_writer(if first {
        BOM.to_vec()
    } else {
        Vec::new()
    }));
    if first {
        writer.write_record(header.iter().copied())?;
    }
    Ok(writer)
}

fn finish(writer: SafeCsvWriter<Vec<u8>>) -> Result<Vec<u8>, csv::Error> {
    writer.into_inner()
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

fn encode_orders(
    rows: &[ExportRow],
    cx: &Context,
    first: bool,
) -> Result<(Vec<u8>, u64), csv::Error> {
    let mut writer = csv_writer(first, &ORDER_COLUMNS)?;
    for r in rows {
        writer.write_record([
            r.checkout_form_id.as_str(),
            &cx.login(r.account_id),
            &r.status,
            text(&r.fulfillment_status),
            &utc(r.bought_at),
            &cx.local(r.bought_at),
            &utc(r.updated_at),
            cx.hidden(&r.buyer_id),
            &cx.personal(&r.buyer.login),
            &cx.personal(&r.buyer.email),
            &cx.personal(&r.buyer.first_name),
            &cx.personal(&r.buyer.last_name),
            &cx.personal(&r.buyer.company_name),
            yes_no(r.buyer.guest),
            text(&r.total_amount),
            text(&r.currency),
            text(&r.paid_amount),
            text(&r.payment_type),
            text(&r.payment_provider),
            &utc(r.payment_finished_at),
            text(&r.delivery_method_name),
            text(&r.pickup_point_id),
            yes_no(r.invoice_required),
            &r.line_item_count.to_string(),
            text(&r.marketplace_id),
            text(&r.merged_into),
            text(&r.revision),
        ])?;
    }
    Ok((finish(writer)?, rows.len() as u64))
}

fn encode_items(
    rows: &[ExportRow],
    items: &[LineItemRow],
    cx: &Context,
    first: bool,
) -> Result<(Vec<u8>, u64), csv::Error> {
    let by_id: HashMap<i64, &ExportRow> = rows.iter().map(|r| (r.id, r)).collect();
    let mut writer = csv_writer(first, &ITEM_COLUMNS)?;
    let mut written = 0;
    for item in items {
        let Some(r) = by_id.get(&item.order_id) else {
            continue;
        };
        writer.write_record([
            r.checkout_form_id.as_str(),
            &cx.login(r.account_id),
            &r.status,
            &utc(r.bought_at),
            &cx.local(r.bought_at),
            &cx.personal(&r.buyer.login),
            &cx.personal(&r.buyer.email),
            text(&r.total_amount),
            text(&r.currency),
            &item.line_item_id,
            &item.offer_id,
            text(&item.offer_name),
            text(&item.external_id),
            &item.quantity.to_string(),
            &item.price,
            text(&item.original_price),
            &item.currency,
        ])?;
        written += 1;
    }
    Ok((finish(writer)?, written))
}

/// The download's file name: `allegro-orders-<account or all>-<filters>-<YYYYMMDD-HHMM>.<ext>`,
/// safe ASCII only. `account` is the login (or id) filtered on; `filters` the filter
/// parameters set (name, value), as received.
pub fn file_name(
    account: Option<&str>,
    filters: &[(&str, &str)],
    format: ExportFormat,
    now: DateTime<Utc>,
    zone: Tz,
) -> String {
    let safe = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    let mut name = format!(
        "allegro-orders-{}",
        account.map(&safe).unwrap_or_else(|| "all".to_owned())
    );
    let mut summary = filters
        .iter()
        .map(|(k, v)| format!("{}-{}", safe(k), safe(v)))
        .collect::<Vec<_>>()
        .join("-");
    summary.truncate(100);
    if !summary.is_empty() {
        name.push('-');
        name.push_str(&summary);
    }
    if format == ExportFormat::CsvItems {
        name.push_str("-items");
    }
    format!(
        "{name}-{}.{}",
        now.with_timezone(&zone).format("%Y%m%d-%H%M"),
        format.extension()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn formats_parse_by_name() {
        assert_eq!(ExportFormat::parse("CSV"), Some(ExportFormat::Csv));
        assert_eq!(
            ExportFormat::parse("csv-items"),
            Some(ExportFormat::CsvItems)
        );
        assert_eq!(ExportFormat::parse("ndjson"), Some(ExportFormat::Ndjson));
        assert_eq!(ExportFormat::parse("xlsx"), None);
    }

    #[test]
    fn file_names_are_safe_ascii() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 23, 5, 0).unwrap();
        let name = file_name(
            Some("Sklep Łódź\"; x"),
            &[("status", "READY_FOR_PROCESSING"), ("q", "a/b\r\n")],
            ExportFormat::Csv,
            now,
            chrono_tz::Europe::Warsaw,
        );
        assert_eq!(
            name,
            "allegro-orders-Sklep___d____x-status-READY_FOR_PROCESSING-q-a_b__-20261124-0005.csv"
        );
        assert!(name.is_ascii());
        let all = file_name(None, &[], ExportFormat::Ndjson, now, chrono_tz::UTC);
        assert_eq!(all, "allegro-orders-all-20261123-2305.ndjson");
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let mut writer = csv_writer(true, &["a", "b"]).unwrap();
        writer
            .write_record(["Zażółć, \"gęślą\"", "line\nbreak"])
            .unwrap();
        let bytes = finish(writer).unwrap();
        assert!(bytes.starts_with(BOM));
        assert_eq!(
            std::str::from_utf8(&bytes[3..]).unwrap(),
            "a,b\n\"Zażółć, \"\"gęślą\"\"\",\"line\nbreak\"\n"
        );
    }
}
