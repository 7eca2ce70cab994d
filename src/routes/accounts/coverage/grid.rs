//! The coverage grid of a resource: per day of the backed-up history, weeks in columns and
//! weekdays in rows, whether what Allegro lists for that day and what is backed up agree.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};

use crate::{
    db::models::{
        coverage::CoverageDay,
        money_coverage::{MoneyCoverageDay, MoneyResource},
    },
    i18n::Locale,
};

/// A checked day as the grid shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridDay {
    pub day: NaiveDate,
    pub allegro: i64,
    pub held: i64,
    pub matches: bool,
    pub verified_at: DateTime<Utc>,
}

impl From<CoverageDay> for GridDay {
    fn from(v: CoverageDay) -> Self {
        Self {
            matches: v.matches(),
            day: v.day,
            allegro: v.allegro_count,
            held: v.held_count,
            verified_at: v.verified_at,
        }
    }
}

/// The checked days of `resource`, a day's listings (the fees of each marketplace) taken
/// together: counts added, matching when every listing matches, checked when the least
/// recently checked of them was.
pub fn money_days(rows: Vec<MoneyCoverageDay>, resource: MoneyResource) -> Vec<GridDay> {
    let mut by_day: BTreeMap<NaiveDate, GridDay> = BTreeMap::new();
    for row in rows {
        if MoneyResource::of_listing(&row.listing) != Some(resource) {
            continue;
        }
        let matches = row.matches();
        let day = by_day.entry(row.day).or_insert(GridDay {
            day: row.day,
            allegro: 0,
            held: 0,
            matches: true,
            verified_at: row.verified_at,
        });
        day.allegro += row.allegro_count;
        day.held += row.held_count;
        day.matches &= matches;
        day.verified_at = day.verified_at.min(row.verified_at);
    }
    by_day.into_values().collect()
}

/// One square of the grid.
pub struct Cell {
    /// `match`, `mismatch` or `unverified` (the CSS modifier).
    pub state: &'static str,
    pub day: String,
    pub title: String,
}

/// One weekday across all weeks; `None` is outside the history.
pub struct WeekdayRow {
    pub label: &'static str,
    pub cells: Vec<Option<Cell>>,
}

/// A day whose counts differ, listed under the grid.
pub struct Mismatch {
    pub day: String,
    pub allegro: i64,
    pub held: i64,
    pub verified: DateTime<Utc>,
}

/// The weeks × weekdays grid and its summary.
pub struct CoverageGrid {
    /// A month's short name over the week its first day falls in, else empty.
    pub month_labels: Vec<String>,
    pub rows: Vec<WeekdayRow>,
    pub days: usize,
    pub verified: usize,
    pub mismatches: Vec<Mismatch>,
    pub last_verified: Option<DateTime<Utc>>,
}

/// The rows' weekdays with the message keys of their short names.
const WEEKDAYS: [(Weekday, &str); 7] = [
    (Weekday::Mon, "weekday-mon"),
    (Weekday::Tue, "weekday-tue"),
    (Weekday::Wed, "weekday-wed"),
    (Weekday::Thu, "weekday-thu"),
    (Weekday::Fri, "weekday-fri"),
    (Weekday::Sat, "weekday-sat"),
    (Weekday::Sun, "weekday-sun"),
];

fn cell(day: NaiveDate, verified: Option<&GridDay>, loc: &Locale) -> Cell {
    let (state, title) = match verified {
        None => (
            "unverified",
            loc.msg("coverage-cell-unverified")
                .arg("day", loc.day(day))
                .to_string(),
        ),
        Some(v) => (
            if v.matches { "match" } else { "mismatch" },
            loc.msg("coverage-cell")
                .arg("day", loc.day(day))
                .arg("allegro", loc.count(v.allegro))
                .arg("held", loc.count(v.held))
                .arg("verified", loc.time(v.verified_at))
                .to_string(),
        ),
    };
    Cell {
        state,
        day: day.format("%Y-%m-%d").to_string(),
        title,
    }
}

/// A month's short name (`lip`, `Jul`).
fn month_label(day: NaiveDate, loc: &Locale) -> String {
    loc.t(&format!("month-short-{}", day.month()))
}

impl CoverageGrid {
    /// Lays out `days` (consecutive, oldest first) in weeks starting on Monday.
    pub fn build(days: &[NaiveDate], verified: Vec<GridDay>, loc: &Locale) -> Self {
        let by_day: HashMap<NaiveDate, GridDay> =
            verified.into_iter().map(|v| (v.day, v)).collect();
        let (Some(first), Some(last)) = (days.first(), days.last()) else {
            return Self::empty();
        };
        let monday = first.week(Weekday::Mon).first_day();
        let weeks: Vec<NaiveDate> = monday.iter_weeks().take_while(|w| w <= last).collect();
        let in_range = |d: &NaiveDate| d >= first && d <= last;
        let rows = WEEKDAYS
            .iter()
            .enumerate()
            .map(|(offset, (_, label))| WeekdayRow {
                label,
                cells: weeks
                    .iter()
                    .map(|w| {
                        let day = *w + chrono::Days::new(offset as u64);
                        in_range(&day).then(|| cell(day, by_day.get(&day), loc))
                    })
                    .collect(),
            })
            .collect();
        let month_labels = weeks
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let sunday = *w + chrono::Days::new(6);
                if w.day() == 1 || sunday.month() != w.month() {
                    month_label(sunday, loc)
                } else if i == 0 {
                    month_label(*first, loc)
                } else {
                    String::new()
                }
            })
            .collect();
        let shown: Vec<&GridDay> = days.iter().filter_map(|d| by_day.get(d)).collect();
        Self {
            month_labels,
            rows,
            days: days.len(),
            verified: shown.len(),
            mismatches: shown
                .iter()
                .filter(|v| !v.matches)
                .map(|v| Mismatch {
                    day: loc.day(v.day),
                    allegro: v.allegro,
                    held: v.held,
                    verified: v.verified_at,
                })
                .collect(),
            last_verified: shown.iter().map(|v| v.verified_at).max(),
        }
    }

    fn empty() -> Self {
        Self {
            month_labels: vec![],
            rows: vec![],
            days: 0,
            verified: 0,
            mismatches: vec![],
            last_verified: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn verified(day: NaiveDate, allegro: i64, held: i64) -> GridDay {
        GridDay {
            day,
            allegro,
            held,
            matches: allegro == held,
            verified_at: Utc::now(),
        }
    }

    #[test]
    fn days_fall_in_weekday_rows_and_week_columns() {
        // Wednesday 2026-07-01 to Monday 2026-07-13: three weeks.
        let days = crate::sync::coverage::days(date(2026, 7, 1), date(2026, 7, 13));
        let grid = CoverageGrid::build(&days, vec![], &Locale::default());
        assert_eq!(grid.rows.len(), 7);
        assert!(grid.rows.iter().all(|r| r.cells.len() == 3));
        // Monday and Tuesday of the first week are before the range.
        assert!(grid.rows[0].cells[0].is_none() && grid.rows[1].cells[0].is_none());
        assert_eq!(
            grid.rows[2].cells[0].as_ref().map(|c| c.day.as_str()),
            Some("2026-07-01")
        );
        assert_eq!(
            grid.rows[0].cells[2].as_ref().map(|c| c.day.as_str()),
            Some("2026-07-13")
        );
        assert!(grid.rows[1].cells[2].is_none());
        assert_eq!(grid.month_labels[0], "Jul");
        assert_eq!(grid.days, 13);
    }

    #[test]
    fn cells_show_match_mismatch_and_unverified_with_a_summary() {
        let days = crate::sync::coverage::days(date(2026, 7, 6), date(2026, 7, 8));
        let grid = CoverageGrid::build(
            &days,
            vec![
                verified(date(2026, 7, 6), 4, 4),
                verified(date(2026, 7, 7), 5, 3),
            ],
            &Locale::new(
                crate::domain::Lang::Pl,
                crate::domain::settings::DEFAULT_ZONE,
            ),
        );
        let states: Vec<&str> = grid
            .rows
            .iter()
            .take(3)
            .map(|r| r.cells[0].as_ref().map_or("none", |c| c.state))
            .collect();
        assert_eq!(states, ["match", "mismatch", "unverified"]);
        assert_eq!(grid.verified, 2);
        assert_eq!(grid.mismatches.len(), 1);
        assert_eq!(
            (grid.mismatches[0].allegro, grid.mismatches[0].held),
            (5, 3)
        );
        let title = &grid.rows[1].cells[0].as_ref().unwrap().title;
        assert!(
            title.starts_with("07.07.2026: w Allegro 5, w kopii 3"),
            "{title}"
        );
    }

    fn listing_day(listing: &str, allegro: i64, held: i64, sums: (i64, i64)) -> MoneyCoverageDay {
        let json = |cents: i64| Some(serde_json::json!({ "PLN": cents }));
        MoneyCoverageDay {
            account_id: crate::domain::AccountId(1),
            listing: listing.to_owned(),
            day: date(2026, 7, 6),
            allegro_count: allegro,
            held_count: held,
            allegro_sums: json(sums.0),
            held_sums: json(sums.1),
            verified_at: Utc::now(),
        }
    }

    #[test]
    fn a_day_of_fees_adds_its_marketplaces_and_differs_when_one_sum_differs() {
        let rows = vec![
            listing_day("billing:allegro-pl", 5, 5, (-100, -100)),
            listing_day("billing:allegro-cz", 2, 2, (-40, -30)),
            listing_day("payment_operations:AVAILABLE", 7, 7, (0, 0)),
        ];
        let fees = money_days(rows.clone(), MoneyResource::Fees);
        assert_eq!(fees.len(), 1);
        assert_eq!(
            (fees[0].allegro, fees[0].held, fees[0].matches),
            (7, 7, false)
        );
        let wallet = money_days(rows, MoneyResource::Wallet);
        assert_eq!((wallet[0].allegro, wallet[0].matches), (7, true));
    }
}
