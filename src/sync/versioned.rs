//! Writing a page of a resource Allegro changes in place (customer returns, payment refunds,
//! …): the resources (a new version for each one that changed), the checkpoint the page reaches
//! and the run's counters, in one transaction, then a lease renewal. A crash before the commit
//! leaves the checkpoint where the last stored page put it, so nothing is lost; storing a page
//! again adds nothing, so nothing is duplicated.

use std::collections::HashSet;

use diesel::{Connection, PgConnection, QueryResult};

use crate::{
    allegro::{BillingEntry, CustomerReturn, Invoice, PaymentOperation, Refund, RefundClaim},
    db::{
        self, DbError,
        models::{
            sync::{RunCounters, SyncRun},
            versioned::{self, VersionedRow},
        },
    },
    domain::Document,
    sync::context::{RunContext, SyncError},
};

/// A resource as a page lists it: its id and the document Allegro sent.
pub(super) trait Listed {
    /// What the logs call it ("payment refund").
    const KIND: &'static str;
    fn id(&self) -> &str;
    fn document(&self) -> &Document;
}

/// `Listed` for resources with an `id` newtype and a `document`.
macro_rules! listed {
    ($($resource:ty => $kind:literal),* $(,)?) => {$(
        impl Listed for $resource {
            const KIND: &'static str = $kind;
            fn id(&self) -> &str {
                self.id.as_str()
            }
            fn document(&self) -> &Document {
                &self.document
            }
        }
    )*};
}

listed!(
    BillingEntry => "billing entry",
    CustomerReturn => "customer return",
    Refund => "payment refund",
    RefundClaim => "refund claim",
    Invoice => "invoice",
);

/// A payment operation has no id: its document's hash is its identity.
impl Listed for PaymentOperation {
    const KIND: &'static str = "payment operation";
    fn id(&self) -> &str {
        self.document.hash()
    }
    fn document(&self) -> &Document {
        &self.document
    }
}

/// The rows of a page: each resource once (the last copy wins, should a page list one twice),
/// without those PostgreSQL cannot store (NUL characters; logged).
pub(super) fn rows_of<T: Listed, Row>(
    ctx: &RunContext<'_>,
    items: Vec<T>,
    row: impl Fn(T) -> Row,
) -> Vec<Row> {
    let mut seen = HashSet::new();
    let mut rows: Vec<Row> = items
        .into_iter()
        .rev()
        .filter(|item| seen.insert(item.id().to_owned()))
        .filter(|item| storable(ctx, item))
        .map(row)
        .collect();
    rows.reverse();
    rows
}

fn storable<T: Listed>(ctx: &RunContext<'_>, item: &T) -> bool {
    if item.document().holds_nul() {
        tracing::warn!(
            account.id = ctx.account_id.0,
            resource.id = item.id(),
            "{} skipped: it holds NUL characters, which PostgreSQL cannot store",
            T::KIND
        );
        return false;
    }
    true
}

/// How a page counts in the run: `fetched` resources read, `changed` of them stored with a new
/// version.
pub(super) type PageCounters = fn(fetched: i64, changed: i64) -> RunCounters;

/// Stores `rows` (a page of `fetched` resources) with the checkpoint `checkpoint` writes and
/// the run's counters in one transaction, then renews the lease. What `checkpoint` returns.
pub(super) async fn store_page<Row, R>(
    ctx: &RunContext<'_>,
    rows: Vec<Row>,
    fetched: usize,
    counters: PageCounters,
    checkpoint: impl FnOnce(&mut PgConnection) -> QueryResult<R> + Send + 'static,
) -> Result<R, SyncError>
where
    Row: VersionedRow + Send + 'static,
    R: Send + 'static,
{
    let account_id = ctx.account_id;
    store_page_with(ctx, fetched, counters, move |conn| {
        let stored = versioned::store(conn, account_id, &rows)?;
        let reached = checkpoint(conn)?;
        stored.record_changes::<Row>(conn, account_id)?;
        Ok((stored.counts.changed_or_created(), reached))
    })
    .await
}

/// Runs `write` (which stores a page of `fetched` resources, moves the checkpoint and says how
/// many resources it stored anew or changed) with the run's counters in one transaction, then
/// renews the lease. What `write` returns besides the count.
pub(super) async fn store_page_with<R: Send + 'static>(
    ctx: &RunContext<'_>,
    fetched: usize,
    counters: PageCounters,
    write: impl FnOnce(&mut PgConnection) -> QueryResult<(i64, R)> + Send + 'static,
) -> Result<R, SyncError> {
    let run_id = ctx.run_id;
    let fetched = i64::try_from(fetched).unwrap_or(i64::MAX);
    let reached = db::run(&ctx.accounts.pool, move |conn| {
        conn.transaction(|conn| {
            let (changed, reached) = write(conn)?;
            let delta = RunCounters {
                requests: 1,
                ..counters(fetched, changed)
            };
            SyncRun::add_progress(conn, run_id, &delta, None)?;
            SyncRun::advance_phase(conn, run_id, fetched)?;
            Ok::<_, diesel::result::Error>(reached)
        })
        .map_err(DbError::from)
    })
    .await?;
    ctx.renew_lease().await?;
    Ok(reached)
}
