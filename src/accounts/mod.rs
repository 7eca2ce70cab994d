//! Linked Allegro seller accounts: connecting them with the device-code flow, keeping their
//! tokens fresh and encrypted. This is where the Allegro client and the database meet for
//! accounts (the backup engine does the same for orders).

mod cache;
mod link;
mod tokens;

use std::{collections::HashMap, sync::Arc};

use tokio::sync::Mutex;

pub use link::{FlowOutcome, LinkError};
pub use tokens::{AccountTokens, RefreshMetrics, RefreshOutcome, RefreshReason, TokenError};

use self::cache::TokenCache;
use crate::{
    allegro::AllegroClient, config::AllegroEnvironment, crypto::TokenCipher, db::PgPool,
    domain::AccountId,
};

/// Everything account operations need; cheap to clone.
#[derive(Clone)]
pub struct Accounts {
    pub pool: PgPool,
    pub client: AllegroClient,
    pub cipher: TokenCipher,
    pub environment: AllegroEnvironment,
    /// One lock per account so a scheduled refresh and a 401-triggered one never race.
    refresh_locks: Arc<std::sync::Mutex<HashMap<AccountId, Arc<Mutex<()>>>>>,
    /// Decrypted access tokens, handed out without a database read until their refresh margin.
    tokens: Arc<TokenCache>,
    /// Counts refreshes; unregistered unless [`Accounts::with_refresh_metrics`] hands in the
    /// application's.
    refresh_metrics: Option<RefreshMetrics>,
}

impl Accounts {
    pub fn new(
        pool: PgPool,
        client: AllegroClient,
        cipher: TokenCipher,
        environment: AllegroEnvironment,
    ) -> Self {
        Self {
            pool,
            client,
            cipher,
            environment,
            refresh_locks: Arc::default(),
            tokens: Arc::default(),
            refresh_metrics: None,
        }
    }

    /// The same accounts counting token refreshes into `metrics`.
    pub fn with_refresh_metrics(mut self, metrics: RefreshMetrics) -> Self {
        self.refresh_metrics = Some(metrics);
        self
    }

    /// Drops the cached token of account `id`: call it once its tokens were deleted or
    /// replaced other than by a refresh (disconnect, delete, re-link).
    pub fn forget(&self, id: AccountId) {
        self.tokens.forget(id);
    }

    /// How many times an account's row was read for its tokens (a fresh cached token costs
    /// no read); tests prove the cache with it.
    pub fn token_row_reads(&self) -> u64 {
        self.tokens.row_reads()
    }

    fn refresh_lock(&self, id: AccountId) -> Arc<Mutex<()>> {
        let mut locks = self
            .refresh_locks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        locks.entry(id).or_default().clone()
    }
}
