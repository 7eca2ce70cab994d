//! Request budgets: one for the whole client id (shared by every account, as Allegro counts it),
//! one per account plus a per-account concurrency cap, and the client-wide pause after a 429.

use std::{
    collections::HashMap,
    num::NonZeroU32,
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::{
    sync::{Semaphore, SemaphorePermit, watch},
    time::Instant,
};

/// `requests` a minute, spread out: the burst is two seconds' worth, not a whole minute's (a
/// full-minute burst let the first minute send up to twice the budget, which trips Allegro's
/// 429 block when several accounts start together).
fn per_minute(requests: u32) -> Quota {
    let rate = NonZeroU32::new(requests).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(requests / 30).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(rate).allow_burst(burst)
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // The guarded values stay consistent even if a holder panicked, so poisoning is ignored.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Budgets of one client id; lives in the `AllegroClient` and is shared by its clones.
pub(crate) struct ClientGate {
    limiter: DefaultDirectRateLimiter,
    /// When the 429 pause ends; a watch so that runs can show it while it lasts.
    paused_until: watch::Sender<Option<Instant>>,
    accounts: Mutex<HashMap<String, Arc<AccountGate>>>,
    account_requests_per_minute: u32,
    account_concurrency: usize,
}

impl ClientGate {
    pub(crate) fn new(
        client_requests_per_minute: u32,
        account_requests_per_minute: u32,
        account_concurrency: u32,
    ) -> Self {
        Self {
            limiter: RateLimiter::direct(per_minute(client_requests_per_minute)),
            paused_until: watch::Sender::new(None),
            accounts: Mutex::new(HashMap::new()),
            account_requests_per_minute,
            account_concurrency: usize::try_from(account_concurrency.max(1)).unwrap_or(1),
        }
    }

    /// The budgets of the account called `key` (created on first use, then shared).
    pub(crate) fn account(&self, key: &str) -> Arc<AccountGate> {
        let mut accounts = lock(&self.accounts);
        Arc::clone(accounts.entry(key.to_owned()).or_insert_with(|| {
            Arc::new(AccountGate {
                limiter: RateLimiter::direct(per_minute(self.account_requests_per_minute)),
                concurrency: Semaphore::new(self.account_concurrency),
            })
        }))
    }

    /// Waits for one request of the client-wide budget.
    pub(crate) async fn until_ready(&self) {
        self.limiter.until_ready().await;
    }

    /// Stops every call of this client id for `pause` from now; a pause already running longer is
    /// kept, a shorter one is extended (Allegro extends its block when called during it).
    pub(crate) fn pause(&self, pause: Duration) {
        let until = Instant::now() + pause;
        self.paused_until.send_if_modified(|paused| {
            let longer = paused.is_none_or(|current| current < until);
            if longer {
                *paused = Some(until);
            }
            longer
        });
    }

    /// How long the client id stays paused (zero when it is not).
    pub(crate) fn remaining_pause(&self) -> Duration {
        remaining(*self.paused_until.borrow())
    }

    /// Returns once no pause is running (re-checking, as a pause may be extended meanwhile).
    pub(crate) async fn wait_for_pause(&self) {
        loop {
            let until = *self.paused_until.borrow();
            match until {
                Some(until) if until > Instant::now() => tokio::time::sleep_until(until).await,
                _ => return,
            }
        }
    }

    /// Follows the pauses from now on, starting with the one running (if any).
    pub(crate) fn pauses(&self) -> RateLimitPauses {
        let mut receiver = self.paused_until.subscribe();
        receiver.mark_changed();
        RateLimitPauses(receiver)
    }
}

fn remaining(until: Option<Instant>) -> Duration {
    until
        .map(|until| until.saturating_duration_since(Instant::now()))
        .unwrap_or_default()
}

/// The client id's 429 pauses as they start or are extended (see
/// [`AllegroClient::rate_limit_pauses`](super::AllegroClient::rate_limit_pauses)).
pub struct RateLimitPauses(watch::Receiver<Option<Instant>>);

impl RateLimitPauses {
    /// Waits for a pause to start or be extended (returns at once for one running when
    /// following began); how long it lasts from now.
    pub async fn next(&mut self) -> Duration {
        loop {
            // The sender lives as long as the client; gone, no pause comes any more.
            if self.0.changed().await.is_err() {
                return std::future::pending().await;
            }
            let left = remaining(*self.0.borrow_and_update());
            if !left.is_zero() {
                return left;
            }
        }
    }
}

/// Budgets of one seller account.
pub(crate) struct AccountGate {
    limiter: DefaultDirectRateLimiter,
    concurrency: Semaphore,
}

impl AccountGate {
    /// Waits for the account's rate budget, then for a free concurrency slot.
    pub(crate) async fn admit(&self) -> Option<SemaphorePermit<'_>> {
        self.limiter.until_ready().await;
        // The semaphore is never closed, so `None` cannot happen in practice.
        self.concurrency.acquire().await.ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_with_the_same_key_share_their_budget() {
        let gate = ClientGate::new(100, 10, 2);
        assert!(Arc::ptr_eq(&gate.account("a"), &gate.account("a")));
        assert!(!Arc::ptr_eq(&gate.account("a"), &gate.account("b")));
    }

    #[test]
    fn a_minute_budget_does_not_burst_all_at_once() {
        let gate = ClientGate::new(6000, 10, 2);
        let immediate = (0..6000)
            .take_while(|_| gate.limiter.check().is_ok())
            .count();
        assert_eq!(immediate, 200, "two seconds' worth of a 6,000/min budget");
    }

    #[tokio::test]
    async fn a_pause_is_extended_but_never_shortened() {
        let gate = ClientGate::new(100, 10, 2);
        gate.pause(Duration::from_secs(60));
        gate.pause(Duration::from_secs(1));
        assert!(gate.remaining_pause() > Duration::from_secs(50));
        gate.pause(Duration::from_secs(120));
        assert!(gate.remaining_pause() > Duration::from_secs(110));
    }

    #[tokio::test]
    async fn pauses_are_heard_when_they_start_or_grow_and_one_running_at_once() {
        let gate = ClientGate::new(100, 10, 2);
        gate.pause(Duration::from_secs(30));
        let mut pauses = gate.pauses();
        let first = pauses.next().await;
        assert!(
            first > Duration::from_secs(25),
            "the running pause: {first:?}"
        );
        gate.pause(Duration::from_secs(1));
        gate.pause(Duration::from_secs(90));
        let grown = pauses.next().await;
        assert!(grown > Duration::from_secs(85), "the extension: {grown:?}");
        let quiet = tokio::time::timeout(Duration::from_millis(20), pauses.next()).await;
        assert!(quiet.is_err(), "a shorter pause changes nothing");
    }

    #[tokio::test]
    async fn the_account_concurrency_cap_holds() {
        let gate = ClientGate::new(100, 100, 1);
        let account = gate.account("a");
        let first = account.admit().await;
        assert!(first.is_some());
        assert_eq!(account.concurrency.available_permits(), 0);
        drop(first);
        assert_eq!(account.concurrency.available_permits(), 1);
    }
}
