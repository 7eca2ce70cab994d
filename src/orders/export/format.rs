//! What an export writes: the formats, who may have them, their media types, and the kinds
//! offered (a format with its CSV dialect).

use super::{Dialect, Viewer};
use crate::orders::filter::FilterError;

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

/// A format with its dialect, valid by construction: the excel dialect only with a CSV format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportKind {
    format: ExportFormat,
    dialect: Dialect,
}

impl ExportKind {
    /// Every kind, in the order the export links offer them.
    pub const ALL: [ExportKind; 5] = [
        ExportKind::plain(ExportFormat::Csv),
        ExportKind::excel(ExportFormat::Csv),
        ExportKind::plain(ExportFormat::CsvItems),
        ExportKind::excel(ExportFormat::CsvItems),
        ExportKind::plain(ExportFormat::Ndjson),
    ];

    const fn plain(format: ExportFormat) -> Self {
        ExportKind {
            format,
            dialect: Dialect::Plain,
        }
    }

    const fn excel(format: ExportFormat) -> Self {
        ExportKind {
            format,
            dialect: Dialect::Excel,
        }
    }

    /// `format` in `dialect`; NDJSON has no dialect but `plain` (the error names `dialect`).
    pub fn new(format: ExportFormat, dialect: Dialect) -> Result<ExportKind, FilterError> {
        if format == ExportFormat::Ndjson && dialect != Dialect::Plain {
            return Err(FilterError::new(
                "dialect",
                "filter-error-dialect-ndjson",
                format!(
                    "{} is a dialect of the CSV formats (csv, csv-items); ndjson has none",
                    dialect.as_str()
                ),
            )
            .with("value", dialect.as_str()));
        }
        Ok(ExportKind { format, dialect })
    }

    pub fn format(self) -> ExportFormat {
        self.format
    }

    pub fn dialect(self) -> Dialect {
        self.dialect
    }

    /// Whether `viewer` may have this kind (see [`ExportFormat::available_to`]).
    pub fn available_to(self, viewer: &Viewer) -> bool {
        self.format.available_to(viewer)
    }

    /// The message naming the kind on the export links.
    pub fn message_key(self) -> &'static str {
        match (self.format, self.dialect) {
            (ExportFormat::Csv, Dialect::Excel) => "export-csv-excel",
            (ExportFormat::CsvItems, Dialect::Excel) => "export-csv-items-excel",
            (format, _) => format.message_key(),
        }
    }

    /// The kind's query parameters (`format=csv&dialect=excel`; no `dialect` when plain).
    pub fn query(self) -> String {
        match self.dialect {
            Dialect::Plain => format!("format={}", self.format.as_str()),
            dialect => format!(
                "format={}&dialect={}",
                self.format.as_str(),
                dialect.as_str()
            ),
        }
    }
}

impl From<ExportFormat> for ExportKind {
    /// The format in the plain dialect.
    fn from(format: ExportFormat) -> Self {
        ExportKind::plain(format)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_is_a_dialect_of_the_csvs_only() {
        for format in [ExportFormat::Csv, ExportFormat::CsvItems] {
            let kind = ExportKind::new(format, Dialect::Excel).unwrap();
            assert_eq!(kind.dialect(), Dialect::Excel);
        }
        let err = ExportKind::new(ExportFormat::Ndjson, Dialect::Excel).unwrap_err();
        assert_eq!(err.parameter, "dialect");
        assert_eq!(
            ExportKind::ALL.map(ExportKind::query),
            [
                "format=csv",
                "format=csv&dialect=excel",
                "format=csv-items",
                "format=csv-items&dialect=excel",
                "format=ndjson"
            ]
        );
    }

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
