//! A test hook that holds the API calls to one endpoint until the test lets them through, so
//! that a test can stop a pass at a page boundary of its choosing instead of racing it.

use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Semaphore;

/// Holds every API call whose path starts with `path` (before its faults are rolled) until the
/// gate lets it through or opens. See `World::hold_calls`.
#[derive(Debug)]
pub struct CallGate {
    path: String,
    passes: Semaphore,
    /// Calls held now and not yet let through.
    waiting: AtomicUsize,
}

impl CallGate {
    pub(crate) fn new(path: &str) -> Self {
        Self {
            path: path.to_owned(),
            passes: Semaphore::new(0),
            waiting: AtomicUsize::new(0),
        }
    }

    pub(crate) fn holds(&self, path: &str) -> bool {
        path.starts_with(&self.path)
    }

    /// Waits until this call is let through (at once once the gate is open). A call dropped
    /// while held (its client went away) takes itself off the count.
    pub(crate) async fn pass(&self) {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let mut held = Held {
            gate: self,
            let_through: false,
        };
        // Closed (open): nobody lets this call through, so `held` takes it off the count.
        if let Ok(pass) = self.passes.acquire().await {
            pass.forget();
            held.let_through = true;
        }
    }

    /// How many calls are held now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }

    /// Lets one held call through; false when none is held.
    pub fn let_one_through(&self) -> bool {
        let taken = self.take_one();
        if taken {
            self.passes.add_permits(1);
        }
        taken
    }

    /// Lets every call through, those held now and those to come.
    pub fn open(&self) {
        self.passes.close();
    }

    fn take_one(&self) -> bool {
        self.waiting
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }
}

/// A call waiting at the gate; when it ends without being let through (the gate opened, or
/// the call was dropped), it leaves the count. (A call let through just as the gate opens, or
/// dropped just after being let through, may leave it twice: the count stops at 0, and nobody
/// reads it once the gate is open.)
struct Held<'g> {
    gate: &'g CallGate,
    let_through: bool,
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        if !self.let_through {
            self.gate.take_one();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::{sync::Arc, time::Duration};

    use super::CallGate;

    async fn held_until_counted(gate: &Arc<CallGate>, n: usize) {
        while gate.waiting() < n {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }

    #[tokio::test]
    async fn a_held_call_passes_only_when_let_through_or_opened() {
        let gate = Arc::new(CallGate::new("/order/refund-claims"));
        assert!(gate.holds("/order/refund-claims"));
        assert!(!gate.holds("/order/checkout-forms"));
        assert!(!gate.let_one_through(), "nothing is held yet");

        let calls: Vec<_> = (0..3)
            .map(|_| {
                tokio::spawn({
                    let gate = Arc::clone(&gate);
                    async move { gate.pass().await }
                })
            })
            .collect();
        held_until_counted(&gate, 3).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(calls.iter().all(|c| !c.is_finished()), "all three are held");

        assert!(gate.let_one_through());
        assert_eq!(gate.waiting(), 2);
        while calls.iter().filter(|c| c.is_finished()).count() < 1 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(calls.iter().filter(|c| c.is_finished()).count(), 1);

        let dropped = tokio::spawn({
            let gate = Arc::clone(&gate);
            async move { gate.pass().await }
        });
        held_until_counted(&gate, 3).await;
        dropped.abort();
        assert!(dropped.await.unwrap_err().is_cancelled());
        assert_eq!(gate.waiting(), 2, "a dropped call leaves the count");

        gate.open();
        for call in calls {
            call.await.unwrap();
        }
        assert_eq!(gate.waiting(), 0);
        gate.pass().await;
    }
}
