//! The part of `/metrics` read from the database at scrape time (Prometheus text format,
//! version 0.0.4): account health, orders stored, runs kept. Any replica answers it the same,
//! so it needs no registry, only these few lines of formatting. The process's own counters
//! (HTTP, Allegro calls, refreshes, pool) follow it, from [`crate::metrics::Metrics`].

use std::fmt::Write;

use chrono::{DateTime, Utc};
use diesel::{PgConnection, QueryResult};

use super::{AccountHealth, account_health};
use crate::{
    db::models::{order::stats::count_per_account, sync::SyncRun},
    domain::AccountScope,
};

/// Everything one scrape reports.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Each watched account with the number of orders stored for it.
    pub accounts: Vec<(AccountHealth, i64)>,
    /// Runs kept in the history, by kind and status.
    pub runs: Vec<(String, String, i64)>,
    pub stale_after: chrono::Duration,
}

impl Snapshot {
    pub fn read(
        conn: &mut PgConnection,
        stale_after: chrono::Duration,
        now: DateTime<Utc>,
    ) -> QueryResult<Self> {
        let counts = count_per_account(conn)?;
        let accounts = account_health(conn, &AccountScope::All, now)?
            .into_iter()
            .map(|h| {
                let stored = counts.iter().find(|(id, _)| *id == h.id).map_or(0, |c| c.1);
                (h, stored)
            })
            .collect();
        let runs = SyncRun::count_by_kind_and_status(conn)?;
        Ok(Self {
            accounts,
            runs,
            stale_after,
        })
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let per_account =
            |out: &mut String, name, help, value: &dyn Fn(&AccountHealth, i64) -> i64| {
                header(out, name, help);
                for (health, stored) in &self.accounts {
                    let _ = writeln!(
                        out,
                        "{name}{{account=\"{}\"}} {}",
                        escape(&health.login),
                        value(health, *stored)
                    );
                }
            };
        per_account(
            &mut out,
            "allegro_backup_sync_lag_seconds",
            "Seconds since the account's last successful sync (since it was linked if none).",
            &|h, _| h.lag.num_seconds(),
        );
        per_account(
            &mut out,
            "allegro_backup_account_token_dead",
            "1 when Allegro refused the account's refresh token and it must be connected again.",
            &|h, _| i64::from(h.token_dead()),
        );
        per_account(
            &mut out,
            "allegro_backup_sync_stale",
            "1 when a connected account has not synced successfully within the alert threshold.",
            &|h, _| i64::from(h.stale(self.stale_after)),
        );
        per_account(
            &mut out,
            "allegro_backup_orders_stored",
            "Orders held in the backup for the account.",
            &|_, stored| stored,
        );
        header(
            &mut out,
            "allegro_backup_sync_stale_threshold_seconds",
            "The stale-sync alert threshold (Settings page).",
        );
        let _ = writeln!(
            out,
            "allegro_backup_sync_stale_threshold_seconds {}",
            self.stale_after.num_seconds()
        );
        header(
            &mut out,
            "allegro_backup_sync_runs",
            "Sync runs in the kept history (see the retention setting), by kind and status.",
        );
        for (kind, status, count) in &self.runs {
            let _ = writeln!(
                out,
                "allegro_backup_sync_runs{{kind=\"{}\",status=\"{}\"}} {count}",
                escape(kind),
                escape(status)
            );
        }
        out
    }
}

fn header(out: &mut String, name: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
}

/// A label value as the text format needs it.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{db::models::account::AccountStatus, domain::AccountId};

    #[test]
    fn label_values_are_escaped_and_every_series_is_typed() {
        let snapshot = Snapshot {
            accounts: vec![(
                AccountHealth {
                    id: AccountId(1),
                    login: "a\"b\\c".to_owned(),
                    status: AccountStatus::NeedsReauth,
                    last_success_at: None,
                    lag: chrono::Duration::seconds(90),
                },
                12,
            )],
            runs: vec![("full".into(), "succeeded".into(), 3)],
            stale_after: chrono::Duration::hours(6),
        };
        let text = snapshot.render();
        assert!(text.contains("allegro_backup_sync_lag_seconds{account=\"a\\\"b\\\\c\"} 90\n"));
        assert!(text.contains("allegro_backup_account_token_dead{account=\"a\\\"b\\\\c\"} 1\n"));
        assert!(text.contains("allegro_backup_sync_runs{kind=\"full\",status=\"succeeded\"} 3\n"));
        let series = text.lines().filter(|l| !l.starts_with('#')).count();
        let types = text.lines().filter(|l| l.starts_with("# TYPE")).count();
        assert_eq!((series, types), (6, 6));
    }
}
