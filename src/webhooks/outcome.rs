//! What follows an attempt: the retry schedule, and writing a batch of outcomes (each
//! delivery's attempt and its endpoint's failure state) in one transaction.

use chrono::{DateTime, Utc};
use diesel::Connection;

use crate::{
    config::WebhookConfig,
    db::{
        DbError,
        models::{
            webhook::WebhookRow,
            webhook_delivery::{self, Attempt, Claimed, Next},
        },
    },
};

/// Writes the attempts of `outcomes` and their endpoints' failure state in one transaction
/// (one commit for the whole batch, not one per delivery). An endpoint is disabled once it
/// has failed without a success for `give_up_after`, or for half of it when a delivery has
/// just used up its `give_up_after` of retries (a lone delivery's attempts end a little
/// before the day is over).
pub(super) fn record_all(
    conn: &mut diesel::PgConnection,
    outcomes: &[(Claimed, Attempt)],
    config: &WebhookConfig,
) -> Result<(), DbError> {
    let window =
        chrono::Duration::from_std(config.give_up_after).unwrap_or(chrono::Duration::hours(24));
    let now = Utc::now();
    conn.transaction(|conn| {
        for (claimed, attempt) in outcomes {
            webhook_delivery::record_attempt(conn, claimed.id, attempt)?;
            let threshold = match attempt.next {
                Next::GiveUp => now - window / 2,
                _ => now - window,
            };
            if attempt.next == Next::Delivered {
                WebhookRow::record_success(conn, claimed.endpoint_id)?;
            } else if WebhookRow::record_failure(conn, claimed.endpoint_id, now, threshold)? {
                tracing::warn!(
                    webhook.id = claimed.endpoint_id.0,
                    "webhook endpoint {} kept failing: disabled until an admin enables it",
                    claimed.endpoint_id
                );
            }
        }
        Ok::<_, diesel::result::Error>(())
    })
    .map_err(DbError::from)
}

/// What follows failed attempt number `attempts` of a delivery queued at `queued_at`: a retry
/// after `retry_base × 2^(attempts−1)` (at most `retry_max`), or giving up once the next try
/// would come more than `give_up_after` after it was queued.
pub(super) fn after_failure(
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
