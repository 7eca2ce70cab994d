//! Graceful shutdown of background work: syncs are started through [`Shutdown`], which
//! stops them (each ends `interrupted` after committing the page it was storing) and waits
//! for them, up to a grace period.

use std::{future::Future, time::Duration};

use tokio::runtime::Handle;
use tokio_util::{sync::CancellationToken, task::TaskTracker};

/// The process's stop signal and the background tasks it waits for. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Shutdown {
    stop: CancellationToken,
    tasks: TaskTracker,
    /// The runtime tasks are spawned on: the one `new` ran on. A handler runs on an actix
    /// worker's own runtime, which is torn down when the server stops; a sync spawned there
    /// would be dropped mid-page instead of ending `interrupted`.
    runtime: Option<Handle>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Self::new()
    }
}

impl Shutdown {
    /// Call on the runtime that outlives the HTTP server (the one `main` runs on).
    pub fn new() -> Self {
        Self {
            stop: CancellationToken::new(),
            tasks: TaskTracker::new(),
            runtime: Handle::try_current().ok(),
        }
    }

    /// The token runs watch (`SyncOptions::stop`).
    pub fn token(&self) -> CancellationToken {
        self.stop.clone()
    }

    pub fn is_stopping(&self) -> bool {
        self.stop.is_cancelled()
    }

    /// Runs `task` in the background, tracked so that [`Shutdown::stop`] waits for it; false
    /// (and nothing started) once shutting down.
    pub fn spawn<F>(&self, task: F) -> bool
    where
        F: Future<Output = ()> + Send + 'static,
    {
        if self.is_stopping() {
            return false;
        }
        let task = self.tasks.track_future(task);
        match &self.runtime {
            Some(runtime) => drop(runtime.spawn(task)),
            None => drop(tokio::spawn(task)),
        }
        true
    }

    /// Signals every run to stop and waits up to `grace` for the tracked tasks; true when
    /// all of them ended in time.
    pub async fn stop(&self, grace: Duration) -> bool {
        self.stop.cancel();
        self.tasks.close();
        tokio::time::timeout(grace, self.tasks.wait()).await.is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stopping_waits_for_tasks_that_watch_the_token_and_refuses_new_ones() {
        let shutdown = Shutdown::new();
        let (done_tx, done_rx) = tokio::sync::oneshot::channel();
        let token = shutdown.token();
        assert!(shutdown.spawn(async move {
            token.cancelled().await;
            let _ = done_tx.send(());
        }));
        assert!(shutdown.stop(Duration::from_secs(30)).await);
        assert!(done_rx.await.is_ok());
        assert!(!shutdown.spawn(async {}));
    }
}
