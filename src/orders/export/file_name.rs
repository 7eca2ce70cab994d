//! The download's file name.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{Dialect, ExportFormat, ExportKind};

/// The download's file name:
/// `allegro-orders-<account or all>-<filters>[-items][-excel]-<YYYYMMDD-HHMM>.<ext>`, safe ASCII
/// only. `account` is the login (or id) filtered on; `filters` the filter
/// parameters set (name, value), as received.
pub fn file_name(
    account: Option<&str>,
    filters: &[(&str, &str)],
    kind: ExportKind,
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
    if kind.format() == ExportFormat::CsvItems {
        name.push_str("-items");
    }
    if kind.dialect() == Dialect::Excel {
        name.push_str("-excel");
    }
    format!(
        "{name}-{}.{}",
        now.with_timezone(&zone).format("%Y%m%d-%H%M"),
        kind.format().extension()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn file_names_are_safe_ascii() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 23, 5, 0).unwrap();
        let name = file_name(
            Some("Sklep Łódź\"; x"),
            &[("status", "READY_FOR_PROCESSING"), ("q", "a/b\r\n")],
            ExportFormat::Csv.into(),
            now,
            chrono_tz::Europe::Warsaw,
        );
        assert_eq!(
            name,
            "allegro-orders-Sklep___d____x-status-READY_FOR_PROCESSING-q-a_b__-20261124-0005.csv"
        );
        assert!(name.is_ascii());
        let all = file_name(None, &[], ExportFormat::Ndjson.into(), now, chrono_tz::UTC);
        assert_eq!(all, "allegro-orders-all-20261123-2305.ndjson");
        let excel = ExportKind::new(ExportFormat::CsvItems, Dialect::Excel).unwrap();
        let items = file_name(None, &[], excel, now, chrono_tz::UTC);
        assert_eq!(items, "allegro-orders-all-items-excel-20261123-2305.csv");
    }
}
