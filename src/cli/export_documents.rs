//! `allegro-backup export --format ndjson --resource returns|refunds|billing-entries
//! [--account LOGIN] [--since DATE]`: every document of the resource as Allegro sent it (the
//! last version read), one per line, in the order the backup first stored them; `--since`
//! keeps those created (fees: booked) on or after a day of the display zone. Read in batches:
//! memory stays flat however many there are. Runs with the database's own rights; recorded in
//! the audit log as done by `cli`. The resources not backed up yet are refused with a message.

use std::io::Write;

use anyhow::Context;
use chrono::NaiveDate;
use diesel::PgConnection;

use super::users::cli_actor;
use crate::{
    db::models::{
        account::AccountRow,
        audit::{AuditAction, AuditEntry},
        documents::{DocumentTable, documents_after},
        settings::SettingsRow,
    },
    orders::filter::start_of_day,
};

/// Documents read per database round trip.
const BATCH: i64 = 1_000;

/// What `--resource` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportResource {
    Orders,
    Returns,
    Refunds,
    RefundClaims,
    BillingEntries,
    PaymentOperations,
    Invoices,
}

impl ExportResource {
    const ALL: [(ExportResource, &'static str); 7] = [
        (Self::Orders, "orders"),
        (Self::Returns, "returns"),
        (Self::Refunds, "refunds"),
        (Self::RefundClaims, "refund-claims"),
        (Self::BillingEntries, "billing-entries"),
        (Self::PaymentOperations, "payment-operations"),
        (Self::Invoices, "invoices"),
    ];

    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(r, _)| *r == self)
            .map_or("orders", |(_, name)| name)
    }

    /// The table its documents are kept in; `None` for a resource the backup does not keep yet.
    fn table(self) -> Option<DocumentTable> {
        match self {
            Self::Returns => Some(DocumentTable::CustomerReturns),
            Self::Refunds => Some(DocumentTable::PaymentRefunds),
            Self::BillingEntries => Some(DocumentTable::BillingEntries),
            Self::Orders | Self::RefundClaims | Self::PaymentOperations | Self::Invoices => None,
        }
    }
}

pub(super) fn parse_resource(value: &str) -> Result<ExportResource, String> {
    ExportResource::ALL
        .iter()
        .find(|(_, name)| *name == value)
        .map(|(r, _)| *r)
        .ok_or_else(|| {
            let names: Vec<&str> = ExportResource::ALL.iter().map(|(_, n)| *n).collect();
            format!("use {}", names.join(", "))
        })
}

/// Which documents to export.
#[derive(Debug, Clone)]
pub(crate) struct DocumentsPlan {
    pub resource: ExportResource,
    pub account: Option<String>,
    /// `YYYY-MM-DD`, a day of the display zone.
    pub since: Option<String>,
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
        .with_context(|| format!("--resource {name}: not backed up yet, nothing to export"))?;
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
    let (mut written, mut after, mut failed) = (0u64, 0, None);
    'batches: loop {
        let batch = documents_after(conn, table, (account, since), after, BATCH)?;
        let Some((last, _)) = batch.last() else {
            break;
        };
        after = *last;
        for (_, document) in batch {
            let line = serde_json::to_string(&document)? + "\n";
            if let Err(e) = out.write_all(line.as_bytes()) {
                failed = Some(e);
                break 'batches;
            }
            written += 1;
        }
    }
    let details = serde_json::json!({
        "resource": name,
        "format": "ndjson",
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
