//! `allegro-backup sync [--account LOGIN] [--full | --reconcile]`: one sync in the foreground, with a
//! progress line and a summary (for cron and debugging).

use std::io::Write;

use crate::{
    accounts::Accounts,
    config::Config,
    db::{
        self, DbError,
        models::{
            account::{AccountRow, AccountStatus},
            sync::{RunTrigger, SyncRun},
        },
    },
    domain::{AccountId, AccountScope},
    sync::{SyncMode, sync_account},
};

/// The mode the flags ask for: `--full`, `--reconcile`, or neither (as needed).
pub(super) fn mode(full: bool, reconcile: bool) -> SyncMode {
    match (full, reconcile) {
        (true, _) => SyncMode::Full,
        (false, true) => SyncMode::Reconcile,
        (false, false) => SyncMode::Auto,
    }
}

pub(super) async fn sync_command(
    config: Config,
    login: Option<String>,
    mode: SyncMode,
) -> anyhow::Result<()> {
    let accounts = super::accounts::accounts_for_cli(&config).await?;
    let all = db::run(&accounts.pool, |conn| {
        AccountRow::list(conn, &AccountScope::All).map_err(DbError::from)
    })
    .await?;
    let chosen: Vec<AccountRow> = all
        .into_iter()
        .filter(|a| login.as_ref().is_none_or(|l| &a.login == l))
        .filter(|a| a.status() == AccountStatus::Connected)
        .collect();
    if chosen.is_empty() {
        anyhow::bail!(match login {
            Some(l) => format!("no connected account with login {l}"),
            None => "no connected accounts: run `allegro-backup account connect` first".to_owned(),
        });
    }
    // The history setting reaches the first backup; Ctrl-C simply ends the process (the run
    // is marked interrupted at the next start).
    let in_force = crate::settings::current(&accounts.pool, &config.sync).await?;
    let options = crate::sync::SyncOptions::from_settings(
        &in_force,
        config.scheduler.lease,
        tokio_util::sync::CancellationToken::new(),
    );
    let mut failed = 0;
    for account in chosen {
        println!(
            "syncing {} ({})…",
            account.login,
            match mode {
                SyncMode::Auto => "as needed",
                SyncMode::Full => "full",
                SyncMode::Reconcile => "reconcile",
            }
        );
        let progress = tokio::spawn(show_progress(accounts.clone(), account.id));
        let result = sync_account(&accounts, account.id, RunTrigger::Cli, mode, &options).await;
        progress.abort();
        match result {
            Ok(summary) => {
                let c = summary.counters;
                println!(
                    "\r{} {} run done: {} orders fetched ({} new, {} updated, {} unchanged), {} events, {} pages",
                    account.login,
                    summary.kind.as_str(),
                    c.orders_fetched,
                    c.orders_created,
                    c.orders_updated,
                    c.orders_unchanged,
                    c.events,
                    c.pages
                );
            }
            Err(e) => {
                failed += 1;
                eprintln!("\r{}: sync failed: {e}", account.login);
            }
        }
    }
    if failed > 0 {
        anyhow::bail!("{failed} account(s) failed");
    }
    Ok(())
}

/// Prints the running run's progress once a second.
async fn show_progress(accounts: Accounts, account_id: AccountId) {
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        let run = db::run(&accounts.pool, move |conn| {
            SyncRun::recent(conn, &AccountScope::All, Some(account_id), 1).map_err(DbError::from)
        })
        .await;
        if let Ok(Some(run)) = run.map(|r| r.into_iter().next()) {
            print!(
                "\r{}",
                progress_line(run.counters.progress_done, run.progress_total)
            );
            let _ = std::io::stdout().flush();
        }
    }
}

/// `[#########.........]  45%  4500/10000 orders` (or a count while the total is unknown).
pub fn progress_line(done: i64, total: Option<i64>) -> String {
    match total.filter(|t| *t > 0) {
        Some(total) => {
            let ratio = (done as f64 / total as f64).clamp(0.0, 1.0);
            let filled = (ratio * 30.0).round() as usize;
            format!(
                "[{}{}] {:>3}%  {done}/{total} orders",
                "#".repeat(filled),
                ".".repeat(30 - filled),
                (ratio * 100.0).round() as u32
            )
        }
        None => format!("{done} orders…"),
    }
}
