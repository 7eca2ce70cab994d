//! Sign-in throttling per email and per client IP, kept in the database so it holds across
//! restarts and replicas.

use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::{PgConnection, QueryResult};

use crate::{
    config::ThrottleConfig,
    db::models::login_failure::{FailureStats, LoginFailure},
};

/// Whether a sign-in attempt may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    Blocked { retry_after: Duration },
}

/// Reserves an attempt: when allowed, a failure is recorded up front (the caller clears the
/// email's failures on success). Check and record happen under per-email and per-IP advisory
/// locks, so parallel guesses cannot all slip in before the first failure is written.
pub fn check_and_record(
    conn: &mut PgConnection,
    throttle: &ThrottleConfig,
    email: &str,
    ip: &str,
) -> QueryResult<Verdict> {
    LoginFailure::under_attempt_locks(conn, email, ip, |conn| {
        let verdict = check(conn, throttle, email, ip)?;
        if verdict == Verdict::Allowed {
            LoginFailure::record(conn, email, ip)?;
        }
        Ok(verdict)
    })
}

/// Looks at recent failures for the email and the IP; the longer wait wins.
pub fn check(
    conn: &mut PgConnection,
    throttle: &ThrottleConfig,
    email: &str,
    ip: &str,
) -> QueryResult<Verdict> {
    let now = Utc::now();
    let since = now - chrono::Duration::from_std(throttle.window).unwrap_or_default();
    let by_email = LoginFailure::stats_for_email(conn, email, since)?;
    let by_ip = LoginFailure::stats_for_ip(conn, ip, since)?;
    let wait = [
        wait_for(by_email, throttle.free_failures_per_email, throttle, now),
        wait_for(by_ip, throttle.free_failures_per_ip, throttle, now),
    ]
    .into_iter()
    .flatten()
    .max();
    Ok(match wait {
        Some(retry_after) => Verdict::Blocked { retry_after },
        None => Verdict::Allowed,
    })
}

/// The back-off still to wait after `stats.count` failures, if any: nothing until `free`
/// failures, then `base_backoff` doubling with each further failure up to `max_backoff`.
fn wait_for(
    stats: FailureStats,
    free: i64,
    throttle: &ThrottleConfig,
    now: DateTime<Utc>,
) -> Option<Duration> {
    let latest = stats.latest?;
    if stats.count < free {
        return None;
    }
    let doublings = u32::try_from(stats.count - free)
        .unwrap_or(u32::MAX)
        .min(16);
    let backoff = throttle
        .base_backoff
        .saturating_mul(1u32 << doublings)
        .min(throttle.max_backoff);
    let until = latest + chrono::Duration::from_std(backoff).unwrap_or_default();
    (until > now).then(|| (until - now).to_std().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(count: i64, seconds_ago: i64) -> FailureStats {
        FailureStats {
            count,
            latest: Some(Utc::now() - chrono::Duration::seconds(seconds_ago)),
        }
    }

    #[test]
    fn a_few_failures_are_free() {
        let s = ThrottleConfig::default();
        assert_eq!(wait_for(stats(4, 0), 5, &s, Utc::now()), None);
    }

    #[test]
    fn the_back_off_doubles_and_is_capped() {
        let s = ThrottleConfig::default();
        let now = Utc::now();
        let first = wait_for(stats(5, 0), 5, &s, now).unwrap_or_default();
        let second = wait_for(stats(6, 0), 5, &s, now).unwrap_or_default();
        let many = wait_for(stats(60, 0), 5, &s, now).unwrap_or_default();
        assert!(
            first > Duration::from_secs(25) && first <= s.base_backoff + Duration::from_secs(1)
        );
        assert!(second > first);
        assert!(many <= s.max_backoff + Duration::from_secs(1));
    }

    #[test]
    fn the_block_lifts_when_the_back_off_has_passed() {
        let s = ThrottleConfig::default();
        assert_eq!(wait_for(stats(5, 31), 5, &s, Utc::now()), None);
    }
}
