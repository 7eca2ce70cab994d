//! `allegro-backup account …`: connect and list Allegro accounts from a terminal.

use crate::{
    accounts::{Accounts, FlowOutcome},
    allegro::AllegroClient,
    config::{AllegroEnvironment, Config},
    crypto::TokenCipher,
    db::{self, DbError, models::account::AccountRow},
    domain::AccountScope,
};

use super::{AccountCommand, users::cli_actor};

/// The accounts service for a one-shot command: database prepared, a small pool, and — in
/// the simulator environment — the simulator of a running `serve` (or `allegro-backup
/// simulator`).
pub(super) async fn accounts_for_cli(config: &Config) -> anyhow::Result<Accounts> {
    db::prepare(&config.database_url).await?;
    let mut allegro = config.allegro.clone();
    if allegro.environment == AllegroEnvironment::Simulator && allegro.api_url.is_empty() {
        let url = format!("http://127.0.0.1:{}", allegro.simulator.port);
        allegro = allegro.with_simulator_url(&url);
    }
    Ok(Accounts::new(
        db::build_cli_pool(&config.database_url)?,
        AllegroClient::new(&allegro)?,
        TokenCipher::new(&config.secret_key),
        allegro.environment,
    ))
}

pub(super) async fn account_command(config: Config, command: AccountCommand) -> anyhow::Result<()> {
    let accounts = accounts_for_cli(&config).await?;
    match command {
        AccountCommand::Connect => connect(&accounts).await,
        AccountCommand::List => list(&accounts).await,
    }
}

async fn connect(accounts: &Accounts) -> anyhow::Result<()> {
    let flow = accounts.start_link(cli_actor()).await?;
    println!(
        "To connect an Allegro account, open:\n\n    {}\n",
        flow.verification_uri_complete
    );
    println!(
        "or go to {} and enter the code {}.",
        flow.verification_uri, flow.user_code
    );
    println!(
        "Waiting for approval (the code expires at {})…",
        crate::domain::settings::utc_time(flow.expires_at)
    );
    match accounts.poll_flow(&flow, &cli_actor()).await {
        FlowOutcome::Connected { login, new, .. } => {
            println!("{} {login}.", if new { "connected" } else { "reconnected" });
            Ok(())
        }
        FlowOutcome::Denied => anyhow::bail!("access was denied on Allegro"),
        FlowOutcome::Expired => anyhow::bail!("the code expired before it was approved"),
        FlowOutcome::Failed(message) => anyhow::bail!("the connection failed: {message}"),
    }
}

async fn list(accounts: &Accounts) -> anyhow::Result<()> {
    let rows = db::run(&accounts.pool, |conn| {
        AccountRow::list(conn, &AccountScope::All).map_err(DbError::from)
    })
    .await?;
    if rows.is_empty() {
        println!("no Allegro accounts yet: run `allegro-backup account connect`");
        return Ok(());
    }
    println!(
        "{:<6} {:<28} {:<12} {:<24} TOKEN EXPIRES",
        "ID", "LOGIN", "ENVIRONMENT", "STATUS"
    );
    for a in rows {
        println!(
            "{:<6} {:<28} {:<12} {:<24} {}",
            a.id,
            a.login,
            a.environment,
            a.status().label(),
            a.token_expires_at
                .map(crate::domain::settings::utc_time)
                .unwrap_or_else(|| "—".into())
        );
    }
    Ok(())
}
