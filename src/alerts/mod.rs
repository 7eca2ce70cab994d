//! Is every account's backup healthy? An account alerts when its token is dead (Allegro
//! refused the refresh: someone must connect it again) or when it has not synced successfully
//! for longer than the stale-sync threshold, which must fire well before the account's events
//! fall out of Allegro's ~60-day journal. Shown as a banner on every page, logged at WARN by a
//! job, and exposed on `/metrics`.

pub mod metrics;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use diesel::{PgConnection, QueryResult};

use crate::{
    db::{
        self, DbError, PgPool,
        models::{
            account::{AccountRow, AccountStatus},
            settings::SettingsRow,
            webhook::WebhookRow,
        },
    },
    domain::{AccountId, AccountScope, settings::SyncSettings},
};

/// One account's backup health at a moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountHealth {
    pub id: AccountId,
    pub login: String,
    pub status: AccountStatus,
    pub last_success_at: Option<DateTime<Utc>>,
    /// Time since the last successful sync (since the account was linked, if none yet).
    pub lag: Duration,
}

impl AccountHealth {
    /// Allegro refused the refresh token: backups stop until someone connects again.
    pub fn token_dead(&self) -> bool {
        self.status == AccountStatus::NeedsReauth
    }

    /// A connected account whose last success is older than `threshold`.
    pub fn stale(&self, threshold: Duration) -> bool {
        self.status == AccountStatus::Connected && self.lag > threshold
    }

    /// Accounts disconnected on purpose are not watched.
    fn watched(&self) -> bool {
        self.status != AccountStatus::Disconnected
    }
}

/// Health of every watched account (connected or needing re-authorisation) `scope` allows, by
/// login.
pub fn account_health(
    conn: &mut PgConnection,
    scope: &AccountScope,
    now: DateTime<Utc>,
) -> QueryResult<Vec<AccountHealth>> {
    Ok(AccountRow::list_with_last_success(conn, scope)?
        .into_iter()
        .map(|(account, last_success_at)| AccountHealth {
            id: account.id,
            status: account.status(),
            lag: now - last_success_at.unwrap_or(account.created_at),
            last_success_at,
            login: account.login,
        })
        .filter(AccountHealth::watched)
        .collect())
}

/// What the banner says: accounts with a dead token, accounts gone stale, webhook endpoints
/// disabled after failing for a day (their addresses; admins see them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Alerts {
    pub token_dead: Vec<String>,
    pub stale: Vec<String>,
    pub stale_after_hours: u32,
    pub webhooks_disabled: Vec<String>,
}

impl Alerts {
    pub fn new(health: &[AccountHealth], stale_after_hours: u32) -> Self {
        let threshold = Duration::hours(i64::from(stale_after_hours));
        let logins = |keep: &dyn Fn(&AccountHealth) -> bool| {
            health
                .iter()
                .filter(|h| keep(h))
                .map(|h| h.login.clone())
                .collect()
        };
        Self {
            token_dead: logins(&AccountHealth::token_dead),
            stale: logins(&|h| h.stale(threshold)),
            stale_after_hours,
            webhooks_disabled: vec![],
        }
    }

    pub fn is_empty(&self) -> bool {
        self.token_dead.is_empty() && self.stale.is_empty() && self.webhooks_disabled.is_empty()
    }
}

/// The banner of a page seen by a viewer limited to `scope`, and the display zone its times
/// are shown in: the layout's reads, on the page's one connection.
pub async fn layout(
    pool: &PgPool,
    defaults: &SyncSettings,
    scope: &AccountScope,
) -> Result<(Alerts, Tz), DbError> {
    let (defaults, scope) = (defaults.clone(), scope.clone());
    db::run(pool, move |conn| {
        let settings = SettingsRow::in_force(conn, &defaults)?;
        let health = account_health(conn, &scope, Utc::now())?;
        let zone = SettingsRow::display_zone(conn)?;
        let alerts = Alerts {
            webhooks_disabled: WebhookRow::disabled_urls(conn)?,
            ..Alerts::new(&health, settings.stale_after_hours)
        };
        Ok((alerts, zone))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn health(login: &str, status: AccountStatus, lag_hours: i64) -> AccountHealth {
        AccountHealth {
            id: AccountId(1),
            login: login.to_owned(),
            status,
            last_success_at: None,
            lag: Duration::hours(lag_hours),
        }
    }

    #[test]
    fn dead_tokens_and_stale_connected_accounts_alert() {
        let all = [
            health("fresh", AccountStatus::Connected, 1),
            health("late", AccountStatus::Connected, 7),
            health("dead", AccountStatus::NeedsReauth, 100),
        ];
        let alerts = Alerts::new(&all, 6);
        assert_eq!(alerts.token_dead, ["dead"]);
        // A dead account is reported once, as dead, not also as stale.
        assert_eq!(alerts.stale, ["late"]);
        assert!(Alerts::new(&all[..1], 6).is_empty());
    }
}
