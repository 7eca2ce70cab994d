//! Tokens of one account: decrypted on demand, refreshed before they expire or after a 401,
//! one refresh at a time, the rotated pair committed before it is used.

use std::sync::Arc;

use chrono::{Duration, Utc};
use futures_util::future::BoxFuture;
use prometheus::{IntCounterVec, Opts, Registry};
use secrecy::{ExposeSecret, SecretString};

use super::Accounts;
use crate::{
    allegro::{AccountApi, AllegroError, TokenSet, TokenSource},
    db::{
        self, DbError,
        models::account::{AccountId, AccountRow, StoredTokens},
    },
};

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

/// Whether the account's access token is missing or within its refresh margin of expiry.
fn is_stale(row: &AccountRow) -> bool {
    let lifetime = row
        .token_lifetime_secs
        .map(|secs| Duration::seconds(i64::from(secs)));
    row.token_expires_at
        .is_none_or(|at| at - refresh_margin(lifetime) <= Utc::now())
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
    /// The access token expires within its [`refresh_margin`].
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

    fn record<T>(&self, result: &Result<T, AllegroError>) {
        let outcome = match result {
            Ok(_) => "success",
            Err(AllegroError::InvalidGrant) => "dead",
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
    pub fn api(&self, id: AccountId) -> AccountApi {
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
    async fn open(&self, row: &AccountRow, kind: &str) -> Result<SecretString, AllegroError> {
        let stored = match kind {
            "access" => row.access_token_enc.as_deref(),
            _ => row.refresh_token_enc.as_deref(),
        }
        .ok_or(AllegroError::InvalidGrant)?;
        let context = AccountRow::token_context(&row.environment, &row.allegro_user_id, kind);
        match self.cipher.decrypt(stored, &context) {
            Ok(token) => Ok(token),
            Err(err) => {
                self.mark_needs_reauth(row.id, &format!("The stored tokens cannot be read: {err}"))
                    .await;
                Err(AllegroError::InvalidGrant)
            }
        }
    }

    async fn load(&self, id: AccountId) -> Result<AccountRow, AllegroError> {
        db::run(&self.pool, move |conn| {
            AccountRow::find(conn, id).map_err(DbError::from)
        })
        .await
        .map_err(|e: DbError| AllegroError::Unexpected(e.into()))?
        .ok_or_else(|| AllegroError::Unexpected(anyhow::anyhow!("account {id} no longer exists")))
    }

    /// Refreshes account `id` if `reason` still calls for it once the account's lock is held;
    /// returns the access token to use.
    pub async fn refresh(
        &self,
        id: AccountId,
        reason: RefreshReason,
    ) -> Result<(SecretString, RefreshOutcome), AllegroError> {
        let lock = self.refresh_lock(id);
        let _guard = lock.lock().await;
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
            return Ok((self.open(&row, "access").await?, RefreshOutcome::NotDue));
        }
        let result = async {
            let refresh_token = self.open(&row, "refresh").await?;
            // Finish the rotation even if the caller goes away (a closed browser tab): the old
            // refresh token is spent the moment Allegro answers, so the new pair must be stored.
            let accounts = self.clone();
            tokio::spawn(async move { accounts.rotate(row, refresh_token).await })
                .await
                .map_err(|e| AllegroError::Unexpected(e.into()))?
        }
        .await;
        if let Some(metrics) = &self.refresh_metrics {
            metrics.record(&result);
        }
        result.map(|token| (token, RefreshOutcome::Refreshed))
    }

    async fn rotate(
        &self,
        row: AccountRow,
        refresh_token: SecretString,
    ) -> Result<SecretString, AllegroError> {
        let id = row.id;
        match self.client.refresh_tokens(&refresh_token).await {
            Ok(tokens) => {
                let sealed = self.seal(&row.allegro_user_id, &tokens);
                let stored = db::run(&self.pool, move |conn| {
                    AccountRow::store_tokens(conn, id, &sealed).map_err(DbError::from)
                })
                .await
                .map_err(|e: DbError| AllegroError::Unexpected(e.into()))?;
                if !stored {
                    return Err(AllegroError::Unexpected(anyhow::anyhow!(
                        "account {id} was disconnected during the refresh"
                    )));
                }
                tracing::info!(account.id = id, "refreshed Allegro tokens");
                Ok(tokens.access_token)
            }
            Err(AllegroError::InvalidGrant) => {
                self.mark_needs_reauth(
                    id,
                    "Allegro refused the refresh token; connect the account again.",
                )
                .await;
                Err(AllegroError::InvalidGrant)
            }
            Err(other) => {
                let message = other.to_string();
                let _ = db::run(&self.pool, move |conn| {
                    AccountRow::record_error(conn, id, Some(&message)).map_err(DbError::from)
                })
                .await;
                Err(other)
            }
        }
    }

    async fn mark_needs_reauth(&self, id: AccountId, reason: &str) {
        tracing::warn!(account.id = id, "account needs re-authorisation: {reason}");
        let reason = reason.to_owned();
        let result = db::run(&self.pool, move |conn| {
            AccountRow::mark_needs_reauth(conn, id, &reason).map_err(DbError::from)
        })
        .await;
        if let Err(err) = result {
            tracing::error!(account.id = id, error = %err, "could not mark the account");
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
                Ok(_) | Err(AllegroError::InvalidGrant) => {}
                Err(err) => {
                    tracing::warn!(account.id = id, error = %err, "token refresh failed; retrying later")
                }
            }
        }
        Ok(refreshed)
    }
}

impl TokenSource for AccountTokens {
    fn account_key(&self) -> String {
        format!("account:{}", self.id)
    }

    fn access_token(&self) -> BoxFuture<'_, Result<SecretString, AllegroError>> {
        Box::pin(async move {
            let row = self.accounts.load(self.id).await?;
            if !is_stale(&row) {
                self.accounts.open(&row, "access").await
            } else {
                self.accounts
                    .refresh(self.id, RefreshReason::Stale)
                    .await
                    .map(|(t, _)| t)
            }
        })
    }

    fn refresh(&self, rejected: SecretString) -> BoxFuture<'_, Result<SecretString, AllegroError>> {
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

    #[test]
    fn refreshes_are_counted_by_outcome() {
        let metrics = RefreshMetrics::new().unwrap();
        metrics.record(&Ok::<_, AllegroError>(()));
        metrics.record::<()>(&Err(AllegroError::Server { status: 503 }));
        metrics.record::<()>(&Err(AllegroError::Timeout));
        metrics.record::<()>(&Err(AllegroError::InvalidGrant));
        let count = |outcome| metrics.0.with_label_values(&[outcome]).get();
        assert_eq!(
            (count("success"), count("failure"), count("dead")),
            (1, 2, 1)
        );
    }
}
