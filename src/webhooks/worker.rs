//! The delivery worker, one per process (every replica): turns new order changes into
//! deliveries, then sends the due ones, retrying with exponential back-off for up to
//! `give_up_after`, and disables an endpoint failing for that long.

use chrono::{DateTime, Utc};
use diesel::Connection;
use futures_util::future::join_all;
use secrecy::SecretString;
use tokio_util::sync::CancellationToken;

use super::{sender::Sender, signature::SigningSecret};
use crate::{
    config::WebhookConfig,
    crypto::TokenCipher,
    db::{
        self, DbError, PgPool,
        models::{
            webhook::WebhookRow,
            webhook_delivery::{self, Attempt, Claimed, Next},
        },
    },
};

/// Order changes turned into deliveries per transaction.
const FAN_OUT_BATCH: i64 = 500;
/// Delivered and given-up deliveries are kept this long (the deliveries page), then deleted.
pub const KEEP_FINISHED: chrono::Duration = chrono::Duration::days(30);
/// How often a worker deletes old finished deliveries.
const PRUNE_EVERY: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// Sends webhooks. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Worker {
    pool: PgPool,
    cipher: TokenCipher,
    sender: Sender,
    config: WebhookConfig,
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    /// Deliveries created from order changes.
    pub queued: usize,
    /// Attempts made, and how many of them succeeded.
    pub attempted: usize,
    pub delivered: usize,
}

impl Worker {
    pub fn new(
        pool: PgPool,
        cipher: TokenCipher,
        config: WebhookConfig,
    ) -> Result<Self, reqwest::Error> {
        Ok(Self {
            sender: Sender::new(&config)?,
            pool,
            cipher,
            config,
        })
    }

    /// Runs passes until `stop`: at once again after a full batch (a backlog), otherwise after
    /// `poll_interval`; failures are logged and retried.
    pub async fn run(self, stop: CancellationToken) {
        let mut pruned_at: Option<std::time::Instant> = None;
        loop {
            if pruned_at.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
                pruned_at = Some(std::time::Instant::now());
                match self.prune().await {
                    Ok(0) => {}
                    Ok(deleted) => tracing::debug!(deleted, "deleted old webhook deliveries"),
                    Err(err) => {
                        tracing::warn!(error = %err, "could not delete old webhook deliveries")
                    }
                }
            }
            let busy = match self.pass().await {
                Ok(pass) => {
                    if pass.attempted > 0 {
                        tracing::debug!(?pass, "webhook pass");
                    }
                    pass.attempted >= self.config.batch as usize
                }
                Err(err) => {
                    tracing::warn!(error = %err, "webhook pass failed; retrying");
                    false
                }
            };
            if busy && !stop.is_cancelled() {
                continue;
            }
            tokio::select! {
                () = stop.cancelled() => return,
                () = tokio::time::sleep(self.config.poll_interval) => {}
            }
        }
    }

    /// Deletes the finished deliveries older than [`KEEP_FINISHED`].
    pub async fn prune(&self) -> Result<usize, DbError> {
        let before = Utc::now() - KEEP_FINISHED;
        db::run(&self.pool, move |conn| {
            webhook_delivery::prune_finished(conn, before).map_err(DbError::from)
        })
        .await
    }

    /// One pass: new changes into deliveries, then one batch of due deliveries sent.
    pub async fn pass(&self) -> Result<Pass, DbError> {
        let queued = self.fan_out().await?;
        let (attempted, delivered) = self.deliver_due().await?;
        Ok(Pass {
            queued,
            attempted,
            delivered,
        })
    }

    /// Turns every order change not yet seen by an endpoint into its deliveries.
    pub async fn fan_out(&self) -> Result<usize, DbError> {
        db::run(&self.pool, |conn| {
            let mut queued = 0;
            for id in webhook_delivery::endpoints_behind(conn)? {
                // A full batch read: more may wait.
                loop {
                    let done = webhook_delivery::fan_out_changes(conn, id, FAN_OUT_BATCH)?;
                    queued += done.queued;
                    if done.read < FAN_OUT_BATCH as usize {
                        break;
                    }
                }
            }
            Ok(queued)
        })
        .await
    }

    /// Claims one batch of due deliveries, sends them at once, records each outcome; returns
    /// (attempts, successes).
    pub async fn deliver_due(&self) -> Result<(usize, usize), DbError> {
        let (batch, lease) = (i64::from(self.config.batch), self.config.lease());
        let claimed = db::run(&self.pool, move |conn| {
            webhook_delivery::claim_due(conn, batch, lease).map_err(DbError::from)
        })
        .await?;
        let attempts = join_all(claimed.iter().map(|c| self.attempt(c))).await;
        let delivered = attempts
            .iter()
            .filter(|a| a.next == Next::Delivered)
            .count();
        let count = attempts.len();
        let config = self.config;
        let records: Vec<(Claimed, Attempt)> = claimed.into_iter().zip(attempts).collect();
        db::run(&self.pool, move |conn| {
            for (claimed, attempt) in &records {
                record(conn, claimed, attempt, &config)?;
            }
            Ok::<_, DbError>(())
        })
        .await?;
        Ok((count, delivered))
    }

    async fn attempt(&self, claimed: &Claimed) -> Attempt {
        let context = WebhookRow::secret_context(claimed.endpoint_id);
        let secret = self
            .cipher
            .decrypt(&claimed.secret_encrypted, &context)
            .map_err(|e| e.to_string())
            .and_then(|s: SecretString| SigningSecret::parse(s).map_err(|e| e.to_string()));
        let result = match secret {
            Ok(secret) => {
                self.sender
                    .send(&claimed.url, &secret, &claimed.message_id, &claimed.body)
                    .await
            }
            Err(error) => super::sender::SendResult {
                status_code: None,
                duration_ms: 0,
                error: Some(format!("the signing secret cannot be read: {error}")),
            },
        };
        let next = match &result.error {
            None => Next::Delivered,
            Some(_) => after_failure(
                &self.config,
                claimed.attempts,
                claimed.queued_at,
                Utc::now(),
            ),
        };
        Attempt {
            status_code: result.status_code,
            duration_ms: result.duration_ms,
            error: result.error,
            next,
        }
    }
}

/// Writes an attempt and the endpoint's failure state in one transaction. An endpoint is
/// disabled once it has failed without a success for `give_up_after`, or for half of it when
/// a delivery has just used up its `give_up_after` of retries (a lone delivery's attempts end
/// a little before the day is over).
fn record(
    conn: &mut diesel::PgConnection,
    claimed: &Claimed,
    attempt: &Attempt,
    config: &WebhookConfig,
) -> Result<(), DbError> {
    let window =
        chrono::Duration::from_std(config.give_up_after).unwrap_or(chrono::Duration::hours(24));
    let now = Utc::now();
    let threshold = match attempt.next {
        Next::GiveUp => now - window / 2,
        _ => now - window,
    };
    conn.transaction(|conn| {
        webhook_delivery::record_attempt(conn, claimed.id, attempt)?;
        if attempt.next == Next::Delivered {
            WebhookRow::record_success(conn, claimed.endpoint_id)?;
        } else if WebhookRow::record_failure(conn, claimed.endpoint_id, now, threshold)? {
            tracing::warn!(
                webhook.id = claimed.endpoint_id.0,
                "webhook endpoint {} kept failing: disabled until an admin enables it",
                claimed.endpoint_id
            );
        }
        Ok::<_, diesel::result::Error>(())
    })
    .map_err(DbError::from)
}

/// What follows failed attempt number `attempts` of a delivery queued at `queued_at`: a retry
/// after `retry_base × 2^(attempts−1)` (at most `retry_max`), or giving up once the next try
/// would come more than `give_up_after` after it was queued.
pub fn after_failure(
    config: &WebhookConfig,
    attempts: i32,
    queued_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Next {
    let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    let delay = config
        .retry_base
        .saturating_mul(2u32.saturating_pow(exponent))
        .min(config.retry_max);
    let at = now + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::hours(1));
    let give_up =
        chrono::Duration::from_std(config.give_up_after).unwrap_or(chrono::Duration::hours(24));
    if at - queued_at > give_up {
        Next::GiveUp
    } else {
        Next::RetryAt(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_the_cap_and_stop_after_a_day() {
        let config = WebhookConfig::default();
        let queued = Utc::now();
        let delay = |attempts| match after_failure(&config, attempts, queued, queued) {
            Next::RetryAt(at) => (at - queued).num_seconds(),
            other => panic!("{other:?}"),
        };
        assert_eq!([delay(1), delay(2), delay(3), delay(4)], [10, 20, 40, 80]);
        assert_eq!(delay(20), 3600);
        let late = queued + chrono::Duration::hours(23) + chrono::Duration::minutes(30);
        assert_eq!(after_failure(&config, 40, queued, late), Next::GiveUp);
    }
}
