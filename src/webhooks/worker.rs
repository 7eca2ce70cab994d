//! The delivery worker, one per process (every replica): turns new order changes into
//! deliveries, then sends the due ones, retrying with exponential back-off for up to
//! `give_up_after`, and disables an endpoint failing for that long.

use chrono::Utc;
use futures_util::{FutureExt, StreamExt, future::join_all, stream::FuturesUnordered};
use secrecy::SecretString;
use tokio_util::sync::CancellationToken;

use super::{
    outcome::{after_failure, record_all},
    sender::Sender,
    signature::SigningSecret,
};
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

    /// Sends until `stop`. Up to `batch` deliveries are in flight at once; once half of them
    /// are done, the free slots are filled with the next due deliveries while a backlog waits
    /// (a slow receiver holds its slot, not the batch), and outcomes are written as they come,
    /// several per transaction. New changes are looked for on every round, and every `poll_interval` when
    /// idle. On `stop`, the attempts in flight are finished and recorded (a delivery whose
    /// outcome is not written is sent again when its lease ends: at least once).
    pub async fn run(self, stop: CancellationToken) {
        let capacity = self.config.batch.max(1) as usize;
        let mut sending = FuturesUnordered::new();
        let mut housekeeping = Housekeeping::default();
        loop {
            housekeeping.tick(&self).await;
            let free = capacity - sending.len();
            let mut backlog = false;
            // Refilled once half the slots are free: a claim costs the same for one delivery
            // as for sixteen.
            if (free >= capacity.div_ceil(2) || sending.is_empty()) && !stop.is_cancelled() {
                match self.claim(free).await {
                    Ok(claimed) => {
                        backlog = claimed.len() == free;
                        sending.extend(claimed.into_iter().map(|c| self.attempt_owned(c)));
                    }
                    Err(err) => tracing::warn!(error = %err, "could not claim webhook deliveries"),
                }
            }
            tokio::select! {
                biased;
                Some(first) = sending.next() => {
                    let mut done = vec![first];
                    while let Some(Some(more)) = sending.next().now_or_never() {
                        done.push(more);
                    }
                    self.record(done).await;
                }
                () = stop.cancelled() => {
                    let rest: Vec<_> = sending.collect().await;
                    self.record(rest).await;
                    return;
                }
                () = tokio::time::sleep(self.config.poll_interval), if !backlog => {}
            }
        }
    }

    /// Leases up to `limit` due deliveries.
    async fn claim(&self, limit: usize) -> Result<Vec<Claimed>, DbError> {
        let (limit, lease) = (
            i64::try_from(limit).unwrap_or(i64::MAX),
            self.config.lease(),
        );
        db::run(&self.pool, move |conn| {
            webhook_delivery::claim_due(conn, limit, lease).map_err(DbError::from)
        })
        .await
    }

    /// Writes a batch of outcomes; a failure is logged (the deliveries are sent again when
    /// their leases end).
    async fn record(&self, outcomes: Vec<(Claimed, Attempt)>) {
        if outcomes.is_empty() {
            return;
        }
        let config = self.config;
        let written = db::run(&self.pool, move |conn| record_all(conn, &outcomes, &config)).await;
        if let Err(err) = written {
            tracing::warn!(error = %err, "could not record webhook attempts; they will be retried");
        }
    }

    async fn attempt_owned(&self, claimed: Claimed) -> (Claimed, Attempt) {
        let attempt = self.attempt(&claimed).await;
        (claimed, attempt)
    }

    /// Deletes the finished deliveries older than [`KEEP_FINISHED`].
    pub async fn prune(&self) -> Result<usize, DbError> {
        let before = Utc::now() - KEEP_FINISHED;
        db::run(&self.pool, move |conn| {
            webhook_delivery::prune_finished(conn, before).map_err(DbError::from)
        })
        .await
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
        let claimed = self.claim(self.config.batch as usize).await?;
        let attempts = join_all(claimed.iter().map(|c| self.attempt(c))).await;
        let delivered = attempts
            .iter()
            .filter(|a| a.next == Next::Delivered)
            .count();
        let count = attempts.len();
        let config = self.config;
        let records: Vec<(Claimed, Attempt)> = claimed.into_iter().zip(attempts).collect();
        db::run(&self.pool, move |conn| record_all(conn, &records, &config)).await?;
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

/// The worker's periodic chores: new order changes into deliveries (every `poll_interval`) and
/// deleting old finished deliveries.
#[derive(Debug, Default)]
struct Housekeeping {
    pruned_at: Option<std::time::Instant>,
    fanned_out_at: Option<std::time::Instant>,
}

impl Housekeeping {
    async fn tick(&mut self, worker: &Worker) {
        if self.pruned_at.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
            self.pruned_at = Some(std::time::Instant::now());
            match worker.prune().await {
                Ok(0) => {}
                Ok(deleted) => tracing::debug!(deleted, "deleted old webhook deliveries"),
                Err(err) => tracing::warn!(error = %err, "could not delete old webhook deliveries"),
            }
        }
        let interval = worker.config.poll_interval;
        if self.fanned_out_at.is_none_or(|at| at.elapsed() >= interval) {
            self.fanned_out_at = Some(std::time::Instant::now());
            if let Err(err) = worker.fan_out().await {
                tracing::warn!(error = %err, "could not queue webhook deliveries");
            }
        }
    }
}
