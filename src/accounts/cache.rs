//! Decrypted access tokens kept in memory per account until their refresh margin, for at most
//! [`MAX_AGE`], so an API call does not read and decrypt the account's row every time. The age
//! bound is for replicas: a disconnect on another process reaches this one within it (a sync
//! under way stops using the account's token), since only the process that disconnects can
//! forget its own copy.
//!
//! Each account's slot has a generation. A reader notes it before reading the row and keeps
//! what it read only if nothing was forgotten or replaced meanwhile, so a token read just
//! before a disconnect, a delete, a re-link or a refresh never lands in the cache after it.

use std::{
    collections::HashMap,
    sync::{
        Mutex, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
    time::Instant,
};

use chrono::{DateTime, Duration, Utc};
use secrecy::SecretString;

use crate::domain::AccountId;

/// Refresh at most this long before the access token expires (what Allegro's 12 h tokens get).
const MAX_REFRESH_MARGIN: Duration = Duration::minutes(5);

/// How long before its expiry an access token that lives `lifetime` is refreshed: a fifth of
/// its lifetime, at most five minutes, so a token is used for most of its life and refreshed
/// about once per lifetime however short that is (a fixed five minutes would refresh a
/// 15-second token before every call). Five minutes when the lifetime is unknown (tokens stored
/// before it was recorded).
pub fn refresh_margin(lifetime: Option<Duration>) -> Duration {
    lifetime.map_or(MAX_REFRESH_MARGIN, |lifetime| {
        (lifetime / 5).clamp(Duration::zero(), MAX_REFRESH_MARGIN)
    })
}

/// Whether an access token expiring at `expires_at` (none stored: `None`) that lives
/// `lifetime` is within its refresh margin of expiry.
pub(super) fn needs_refresh(expires_at: Option<DateTime<Utc>>, lifetime: Option<Duration>) -> bool {
    expires_at.is_none_or(|at| at - refresh_margin(lifetime) <= Utc::now())
}

/// An access token with what decides how long it may be handed out.
pub(super) struct CachedToken {
    pub token: SecretString,
    pub expires_at: Option<DateTime<Utc>>,
    pub lifetime: Option<Duration>,
}

impl CachedToken {
    fn is_fresh(&self) -> bool {
        !needs_refresh(self.expires_at, self.lifetime)
    }
}

/// How long a token is handed out from memory before the row is read again.
pub(super) const MAX_AGE: std::time::Duration = std::time::Duration::from_secs(60);

#[derive(Default)]
struct Slot {
    generation: u64,
    /// The token, and when it was put here.
    token: Option<(CachedToken, Instant)>,
}

/// The tokens of one process's accounts (replicas each have their own: a token another
/// replica rotated is noticed by Allegro's 401, whose refresh reads the row again).
#[derive(Default)]
pub(super) struct TokenCache {
    slots: Mutex<HashMap<AccountId, Slot>>,
    /// Token reads that went to the database.
    row_reads: AtomicU64,
}

impl TokenCache {
    fn with_slot<T>(&self, id: AccountId, f: impl FnOnce(&mut Slot) -> T) -> T {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        f(slots.entry(id).or_default())
    }

    /// The cached token of account `id` while it is outside its refresh margin.
    pub fn fresh(&self, id: AccountId) -> Option<SecretString> {
        self.with_slot(id, |slot| {
            slot.token
                .as_ref()
                .filter(|(cached, kept)| cached.is_fresh() && kept.elapsed() < MAX_AGE)
                .map(|(cached, _)| cached.token.clone())
        })
    }

    /// The slot's generation, noted before reading the row.
    pub fn generation(&self, id: AccountId) -> u64 {
        self.with_slot(id, |slot| slot.generation)
    }

    /// Keeps a token read from the row if the slot is still at `seen`.
    pub fn keep(&self, id: AccountId, seen: u64, token: CachedToken) {
        self.with_slot(id, |slot| {
            if slot.generation == seen {
                slot.token = Some((token, Instant::now()));
            }
        });
    }

    /// Puts a token that replaced the stored one (a refresh) in place if the slot is still at
    /// `seen`, moving the generation on so that readers of the old row do not put it back.
    pub fn replace(&self, id: AccountId, seen: u64, token: CachedToken) {
        self.with_slot(id, |slot| {
            if slot.generation == seen {
                slot.generation += 1;
                slot.token = Some((token, Instant::now()));
            }
        });
    }

    /// Drops the account's token, and whatever a read under way would keep.
    pub fn forget(&self, id: AccountId) {
        self.with_slot(id, |slot| {
            slot.generation += 1;
            slot.token = None;
        });
    }

    pub fn count_row_read(&self) {
        self.row_reads.fetch_add(1, Ordering::Relaxed);
    }

    pub fn row_reads(&self) -> u64 {
        self.row_reads.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    #[test]
    fn the_refresh_margin_is_a_fifth_of_the_lifetime_and_at_most_five_minutes() {
        let margin = |secs| refresh_margin(Some(Duration::seconds(secs)));
        assert_eq!(margin(15), Duration::seconds(3));
        assert_eq!(margin(60), Duration::seconds(12));
        assert_eq!(margin(1500), Duration::minutes(5));
        assert_eq!(
            margin(43_199),
            Duration::minutes(5),
            "Allegro's 12 h tokens"
        );
        assert_eq!(
            refresh_margin(None),
            Duration::minutes(5),
            "lifetime unknown"
        );
        assert_eq!(margin(0), Duration::zero());
        assert_eq!(margin(-5), Duration::zero(), "never negative");
        // A token is used for most of its life: four fifths of a short one.
        assert!(margin(15) < Duration::seconds(15) / 4);
    }

    fn expiring(value: &str, expires_in: Duration) -> CachedToken {
        CachedToken {
            token: SecretString::from(value),
            expires_at: Some(Utc::now() + expires_in),
            lifetime: Some(Duration::hours(12)),
        }
    }

    fn token(value: &str) -> CachedToken {
        expiring(value, Duration::hours(1))
    }

    fn fresh(cache: &TokenCache, id: AccountId) -> Option<String> {
        cache.fresh(id).map(|t| t.expose_secret().to_owned())
    }

    #[test]
    fn a_token_is_handed_out_until_its_refresh_margin() {
        let cache = TokenCache::default();
        let seen = cache.generation(AccountId(1));
        cache.keep(AccountId(1), seen, token("a"));
        assert_eq!(fresh(&cache, AccountId(1)).as_deref(), Some("a"));
        assert_eq!(fresh(&cache, AccountId(2)), None, "per account");
        cache.keep(AccountId(1), seen, expiring("a", Duration::minutes(4)));
        assert_eq!(
            fresh(&cache, AccountId(1)),
            None,
            "within five minutes of its expiry"
        );
    }

    #[test]
    fn a_token_is_read_again_after_its_maximum_age() {
        let cache = TokenCache::default();
        let seen = cache.generation(AccountId(1));
        cache.keep(AccountId(1), seen, token("a"));
        let long_ago = Instant::now()
            .checked_sub(MAX_AGE)
            .expect("an instant a minute ago");
        cache.with_slot(AccountId(1), |slot| {
            if let Some((_, kept)) = slot.token.as_mut() {
                *kept = long_ago;
            }
        });
        assert_eq!(
            fresh(&cache, AccountId(1)),
            None,
            "another replica may have disconnected it"
        );
    }

    #[test]
    fn a_token_read_before_a_forget_or_a_refresh_is_not_kept() {
        let cache = TokenCache::default();
        let seen = cache.generation(AccountId(1));
        cache.forget(AccountId(1));
        cache.keep(AccountId(1), seen, token("read before the disconnect"));
        assert_eq!(fresh(&cache, AccountId(1)), None);

        let seen = cache.generation(AccountId(1));
        cache.replace(AccountId(1), seen, token("refreshed"));
        cache.keep(AccountId(1), seen, token("read before the refresh"));
        assert_eq!(fresh(&cache, AccountId(1)).as_deref(), Some("refreshed"));

        let seen = cache.generation(AccountId(1));
        cache.forget(AccountId(1));
        cache.replace(AccountId(1), seen, token("refreshed before the delete"));
        assert_eq!(fresh(&cache, AccountId(1)), None);
    }
}
