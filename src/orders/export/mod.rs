//! Orders export: CSV (one row per order or per line item, in the plain or the excel
//! [`Dialect`]) and NDJSON (the original checkout forms, a restorable backup). Rows are read
//! in keyset chunks of [`CHUNK_ROWS`] and each chunk is encoded and handed to a sink before the
//! next one is read, so memory stays flat whatever the size. The CSVs walk the orders list's
//! sort order (the same keyset walk as the list's pages, so a file lists the orders as the
//! list shows them); NDJSON walks `orders.id`, the order they were stored in. The HTTP export
//! and the CLI share [`write_export`]; they differ only in their sink (a bounded channel into
//! the response body, or stdout).

pub mod accounting;
mod columns;
mod csv_cell;
mod csv_rows;
mod dialect;
pub mod documents_csv;
mod file_name;
mod format;
mod ndjson;

use chrono_tz::Tz;
use diesel::{PgConnection, QueryResult};

use self::csv_rows::{Context, encode_items, encode_orders};
pub use self::{
    columns::{HIDDEN_COLUMNS, ITEM_COLUMNS, ORDER_COLUMNS, PERSONAL_COLUMNS},
    dialect::Dialect,
    file_name::file_name,
    format::{ExportFormat, ExportKind},
};
use super::{OrderFilter, Viewer, sort::Sort};
use crate::db::models::{
    account::AccountRow,
    audit::{Actor, AuditAction, AuditEntry},
    order::{export as read, list::Walk},
};
use crate::domain::Lang;

/// Orders read and encoded per step.
pub const CHUNK_ROWS: i64 = 1_000;

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

/// What an export writes: the kind (format and dialect) and, for the CSVs, the list's sort
/// order the rows come in. A bare [`ExportFormat`] or [`ExportKind`] means the list's default
/// sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportSpec {
    pub kind: ExportKind,
    pub sort: Sort,
    /// The language an excel file names its columns and yes/no in (plain files: none).
    pub lang: Lang,
}

impl From<ExportKind> for ExportSpec {
    fn from(kind: ExportKind) -> Self {
        ExportSpec {
            kind,
            sort: Sort::default(),
            lang: Lang::default(),
        }
    }
}

impl From<ExportFormat> for ExportSpec {
    fn from(format: ExportFormat) -> Self {
        ExportKind::from(format).into()
    }
}

/// Writes every order `viewer` may see matching `filter` as `spec` says, chunk by chunk, to
/// `sink` (which returns false to stop early). A `helper` connection, when there is one to
/// spare, reads every other NDJSON chunk in parallel (see [`ndjson`]). Callers check
/// beforehand that the format is allowed for the viewer (NDJSON is not masked; see the export
/// route).
pub fn write_export(
    conn: &mut PgConnection,
    helper: Option<&mut PgConnection>,
    viewer: &Viewer,
    filter: &OrderFilter,
    spec: impl Into<ExportSpec>,
    zone: Tz,
    mut sink: impl FnMut(Vec<u8>) -> bool,
) -> Result<ExportOutcome, ExportError> {
    let ExportSpec { kind, sort, lang } = spec.into();
    let format = kind.format();
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
        dialect: kind.dialect(),
        lang,
        yes_no: kind.dialect().yes_no(lang),
        masked: viewer.hide_personal_data,
        logins: AccountRow::logins(conn)?.into_iter().collect(),
    };
    let mut outcome = ExportOutcome {
        orders: 0,
        rows: 0,
        completed: true,
    };
    // Where the previous chunk ended: its last row's sort key and id.
    let mut after = None;
    let mut first = true;
    loop {
        let walk = Walk {
            key: sort.key,
            descending: sort.descending,
            backwards: false,
            after: after.as_ref().map(|(key, id)| (key, *id)),
        };
        let rows = read::rows_walking(conn, viewer.visibility(), filter, walk, CHUNK_ROWS)?;
        let last = rows.last().map(|r| (r.order.key(sort.key), r.order.id));
        let (bytes, written) = if format == ExportFormat::Csv {
            encode_orders(&rows, &context, first)?
        } else {
            let ids: Vec<i64> = rows.iter().map(|r| r.order.id).collect();
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
            Some(last) if orders_read == CHUNK_ROWS as u64 => after = Some(last),
            _ => return Ok(outcome),
        }
    }
}

/// Records the export in the audit log: who, the format, dialect and sort, the filters
/// (`details`) and how it ended.
pub fn record_export(
    conn: &mut PgConnection,
    actor: &Actor,
    spec: ExportSpec,
    mut details: serde_json::Value,
    outcome: &ExportOutcome,
) -> QueryResult<()> {
    let format = spec.kind.format();
    details["format"] = format.as_str().into();
    details["dialect"] = spec.kind.dialect().as_str().into();
    if format != ExportFormat::Ndjson {
        details["sort"] = spec.sort.name().into();
    }
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
