//! What an export writes: the formats, who may have them, their media types.

use super::Viewer;

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
    /// The message naming this format on an export link (`locales/*/orders.ftl`).
    pub fn message_key(self) -> &'static str {
        match self {
            ExportFormat::Csv => "export-csv",
            ExportFormat::CsvItems => "export-csv-items",
            ExportFormat::Ndjson => "export-ndjson",
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
