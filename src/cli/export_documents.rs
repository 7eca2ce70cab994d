//! `allegro-backup export --format ndjson|csv --resource returns|refunds|billing-entries|…
//! [--dialect plain|excel] [--account LOGIN] [--since DATE]`: every document of the resource as
//! Allegro sent it (the last version read), one per line, or as a CSV row each (the columns of
//! `db::models::documents`), in the order the backup first stored them; `--since`
//! keeps those created (fees: booked) on or after a day of the display zone. Read in batches:
//! memory stays flat however many there are. Runs with the database's own rights; recorded in
//! the audit log as done by `cli`.

use std::io::Write;

use anyhow::Context;
use chrono::NaiveDate;
use diesel::PgConnection;

use super::users::cli_actor;
pub use crate::orders::documents::ExportResource;
use crate::{
    db::models::{
        account::AccountRow,
        audit::{AuditAction, AuditEntry},
        settings::SettingsRow,
    },
    domain::Lang,
    orders::{
        documents::{DocumentSelection, write_documents},
        export::{
            Dialect,
            documents_csv::{CsvLayout, write_documents_csv},
        },
        filter::start_of_day,
    },
};

pub(super) fn parse_resource(value: &str) -> Result<ExportResource, String> {
    ExportResource::parse(value).ok_or_else(|| format!("use {}", ExportResource::names()))
}

/// Which documents to export.
#[derive(Debug, Clone)]
pub(crate) struct DocumentsPlan {
    pub resource: ExportResource,
    pub account: Option<String>,
    /// `YYYY-MM-DD`, a day of the display zone.
    pub since: Option<String>,
    /// CSV in this dialect and language of headers; `None`: NDJSON.
    pub csv: Option<(Dialect, Lang)>,
}

/// Writes the documents to `out`, one per line; returns how many.
pub(crate) fn export_documents(
    conn: &mut PgConnection,
    plan: &DocumentsPlan,
    out: &mut impl Write,
) -> anyhow::Result<u64> {
    let name = plan.resource.as_str();
    let table = plan
        .resource
        .table()
        .with_context(|| format!("--resource {name}: exported by its own encoders"))?;
    let account = match &plan.account {
        Some(login) => Some(
            AccountRow::id_by_login(conn, login)?
                .with_context(|| format!("no account with login {login}"))?,
        ),
        None => None,
    };
    let since = match &plan.since {
        Some(day) => {
            let day = NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d")
                .map_err(|_| anyhow::anyhow!("--since: not a date (use YYYY-MM-DD): {day}"))?;
            Some(start_of_day(day, SettingsRow::display_zone(conn)?))
        }
        None => None,
    };
    let selection = DocumentSelection {
        table,
        accounts: account.map(|id| vec![id]),
        since,
    };
    let mut failed = None;
    let sent = |chunk: Vec<u8>| match out.write_all(&chunk) {
        Ok(()) => true,
        Err(e) => {
            failed = Some(e);
            false
        }
    };
    let written = match plan.csv {
        Some((dialect, lang)) => {
            let layout = CsvLayout {
                dialect,
                lang,
                zone: SettingsRow::display_zone(conn)?,
                masked: false,
            };
            write_documents_csv(conn, &selection, layout, sent)?
        }
        None => write_documents(conn, &selection, sent)?,
    }
    .documents;
    let details = serde_json::json!({
        "resource": name,
        "format": if plan.csv.is_some() { "csv" } else { "ndjson" },
        "dialect": plan.csv.map(|(dialect, _)| dialect.as_str()),
        "account": plan.account,
        "since": plan.since,
        "documents": written,
        "completed": failed.is_none(),
    });
    AuditEntry::record(
        conn,
        &cli_actor(),
        AuditAction::DocumentsExported,
        Some(name),
        details,
    )?;
    match failed {
        // A closed pipe (`| head`) is the reader's choice, not an error.
        Some(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::Error::from(e).context("writing the export failed"))
        }
        _ => Ok(written),
    }
}
