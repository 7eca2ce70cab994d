//! Tokens of one account: decrypted once and then handed out from memory until their refresh
//! margin, refreshed before they expire or after a 401, one refresh at a time, the rotated pair
//! committed before it is used.

use std::sync::Arc;

use chrono::{Duration, Utc};
use futures_util::future::BoxFuture;
use prometheus::{IntCounterVec, Opts, Registry};
use secrecy::{ExposeSecret, SecretString};

use super::{
    Accounts,
    cache::{CachedToken, needs_refresh},
};
use crate::{
    allegro::{AccountApi, AllegroError, TokenSet, TokenSource},
    db::{
        self, DbError,
        models::account::{AccountRow, StoredTokens},
    },
    domain::AccountId,
};

fn lifetime_of(row: &AccountRow) -> Option<Duration> {
    row.token_lifetime_secs
        .map(|secs| Duration::seconds(i64::from(secs)))
}

/// Whether the account's access token is missing or within its refresh margin of expiry.
fn is_stale(row: &AccountRow) -> bool {
    needs_refresh(row.token_expires_at, lifetime_of(row))
}

/// `token`, the access token read from `row`, with the row's expiry for the cache.
fn cached(row: &AccountRow, token: &SecretString) -> CachedToken {
    CachedToken {
        token: token.clone(),
        expires_at: row.token_expires_at,
        lifetime: lifetime_of(row),
    }
}

/// Why an account's tokens could not be supplied, and so what an [`AccountApi`] call on behalf
/// of a stored account fails with besides Allegro's own answers.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Allegro refused the refresh token, or the stored tokens are missing (the account was
    /// disconnected) or no longer decrypt: the account has to be connected again.
    #[error("{}", AllegroError::InvalidGrant)]
    Refused,
    /// The account was disconnected while its tokens were being refreshed.
    #[error("account {0} was disconnected during the refresh")]
    Disconnected(AccountId),
    /// The account no longer exists.
    #[error("account {0} no longer exists")]
    Gone(AccountId),
    /// The account's row could not be read or written.
    #[error(transparent)]
    Store(#[from] DbError),
    /// The task finishing a refresh failed.
    #[error(transparent)]
    Task(#[from] tokio::task::JoinError),
    /// Allegro's answer to the call or to the refresh.
    #[error(transparent)]
    Allegro(AllegroError),
}

impl From<AllegroError> for TokenError {
    fn from(error: AllegroError) -> Self {
        match error {
            AllegroError::InvalidGrant => Self::Refused,
            other => Self::Allegro(other),
        }
    }
}

/// What a refresh did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshOutcome {
    Refreshed,
    /// The token was fresh enough already (another task refreshed it meanwhile).
    NotDue,
    /// Allegro refused the refresh token; the account now needs re-authorisation.
    NeedsReauth,
}

/// Why a refresh is asked for; decides, under the account's lock, whether it is still needed
/// (so a scheduled refresh, a 401 and a stale token never rotate the pair twice).
#[derive(Debug, Clone)]
pub enum RefreshReason {
    /// The access token expires within its [`refresh_margin`](super::cache::refresh_margin).
    Stale,
    /// Allegro refused this access token. Also refreshes when another task replaced it already
    /// but the replacement is stale too (it aged while the caller waited).
    Rejected(SecretString),
    /// The scheduled job: the token expires within the window.
    Due(Duration),
    /// A person pressed "Refresh now".
    Forced,
}

/// `allegro_backup_token_refreshes_total{outcome}`: refresh grants sent, by how they ended
/// (`success`, `failure` for errors worth retrying, `dead` when the account needs connecting
/// again). Cheap to clone: clones count into the same series.
#[derive(Clone)]
pub struct RefreshMetrics(IntCounterVec);

impl RefreshMetrics {
    const OUTCOMES: [&str; 3] = ["success", "failure", "dead"];

    /// New series (every outcome at zero), not yet registered anywhere.
    pub fn new() -> prometheus::Result<Self> {
        let counter = IntCounterVec::new(
            Opts::new(
                "allegro_backup_token_refreshes_total",
                "Allegro token refreshes by outcome: success, failure (retried later) or dead \
                 (the refresh token was refused; the account must be connected again).",
            ),
            &["outcome"],
        )?;
        for outcome in Self::OUTCOMES {
            counter.with_label_values(&[outcome]);
        }
        Ok(Self(counter))
    }

    /// Adds the series to `registry`.
    pub fn register(&self, registry: &Registry) -> prometheus::Result<()> {
        registry.register(Box::new(self.0.clone()))
    }

    fn record<T>(&self, result: &Result<T, TokenError>) {
        let outcome = match result {
            Ok(_) => "success",
            Err(TokenError::Refused) => "dead",
            Err(_) => "failure",
        };
        self.0.with_label_values(&[outcome]).inc();
    }
}

/// The database-backed token source of one account.
pub struct AccountTokens {
    accounts: Accounts,
    id: AccountId,
}

impl Accounts {
    /// API calls on behalf of account `id`.
    pub fn api(&self, id: AccountId) -> AccountApi<TokenError> {
        self.client.account(Arc::new(AccountTokens {
            accounts: self.clone(),
            id,
        }))
    }

    /// Encrypts a token pair for storage with the account it belongs to.
    pub fn seal(&self, allegro_user_id: &str, tokens: &TokenSet) -> StoredTokens {
        let env = self.environment.as_str();
        let context = |kind| AccountRow::token_context(env, allegro_user_id, kind);
        let lifetime = Duration::from_std(tokens.expires_in)
            .unwrap_or_else(|_| Duration::hours(12))
            .max(Duration::seconds(1));
        StoredTokens {
            access_token_enc: self
                .cipher
                .encrypt(&tokens.access_token, &context("access")),
            refresh_token_enc: self
                .cipher
                .encrypt(&tokens.refresh_token, &context("refresh")),
            expires_at: Utc::now() + lifetime,
            lifetime_secs: i32::try_from(lifetime.num_seconds()).unwrap_or(i32::MAX),
            scope: tokens.scope.clone(),
        }
    }

    /// Decrypts a stored token. A token that no longer decrypts (the `SECRET_KEY` changed)
    /// marks the account for re-authorisation with that reason.
    async fn open(&self, row: &AccountRow, kind: &str) -> Result<SecretString, TokenError> {
        let stored = match kind {
            "access" => row.access_token_enc.as_deref(),
            _ => row.refresh_token_enc.as_deref(),
        }
        .ok_or(TokenError::Refused)?;
        let context = AccountRow::token_context(&row.environment, &row.allegro_user_id, kind);
        match self.cipher.decrypt(stored, &context) {
            Ok(token) => Ok(token),
            Err(err) => {
                self.mark_needs_reauth(row.id, &format!("The stored tokens cannot be read: {err}"))
                    .await;
                Err(TokenError::Refused)
            }
        }
    }

    async fn load(&self, id: AccountId) -> Result<AccountRow, TokenError> {
        self.tokens.count_row_read();
        db::run(&self.pool, move |conn| {
            AccountRow::find(conn, id).map_err(DbError::from)
        })
        .await?
        .ok_or(TokenError::Gone(id))
    }

    /// The access token of account `id` to send now: the cached one while it is outside its
    /// refresh margin, else the stored one, refreshed first when it is within its margin.
    async fn access_token(&self, id: AccountId) -> Result<SecretString, TokenError> {
        if let Some(token) = self.tokens.fresh(id) {
            return Ok(token);
        }
        let seen = self.tokens.generation(id);
        let row = self.load(id).await?;
        if is_stale(&row) {
            return self
                .refresh(id, RefreshReason::Stale)
                .await
                .map(|(token, _)| token);
        }
        let token = self.open(&row, "access").await?;
        self.tokens.keep(id, seen, cached(&row, &token));
        Ok(token)
    }

    /// Refreshes account `id` if `reason` still calls for it once the account's lock is held;
    /// returns the access token to use.
    pub async fn refresh(
        &self,
        id: AccountId,
        reason: RefreshReason,
    ) -> Result<(SecretString, RefreshOutcome), TokenError> {
        let lock = self.refresh_lock(id);
        let _guard = lock.lock().await;
        // Noted before the read: a disconnect meanwhile keeps what is read here out of the cache.
        let seen = self.tokens.generation(id);
        let row = self.load(id).await?;
        let expires_at = row.token_expires_at.unwrap_or_else(Utc::now);
        let still_needed = match &reason {
            RefreshReason::Forced => true,
            RefreshReason::Stale => is_stale(&row),
            RefreshReason::Due(window) => expires_at - *window <= Utc::now(),
            RefreshReason::Rejected(rejected) => {
                let current = self.open(&row, "access").await?;
                current.expose_secret() == rejected.expose_secret() || is_stale(&row)
            }
        };
        if !still_needed {
            let token = self.open(&row, "access").await?;
            self.tokens.keep(id, seen, cached(&row, &token));
            return Ok((token, RefreshOutcome::NotDue));
        }
        let result = async {
            let refresh_token = self.open(&row, "refresh").await?;
            // Finish the rotation even if the caller goes away (a closed browser tab): the old
            // refresh token is spent the moment Allegro answers, so the new pair must be stored.
            let accounts = self.clone();
            tokio::spawn(async move { accounts.rotate(row, refresh_token, seen).await }).await?
        }
        .await;
        if let Some(metrics) = &self.refresh_metrics {
            metrics.record(&result);
        }
        result.map(|token| (token, RefreshOutcome::Refreshed))
    }

    /// Trades `refresh_token` for a new pair, stores it and caches its access token (unless
    /// the cache moved on from generation `seen` meanwhile).
    async fn rotate(
        &self,
        row: AccountRow,
        refresh_token: SecretString,
        seen: u64,
    ) -> Result<SecretString, TokenError> {
        let id = row.id;
        match self.client.refresh_tokens(&refresh_token).await {
            Ok(tokens) => {
                let sealed = self.seal(&row.allegro_user_id, &tokens);
                let fresh = CachedToken {
                    token: tokens.access_token.clone(),
                    expires_at: Some(sealed.expires_at),
                    lifetime: Some(Duration::seconds(i64::from(sealed.lifetime_secs))),
                };
                let stored = db::run(&self.pool, move |conn| {
                    AccountRow::store_tokens(conn, id, &sealed).map_err(DbError::from)
                })
                .await?;
                if !stored {
                    self.tokens.forget(id);
                    return Err(TokenError::Disconnected(id));
                }
                self.tokens.replace(id, seen, fresh);
                tracing::info!(account.id = id.0, "refreshed Allegro tokens");
                Ok(tokens.access_token)
            }
            Err(AllegroError::InvalidGrant) => {
                self.mark_needs_reauth(
                    id,
                    "Allegro refused the refresh token; connect the account again.",
                )
                .await;
                Err(TokenError::Refused)
            }
            Err(other) => {
                let message = other.to_string();
                let _ = db::run(&self.pool, move |conn| {
                    AccountRow::record_error(conn, id, Some(&message)).map_err(DbError::from)
                })
                .await;
                Err(other.into())
            }
        }
    }

    async fn mark_needs_reauth(&self, id: AccountId, reason: &str) {
        self.tokens.forget(id);
        tracing::warn!(
            account.id = id.0,
            "account needs re-authorisation: {reason}"
        );
        let reason = reason.to_owned();
        let result = db::run(&self.pool, move |conn| {
            AccountRow::mark_needs_reauth(conn, id, &reason).map_err(DbError::from)
        })
        .await;
        if let Err(err) = result {
            tracing::error!(account.id = id.0, error = %err, "could not mark the account");
        }
    }

    /// Refreshes every connected account whose token expires within `window`; returns how
    /// many were refreshed. Failures are logged and retried on the next run.
    pub async fn refresh_expiring(&self, window: Duration) -> Result<usize, DbError> {
        let before = Utc::now() + window;
        let due = db::run(&self.pool, move |conn| {
            AccountRow::expiring_before(conn, before).map_err(DbError::from)
        })
        .await?;
        let mut refreshed = 0;
        for id in due {
            match self.refresh(id, RefreshReason::Due(window)).await {
                Ok((_, RefreshOutcome::Refreshed)) => refreshed += 1,
                Ok(_) | Err(TokenError::Refused) => {}
                Err(err) => {
                    tracing::warn!(account.id = id.0, error = %err, "token refresh failed; retrying later")
                }
            }
        }
        Ok(refreshed)
    }
}

impl TokenSource for AccountTokens {
    type Error = TokenError;

    fn account_key(&self) -> String {
        format!("account:{}", self.id)
    }

    fn access_token(&self) -> BoxFuture<'_, Result<SecretString, TokenError>> {
        Box::pin(self.accounts.access_token(self.id))
    }

    fn refresh(&self, rejected: SecretString) -> BoxFuture<'_, Result<SecretString, TokenError>> {
        Box::pin(async move {
            self.accounts
                .refresh(self.id, RefreshReason::Rejected(rejected))
                .await
                .map(|(t, _)| t)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refreshes_are_counted_by_outcome() {
        let metrics = RefreshMetrics::new().unwrap();
        metrics.record(&Ok::<_, TokenError>(()));
        metrics.record::<()>(&Err(AllegroError::Server { status: 503 }.into()));
        metrics.record::<()>(&Err(AllegroError::Timeout.into()));
        metrics.record::<()>(&Err(AllegroError::InvalidGrant.into()));
        let count = |outcome| metrics.0.with_label_values(&[outcome]).get();
        assert_eq!(
            (count("success"), count("failure"), count("dead")),
            (1, 2, 1)
        );
    }
}
