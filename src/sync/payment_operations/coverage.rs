//! The available wallet's coverage per day (allegro-api-money.md §6.4): `totalCount` of a
//! one-day window (one request) against the operations the backup holds for it; a differing
//! day is read again and stored (see `sync::money_coverage`). The held wallet is not checked:
//! it is listed whole every run, so what it holds cannot stay missing past the next one.

use chrono::{DateTime, Duration, SubsecRound, Utc};

use super::{Wallet, store::store_operations, too_many};
use crate::{
    allegro::{PAYMENT_OPERATIONS_QUERY_MAX, PaymentOperationQuery, WalletType},
    db::models::{
        coverage::DayWindow,
        listing::ListingKey,
        money_coverage::{Tally, held_operations},
    },
    domain::RunNote,
    sync::{
        context::{RunContext, SyncError},
        money_coverage::{self, Checks, DayList, HeldQuery},
        windowed::{self, WindowedList},
    },
};

/// Checks the available wallet's days; the run's note.
pub(in crate::sync) async fn check_coverage(
    ctx: &RunContext<'_>,
    checks: Checks,
) -> Result<RunNote, SyncError> {
    let outcome = money_coverage::check(ctx, &Wallet(WalletType::Available), checks).await?;
    Ok(RunNote::WalletCoverageChecked {
        verified: outcome.verified,
        mismatched: outcome.mismatched,
        still_mismatched: outcome.still_mismatched,
    })
}

impl Wallet {
    /// How many operations of the wallet occurred in `[from, end]`, and the requests that
    /// took: `totalCount`, or the span read whole should Allegro not give it.
    async fn count(
        &self,
        ctx: &RunContext<'_>,
        from: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Option<(u64, i64)>, SyncError> {
        ctx.check_stop()?;
        let query = PaymentOperationQuery {
            limit: 1,
            occurred_at_gte: Some(from),
            occurred_at_lte: Some(end),
            ..PaymentOperationQuery::of(self.0)
        };
        match ctx
            .api
            .payment_operations(&query)
            .await
            .map_err(SyncError::from)
        {
            Ok(page) => Ok(Some(match page.total_count {
                Some(total) => (total, 1),
                None => {
                    let pages = windowed::read_span(ctx, self, from, end).await?;
                    let listed = pages.iter().map(|p| p.listed() as u64).sum();
                    (listed, 1 + i64::try_from(pages.len()).unwrap_or(0))
                }
            })),
            Err(SyncError::Allegro(e)) if too_many(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl DayList for Wallet {
    /// A day is one request: two months of older days a night.
    const OLDER_PER_RUN: usize = 62;

    fn listing(&self) -> ListingKey {
        self.key()
    }

    /// A day matching more operations than a query may is counted in halves.
    async fn on_allegro(
        &self,
        ctx: &RunContext<'_>,
        day: DayWindow,
    ) -> Result<(Tally, i64), SyncError> {
        let (mut total, mut requests) = (0_u64, 0_i64);
        let mut spans = vec![(day.start, day.end)];
        while let Some((from, end)) = spans.pop() {
            match self.count(ctx, from, end).await? {
                Some((count, made)) => {
                    total += count;
                    requests += made;
                }
                None if end <= from => {
                    tracing::warn!(
                        account.id = ctx.account_id.0,
                        "more wallet operations in one millisecond than a query may count"
                    );
                    total += u64::from(PAYMENT_OPERATIONS_QUERY_MAX) + 1;
                    requests += 1;
                }
                None => {
                    requests += 1;
                    let middle = (from + (end - from) / 2).trunc_subsecs(3);
                    spans.push((from, middle));
                    spans.push((middle + Duration::milliseconds(1), end));
                }
            }
        }
        let count = i64::try_from(total).unwrap_or(i64::MAX);
        Ok((Tally { count, sums: None }, requests))
    }

    fn held(&self) -> HeldQuery {
        let wallet = self.0.as_str();
        Box::new(move |conn, account_id, days| held_operations(conn, account_id, wallet, days))
    }

    async fn relist(&self, ctx: &RunContext<'_>, day: DayWindow) -> Result<(), SyncError> {
        for page in windowed::read_span(ctx, self, day.start, day.end).await? {
            store_operations(ctx, self.0, page.into_operations(), |_| Ok(())).await?;
        }
        Ok(())
    }
}
