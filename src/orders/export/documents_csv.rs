//! A resource's documents as CSV (`GET /export?resource=…&format=csv`, `export --format csv
//! --resource …`): one row per document, the columns its table names
//! ([`DocumentTable::csv_columns`]), in the plain or the excel [`Dialect`], the buyer's
//! personal data masked for users who must not see it. Read in batches in the order the backup
//! stored them: memory stays flat however many there are.

use chrono::DateTime;
use chrono_tz::Tz;
use diesel::PgConnection;

use super::{
    ExportError,
    csv_rows::{csv_writer, finish},
    dialect::Dialect,
};
use crate::{
    db::models::documents::{CellKind, csv_rows_after},
    domain::Lang,
    orders::{
        documents::{DocumentSelection, DocumentsWritten},
        mask::mask,
    },
};

/// Documents read per database round trip.
const BATCH: i64 = 1_000;

/// How the file is written.
#[derive(Debug, Clone, Copy)]
pub struct CsvLayout {
    pub dialect: Dialect,
    pub lang: Lang,
    pub zone: Tz,
    /// Whether the buyer's personal data is masked.
    pub masked: bool,
}

impl CsvLayout {
    fn cell(&self, kind: CellKind, value: Option<String>) -> String {
        let Some(value) = value else {
            return String::new();
        };
        match kind {
            CellKind::Plain => value,
            CellKind::Personal if self.masked => mask(&value),
            CellKind::Personal => value,
            CellKind::Amount => self.dialect.amount(&value).into_owned(),
            CellKind::Time => match DateTime::parse_from_rfc3339(&value) {
                Ok(at) => self.dialect.time(Some(at.to_utc()), self.zone),
                Err(_) => value,
            },
        }
    }
}

/// Hands the CSV of `selection` to `sent`, a batch per chunk (the header first), until it
/// refuses one.
pub fn write_documents_csv(
    conn: &mut PgConnection,
    selection: &DocumentSelection,
    layout: CsvLayout,
    mut sent: impl FnMut(Vec<u8>) -> bool,
) -> Result<DocumentsWritten, ExportError> {
    let columns = selection.table.csv_columns();
    let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
    let mut written = DocumentsWritten {
        documents: 0,
        completed: true,
    };
    let header = finish(csv_writer(true, &names, layout.dialect, layout.lang)?)?;
    if !sent(header) {
        written.completed = false;
        return Ok(written);
    }
    let mut after = 0;
    loop {
        let filter = (selection.accounts.as_deref(), selection.since);
        let batch = csv_rows_after(conn, selection.table, filter, after, BATCH)?;
        let Some((last, _)) = batch.last() else {
            return Ok(written);
        };
        after = *last;
        let mut writer = csv_writer(false, &names, layout.dialect, layout.lang)?;
        let count = batch.len() as u64;
        for (_, cells) in batch {
            let row: Vec<String> = columns
                .iter()
                .zip(cells)
                .map(|(column, value)| layout.cell(column.kind, value))
                .collect();
            writer.write_record(row.iter().map(String::as_str))?;
        }
        if !sent(finish(writer)?) {
            written.completed = false;
            return Ok(written);
        }
        written.documents += count;
    }
}
