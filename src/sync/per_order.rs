//! Reading a resource Allegro lists per order (tracking numbers, invoices): the due orders'
//! calls run a few at a time, at most at the endpoint's pace, and an order Allegro no longer
//! knows (404) reads as `None`.

use std::{future::Future, sync::Arc, time::Duration};

use futures_util::{StreamExt, stream};
use tokio::sync::Mutex;

use super::context::{RunContext, SyncError};
use crate::{accounts::TokenError, allegro::AllegroError};

/// The pace of one endpoint's calls, shared by the calls in flight.
#[derive(Clone)]
pub(super) struct Pace(Arc<Mutex<tokio::time::Interval>>);

impl Pace {
    /// At most one call per `spacing`.
    pub fn every(spacing: Duration) -> Self {
        let mut interval = tokio::time::interval(spacing);
        // A late tick must not be made up with a burst: that would go over the endpoint's limit.
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Self(Arc::new(Mutex::new(interval)))
    }

    async fn wait(&self) {
        self.0.lock().await.tick().await;
    }
}

/// Calls `read` for each of `due` (a few at a time, at `pace`); each order with what it read,
/// `None` where Allegro answered 404. The first other failure fails the whole batch.
pub(super) async fn read_each<D, T, F, Fut>(
    ctx: &RunContext<'_>,
    due: Vec<D>,
    pace: &Pace,
    read: F,
) -> Result<Vec<(D, Option<T>)>, SyncError>
where
    F: Fn(&D) -> Fut,
    Fut: Future<Output = Result<Option<T>, TokenError>>,
{
    let read = &read;
    let results: Vec<Result<(D, Option<T>), TokenError>> = stream::iter(due)
        .map(|order| async move {
            pace.wait().await;
            match read(&order).await {
                Ok(found) => Ok((order, found)),
                Err(TokenError::Allegro(AllegroError::NotFound)) => Ok((order, None)),
                Err(e) => Err(e),
            }
        })
        .buffer_unordered(ctx.options.concurrency.max(1))
        .collect()
        .await;
    Ok(results.into_iter().collect::<Result<Vec<_>, _>>()?)
}
