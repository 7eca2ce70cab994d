//! `allegro-backup token …`: personal API tokens from scripts.

use chrono::Utc;
use diesel::{Connection, PgConnection};
use secrecy::ExposeSecret;

use super::{TokenCommand, users::cli_actor};
use crate::{
    auth::api_token,
    config::Config,
    db::{
        self,
        models::{api_token::ApiTokenRow, user::UserRow},
    },
    domain::{ApiTokenId, ApiTokenLifetime, ApiTokenName, ApiTokenScope, settings::utc_time},
};

/// Token commands use one plain connection, like the user commands.
pub(super) async fn token_command(config: Config, command: TokenCommand) -> anyhow::Result<()> {
    db::prepare(&config.database_url).await?;
    let url = config.database_url.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = PgConnection::establish(url.expose_secret())?;
        match command {
            TokenCommand::Create {
                email,
                name,
                scope,
                expires_days,
            } => create_token(&mut conn, &email, &name, scope, expires_days),
            TokenCommand::List => list_tokens(&mut conn),
            TokenCommand::Revoke { id } => revoke_token(&mut conn, ApiTokenId(id)),
        }
    })
    .await?
}

/// Prints what was created, then the token alone on the last line (for `| tail -n 1`).
fn create_token(
    conn: &mut PgConnection,
    email: &str,
    name: &str,
    scope: ApiTokenScope,
    lifetime: ApiTokenLifetime,
) -> anyhow::Result<()> {
    let email = email.trim().to_lowercase();
    let owner = UserRow::find_by_email(conn, &email)?
        .ok_or_else(|| anyhow::anyhow!("no user with email {email}"))?;
    if owner.disabled {
        anyhow::bail!("{email} is disabled; enable the user first");
    }
    let name = ApiTokenName::parse(name)?;
    let (row, token) = api_token::issue(conn, &owner, &name, scope, lifetime, &cli_actor())?;
    println!(
        "created token {} \"{}\" ({}) for {}, scope {}, expires {}",
        row.id,
        row.name,
        row.prefix,
        owner.email,
        row.scope,
        row.expires_at
            .map(utc_time)
            .unwrap_or_else(|| "never".into())
    );
    println!("the token is shown only now; keep it in a secret store:");
    println!("{}", token.expose_secret());
    Ok(())
}

fn list_tokens(conn: &mut PgConnection) -> anyhow::Result<()> {
    let tokens = ApiTokenRow::list_all(conn)?;
    if tokens.is_empty() {
        println!("no API tokens yet");
        return Ok(());
    }
    println!(
        "{:<6} {:<12} {:<24} {:<6} {:<30} {:<8} {:<20} LAST USED",
        "ID", "PREFIX", "NAME", "SCOPE", "OWNER", "STATUS", "EXPIRES"
    );
    let now = Utc::now();
    for owned in tokens {
        let t = &owned.token;
        println!(
            "{:<6} {:<12} {:<24} {:<6} {:<30} {:<8} {:<20} {}",
            t.id,
            t.prefix,
            t.name,
            t.scope,
            owned.owner_email,
            t.status(now).as_str(),
            t.expires_at.map(utc_time).unwrap_or_else(|| "never".into()),
            t.last_used_at
                .map(utc_time)
                .unwrap_or_else(|| "never".into())
        );
    }
    Ok(())
}

fn revoke_token(conn: &mut PgConnection, id: ApiTokenId) -> anyhow::Result<()> {
    let row = ApiTokenRow::revoke(conn, id, None, &cli_actor())?
        .ok_or_else(|| anyhow::anyhow!("no unrevoked API token with id {id}"))?;
    println!("revoked token {} \"{}\" ({})", row.id, row.name, row.prefix);
    Ok(())
}
