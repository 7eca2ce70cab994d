//! Completeness you can see: for each calendar day, the number of orders Allegro lists for that
//! `lineItems.boughtAt` day (`totalCount` of a one-day window, one cheap request) against the
//! number the backup holds for the same bounds. Days are Europe/Warsaw days, Allegro's zone.

use std::future::Future;

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Warsaw;
use diesel::{PgConnection, QueryResult};
use futures_util::{StreamExt, stream};

use super::context::{RunContext, SyncError};
use crate::{
    allegro::CheckoutFormQuery,
    db::{
        self, DbError,
        models::{
            coverage::{CoverageDay, DayCount, DayWindow, held_counts},
            sync::{RunCounters, SyncRun, SyncState},
        },
    },
    domain::{RunId, RunPhase},
};

/// The Warsaw calendar day of an instant.
pub fn warsaw_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Warsaw).date_naive()
}

/// When a Warsaw day starts. Poland moves its clocks at 02:00 and 03:00, so midnight always
/// exists exactly once; the UTC fallback is for a zone rule change that would break that.
fn midnight(day: NaiveDate) -> DateTime<Utc> {
    let local = day.and_time(NaiveTime::MIN);
    Warsaw
        .from_local_datetime(&local)
        .earliest()
        .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc))
}

/// The `boughtAt` bounds of a Warsaw day (see [`DayWindow`]).
pub fn day_window(day: NaiveDate) -> DayWindow {
    let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
    DayWindow {
        day,
        start: midnight(day),
        end: midnight(next) - chrono::Duration::milliseconds(1),
    }
}

/// Every day from `from` to `to`, both included.
pub fn days(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    from.iter_days().take_while(|d| *d <= to).collect()
}

/// The days of the backed-up history that Allegro still serves: from where the first pass
/// started (or `history` ago, whichever is later) to today.
pub fn history_days(
    backfill_from: Option<DateTime<Utc>>,
    history: chrono::Duration,
    now: DateTime<Utc>,
) -> Vec<NaiveDate> {
    let oldest_served = now - history;
    let from = backfill_from.map_or(oldest_served, |f| f.max(oldest_served));
    days(warsaw_day(from), warsaw_day(now))
}

/// The days of the account's backed-up history ([`history_days`]) and, after counting them
/// on Allegro and in the backup ([`verify`]), those whose counts differ.
pub(super) async fn verify_history(
    ctx: &RunContext<'_>,
) -> Result<(Vec<NaiveDate>, Vec<NaiveDate>), SyncError> {
    let account_id = ctx.account_id;
    let state = db::run(&ctx.accounts.pool, move |conn| {
        SyncState::get_or_create(conn, account_id).map_err(DbError::from)
    })
    .await?;
    let days = history_days(state.backfill_from, ctx.options.history, Utc::now());
    let mismatched = verify(ctx, &days).await?;
    Ok((days, mismatched))
}

/// Days counted, recorded and followed by a lease renewal at a time: two rounds of the
/// account's concurrency, so that a batch ends well within the shortest lease (a few
/// seconds) even when Allegro answers slowly.
const VERIFY_ROUNDS: usize = 2;

/// Counts `days` on Allegro (concurrently, within the client's rate limits) and in the
/// backup, records the result, and returns the days whose counts differ.
pub(super) async fn verify(
    ctx: &RunContext<'_>,
    days: &[NaiveDate],
) -> Result<Vec<NaiveDate>, SyncError> {
    verify_in_batches(ctx, days, |batch| verify_batch(ctx, batch)).await
}

/// Checks `days` in the coverage phase with `check_batch`, a batch at a time, keeping the
/// account's lease after each; the days it found differing.
pub(super) async fn verify_in_batches<'d, F, Fut>(
    ctx: &RunContext<'_>,
    days: &'d [NaiveDate],
    check_batch: F,
) -> Result<Vec<NaiveDate>, SyncError>
where
    F: Fn(&'d [NaiveDate]) -> Fut,
    Fut: Future<Output = Result<Vec<NaiveDate>, SyncError>>,
{
    let total = i64::try_from(days.len()).unwrap_or(i64::MAX);
    ctx.enter_phase(RunPhase::Coverage, Some(total)).await?;
    let mut mismatched = vec![];
    for batch in days.chunks(ctx.options.concurrency.max(1) * VERIFY_ROUNDS) {
        mismatched.extend(check_batch(batch).await?);
        // A year of days takes a while on a slow API: keep the account's lease.
        ctx.renew_lease().await?;
    }
    Ok(mismatched)
}

/// Counts a checked batch in the run: the `requests` it made, its `days` in the phase.
pub(super) fn count_batch(
    conn: &mut PgConnection,
    run_id: RunId,
    requests: i64,
    days: usize,
) -> QueryResult<()> {
    let delta = RunCounters {
        requests,
        ..RunCounters::default()
    };
    SyncRun::add_progress(conn, run_id, &delta, None)?;
    SyncRun::advance_phase(conn, run_id, i64::try_from(days).unwrap_or(i64::MAX))
}

async fn verify_batch(
    ctx: &RunContext<'_>,
    days: &[NaiveDate],
) -> Result<Vec<NaiveDate>, SyncError> {
    let windows: Vec<DayWindow> = days.iter().copied().map(day_window).collect();
    let answers: Vec<Result<(usize, u64), SyncError>> =
        stream::iter(windows.clone().into_iter().enumerate())
            .map(|(i, w)| async move {
                let query = CheckoutFormQuery {
                    limit: 1,
                    bought_at_gte: Some(w.start),
                    bought_at_lte: Some(w.end),
                    ..CheckoutFormQuery::default()
                };
                let page = ctx.api.checkout_forms(&query).await?;
                Ok((i, page.total_count))
            })
            .buffer_unordered(ctx.options.concurrency.max(1))
            .collect()
            .await;
    let mut allegro = vec![0_i64; windows.len()];
    for answer in answers {
        let (i, total) = answer?;
        if let Some(slot) = allegro.get_mut(i) {
            *slot = i64::try_from(total).unwrap_or(i64::MAX);
        }
    }
    let (account_id, run_id) = (ctx.account_id, ctx.run_id);
    let requests = i64::try_from(windows.len()).unwrap_or(i64::MAX);
    let counts = db::run(&ctx.accounts.pool, move |conn| {
        // Counted after Allegro answered: an order stored meanwhile can only help.
        let held = held_counts(conn, account_id, &windows)?;
        let counts: Vec<DayCount> = windows
            .iter()
            .zip(allegro)
            .zip(held)
            .map(|((w, allegro_count), held_count)| DayCount {
                day: w.day,
                allegro_count,
                held_count,
            })
            .collect();
        CoverageDay::record(conn, account_id, &counts)?;
        count_batch(conn, run_id, requests, counts.len())?;
        Ok::<_, DbError>(counts)
    })
    .await?;
    Ok(counts
        .into_iter()
        .filter(|c| !c.matches())
        .map(|c| c.day)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_winter_day_starts_at_23_00_utc_the_day_before() {
        let w = day_window(date(2026, 1, 15));
        assert_eq!(w.start.to_rfc3339(), "2026-01-14T23:00:00+00:00");
        assert_eq!(w.end.to_rfc3339(), "2026-01-15T22:59:59.999+00:00");
    }

    #[test]
    fn days_with_a_clock_change_are_23_and_25_hours_long() {
        let spring = day_window(date(2026, 3, 29));
        let autumn = day_window(date(2026, 10, 25));
        let ms = chrono::Duration::milliseconds(1);
        assert_eq!(spring.end + ms - spring.start, chrono::Duration::hours(23));
        assert_eq!(autumn.end + ms - autumn.start, chrono::Duration::hours(25));
    }

    #[test]
    fn consecutive_days_leave_no_gap_and_do_not_overlap() {
        let all = days(date(2026, 3, 1), date(2026, 11, 1));
        let windows: Vec<_> = all.into_iter().map(day_window).collect();
        assert!(
            windows
                .windows(2)
                .all(|p| p[0].end + chrono::Duration::milliseconds(1) == p[1].start)
        );
    }

    #[test]
    fn an_instant_belongs_to_its_warsaw_day() {
        let late = Utc.with_ymd_and_hms(2026, 7, 14, 22, 30, 0).unwrap();
        assert_eq!(warsaw_day(late), date(2026, 7, 15));
        let w = day_window(date(2026, 7, 15));
        assert!(w.start <= late && late <= w.end);
    }
}
