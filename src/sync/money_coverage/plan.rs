//! Which days of a money listing a run checks: the most recent ones every time (fees and
//! payments still arrive for them), then a bounded number of older ones, those that differed
//! last time first, then those never checked (newest first), then those checked longest ago.
//! A listing's whole history is so checked over a number of runs, at a bounded cost each.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// How many days a run checks per listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// The latest days of the history, checked whatever their state.
    pub recent: usize,
    /// Older days at most.
    pub older: usize,
}

/// What the last check of a day found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    pub day: NaiveDate,
    pub matches: bool,
    pub at: DateTime<Utc>,
}

/// The days of `history` (consecutive, oldest first) to check, oldest first.
pub fn plan(history: &[NaiveDate], checked: &[Checked], budget: Budget) -> Vec<NaiveDate> {
    let split = history.len().saturating_sub(budget.recent);
    let (older, recent) = history.split_at(split);
    let last = |day: &NaiveDate| checked.iter().find(|c| c.day == *day);
    // Rank: differed (0), never checked (1), checked (2); newer first within the first two,
    // the least recently checked first within the last.
    let mut ranked: Vec<(u8, i64, NaiveDate)> = older
        .iter()
        .map(|day| {
            let newest_first = -i64::from(day.num_days_from_ce());
            match last(day) {
                Some(c) if !c.matches => (0, newest_first, *day),
                None => (1, newest_first, *day),
                Some(c) => (2, c.at.timestamp_millis(), *day),
            }
        })
        .collect();
    ranked.sort_unstable();
    let mut days: Vec<NaiveDate> = ranked
        .into_iter()
        .take(budget.older)
        .map(|(_, _, day)| day)
        .chain(recent.iter().copied())
        .collect();
    days.sort_unstable();
    days
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 7, d).unwrap()
    }

    fn checked(d: u32, matches: bool, hours_ago: i64) -> Checked {
        Checked {
            day: day(d),
            matches,
            at: Utc::now() - Duration::hours(hours_ago),
        }
    }

    fn history() -> Vec<NaiveDate> {
        (1..=10).map(day).collect()
    }

    #[test]
    fn the_recent_days_are_checked_every_run_and_nothing_else_without_an_older_budget() {
        let all = vec![
            checked(9, true, 1),
            checked(10, true, 1),
            checked(3, false, 1),
        ];
        let budget = Budget {
            recent: 2,
            older: 0,
        };
        assert_eq!(plan(&history(), &all, budget), [day(9), day(10)]);
    }

    #[test]
    fn older_days_that_differed_come_first_then_unchecked_ones_newest_first() {
        let all: Vec<Checked> = (1..=8)
            .filter(|d| ![4, 6].contains(d))
            .map(|d| checked(d, d != 2, 1))
            .collect();
        let budget = Budget {
            recent: 2,
            older: 3,
        };
        assert_eq!(
            plan(&history(), &all, budget),
            [day(2), day(4), day(6), day(9), day(10)]
        );
    }

    #[test]
    fn when_every_day_matches_the_least_recently_checked_are_checked_again() {
        let all: Vec<Checked> = history()
            .iter()
            .map(|d| checked(d.day(), true, i64::from(d.day() % 4)))
            .collect();
        let budget = Budget {
            recent: 1,
            older: 2,
        };
        // Checked 3 hours ago: days 3 and 7.
        assert_eq!(plan(&history(), &all, budget), [day(3), day(7), day(10)]);
    }

    #[test]
    fn a_history_shorter_than_the_recent_days_is_checked_whole() {
        let budget = Budget {
            recent: 3,
            older: 5,
        };
        assert_eq!(plan(&[day(1), day(2)], &[], budget), [day(1), day(2)]);
        assert!(plan(&[], &[], budget).is_empty());
    }
}
