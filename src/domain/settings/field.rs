//! Parsing one setting from text (a form field or an environment variable), with a message
//! that says what is allowed.

use chrono::NaiveDate;

/// A whole number setting with its allowed range and unit.
#[derive(Debug, Clone, Copy)]
pub struct Bounded {
    pub name: &'static str,
    pub min: u32,
    pub max: u32,
    pub unit: &'static str,
}

impl Bounded {
    pub const fn new(name: &'static str, min: u32, max: u32, unit: &'static str) -> Self {
        Self {
            name,
            min,
            max,
            unit,
        }
    }

    /// The value in `text`, or a message naming the allowed range.
    pub fn parse(&self, text: &str) -> Result<u32, String> {
        text.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (self.min..=self.max).contains(n))
            .ok_or_else(|| {
                format!(
                    "The {} must be a whole number from {} to {} {}.",
                    self.name, self.min, self.max, self.unit
                )
            })
    }
}

/// A first-backup start date (`YYYY-MM-DD`), which must lie before `today`.
pub fn parse_history_start(text: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let day = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| "The history start date must be a date like 2025-01-31.".to_owned())?;
    if day >= today {
        return Err("The history start date must be in the past.".to_owned());
    }
    Ok(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Bounded = Bounded::new("hour", 0, 23, "o'clock");

    #[test]
    fn numbers_outside_the_range_are_refused_with_the_range() {
        assert_eq!(HOUR.parse(" 7 "), Ok(7));
        assert_eq!(HOUR.parse("0"), Ok(0));
        for bad in ["24", "-1", "", "3.5", "three"] {
            let err = HOUR.parse(bad).err().unwrap_or_default();
            assert!(err.contains("from 0 to 23"), "{bad}: {err}");
        }
    }

    #[test]
    fn a_start_date_must_be_a_past_day() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(
            parse_history_start("2026-01-31", today),
            Ok(NaiveDate::from_ymd_opt(2026, 1, 31).unwrap())
        );
        assert!(parse_history_start("2026-11-23", today).is_err());
        assert!(parse_history_start("31.01.2026", today).is_err());
    }
}
