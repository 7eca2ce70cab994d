//! One pooled connection per request: inside [`scoped`], the first [`run`](super::run) checks
//! a connection out and the following ones (the session, the signed-in user, the alert banner,
//! the handler's reads, the session's update) reuse it, instead of one checkout each. The
//! connection goes back to the pool when the request ends, or at once when a call fails (so a
//! broken connection is not handed on).

use std::{
    future::Future,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicU32, Ordering},
    },
};

use super::PgPooled;

tokio::task_local! {
    static SLOT: Arc<Slot>;
}

/// The connection a request holds between its database calls.
#[derive(Default)]
pub(super) struct Slot {
    connection: Mutex<Option<PgPooled>>,
    checkouts: AtomicU32,
}

impl Slot {
    /// The request's slot, when the caller runs inside [`scoped`].
    pub(super) fn current() -> Option<Arc<Slot>> {
        SLOT.try_with(Arc::clone).ok()
    }

    /// The connection kept from an earlier call, if any.
    pub(super) fn take(&self) -> Option<PgPooled> {
        self.connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// Keeps `connection` for the request's next call.
    pub(super) fn keep(&self, connection: PgPooled) {
        *self
            .connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(connection);
    }

    pub(super) fn count_checkout(&self) {
        self.checkouts.fetch_add(1, Ordering::Relaxed);
    }
}

/// Runs `request` sharing one connection between its database calls; returns its output and
/// how many connections it checked out of the pool.
pub async fn scoped<F: Future>(request: F) -> (F::Output, u32) {
    let slot = Arc::new(Slot::default());
    let output = SLOT.scope(Arc::clone(&slot), request).await;
    // Back to the pool now, not when the last clone of the slot goes.
    drop(slot.take());
    (output, slot.checkouts.load(Ordering::Relaxed))
}
