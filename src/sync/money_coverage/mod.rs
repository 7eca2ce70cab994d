//! The coverage of the money listings (the fees of each marketplace, the available wallet): for
//! a Warsaw day, what Allegro lists as having occurred that day against what the backup holds
//! for the same bounds (see `db::models::money_coverage`). A day that differs is read again
//! (its window listed and stored through the resource's own store, which keeps what it knows
//! once) and checked again: the coverage heals itself.
//!
//! A fee's day is paged whole (the list has no count), so its checks cost requests: a run
//! checks a bounded number of days per listing ([`plan`]). After a first backup only the latest
//! days (the first backup's cost stays what it was); in a reconcile run the latest days and a
//! share of the older ones, so that the whole history is checked over a few nights.

mod plan;

use std::future::Future;

use chrono::{Duration, NaiveDate, Utc};
use diesel::{PgConnection, QueryResult};
use futures_util::{StreamExt, TryStreamExt, stream};

use self::plan::{Budget, Checked, plan};
use super::{
    SyncMode,
    context::{RunContext, SyncError},
    coverage::{count_batch, day_window, history_days, verify_in_batches},
};
use crate::{
    db::{
        self, DbError,
        models::{
            coverage::DayWindow,
            listing::{ListingKey, ListingState},
            money_coverage::{MoneyCoverageDay, MoneyDayCount, Tally},
        },
    },
    domain::AccountId,
};

/// Days at the end of the history checked by every reconcile run (fees are booked late).
const RECENT_DAYS: usize = 3;
/// Days at the end of the history checked after a first backup.
const FIRST_PASS_DAYS: usize = 2;

/// Counts what the backup holds for days (in their order) of one listing.
pub(super) type HeldQuery =
    Box<dyn FnOnce(&mut PgConnection, AccountId, &[DayWindow]) -> QueryResult<Vec<Tally>> + Send>;

/// A money listing whose days can be counted on Allegro and read again.
pub(super) trait DayList: Sync {
    /// Older days a reconcile run checks at most, besides the recent ones.
    const OLDER_PER_RUN: usize;

    /// The listing's key (its days are recorded under it).
    fn listing(&self) -> ListingKey;

    /// How far back Allegro serves the listing.
    fn history(ctx: &RunContext<'_>) -> Duration {
        ctx.options.history
    }

    /// What Allegro lists for the day, and the requests that took.
    fn on_allegro(
        &self,
        ctx: &RunContext<'_>,
        day: DayWindow,
    ) -> impl Future<Output = Result<(Tally, i64), SyncError>> + Send;

    /// The query of what the backup holds.
    fn held(&self) -> HeldQuery;

    /// Lists the day again and stores what it lists (the listing's checkpoint stays).
    fn relist(
        &self,
        ctx: &RunContext<'_>,
        day: DayWindow,
    ) -> impl Future<Output = Result<(), SyncError>> + Send;
}

/// Which days a run checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Checks {
    /// The latest days only (after a first backup).
    Latest,
    /// The recent days and a share of the older ones (reconcile runs).
    Rotating,
}

impl Checks {
    /// The checks of a run in `mode` that listed the whole history (`listing_all`) or not;
    /// none for an incremental run.
    pub(super) fn of_run(mode: SyncMode, listing_all: bool) -> Option<Self> {
        match mode {
            SyncMode::Reconcile => Some(Self::Rotating),
            _ if listing_all => Some(Self::Latest),
            _ => None,
        }
    }

    fn budget<L: DayList>(self) -> Budget {
        match self {
            Self::Latest => Budget {
                recent: FIRST_PASS_DAYS,
                older: 0,
            },
            Self::Rotating => Budget {
                recent: RECENT_DAYS,
                older: L::OLDER_PER_RUN,
            },
        }
    }
}

/// What the checks of a resource found: days checked, days that differed (and were read
/// again), days that still differ after that.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Outcome {
    pub verified: u64,
    pub mismatched: u64,
    pub still_mismatched: u64,
}

impl std::ops::AddAssign for Outcome {
    fn add_assign(&mut self, other: Self) {
        self.verified += other.verified;
        self.mismatched += other.mismatched;
        self.still_mismatched += other.still_mismatched;
    }
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// Checks the days of `list` that `checks` picks, reads the differing ones again and checks
/// them again. A listing whose first pass has not completed is left for a later run.
pub(super) async fn check<L: DayList>(
    ctx: &RunContext<'_>,
    list: &L,
    checks: Checks,
) -> Result<Outcome, SyncError> {
    let (account_id, key) = (ctx.account_id, list.listing());
    let (state, checked) = db::run(&ctx.accounts.pool, move |conn| {
        let state = ListingState::get_or_create(conn, account_id, &key)?;
        let checked = MoneyCoverageDay::of_listing(conn, account_id, &key.stored())?;
        Ok::<_, DbError>((state, checked))
    })
    .await?;
    if state.first_pass_completed_at.is_none() {
        return Ok(Outcome::default());
    }
    let history = history_days(state.first_pass_from, L::history(ctx), Utc::now());
    let checked: Vec<Checked> = checked
        .iter()
        .map(|c| Checked {
            day: c.day,
            matches: c.matches(),
            at: c.verified_at,
        })
        .collect();
    let days = plan(&history, &checked, checks.budget::<L>());
    let mismatched = verify(ctx, list, &days).await?;
    for day in &mismatched {
        list.relist(ctx, day_window(*day)).await?;
    }
    let still = match mismatched.is_empty() {
        true => vec![],
        false => verify(ctx, list, &mismatched).await?,
    };
    if !still.is_empty() {
        tracing::warn!(
            account.id = account_id.0,
            listing = list.listing().stored(),
            days = still.len(),
            "money coverage: days still mismatched after reading them again"
        );
    }
    Ok(Outcome {
        verified: count(days.len()),
        mismatched: count(mismatched.len()),
        still_mismatched: count(still.len()),
    })
}

/// Counts `days` of `list` on Allegro and in the backup, records them, and returns the days
/// that differ.
async fn verify<L: DayList>(
    ctx: &RunContext<'_>,
    list: &L,
    days: &[NaiveDate],
) -> Result<Vec<NaiveDate>, SyncError> {
    verify_in_batches(ctx, days, |batch| verify_batch(ctx, list, batch)).await
}

async fn verify_batch<L: DayList>(
    ctx: &RunContext<'_>,
    list: &L,
    days: &[NaiveDate],
) -> Result<Vec<NaiveDate>, SyncError> {
    let windows: Vec<DayWindow> = days.iter().copied().map(day_window).collect();
    let answers: Vec<(Tally, i64)> = stream::iter(windows.iter().copied())
        .map(|w| list.on_allegro(ctx, w))
        .buffered(ctx.options.concurrency.max(1))
        .try_collect()
        .await?;
    let (account_id, run_id, listing) = (ctx.account_id, ctx.run_id, list.listing().stored());
    let held = list.held();
    let counts = db::run(&ctx.accounts.pool, move |conn| {
        // Counted after Allegro answered: what was stored meanwhile can only help.
        let held = held(conn, account_id, &windows)?;
        let mut requests = 0;
        let counts: Vec<MoneyDayCount> = windows
            .iter()
            .zip(answers)
            .zip(held)
            .map(|((w, (allegro, made)), held)| {
                requests += made;
                MoneyDayCount {
                    day: w.day,
                    allegro,
                    held,
                }
            })
            .collect();
        MoneyCoverageDay::record(conn, account_id, &listing, &counts)?;
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
