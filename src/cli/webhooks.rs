//! `allegro-backup webhook …`: webhook endpoints from scripts.

use diesel::{Connection, PgConnection};
use secrecy::ExposeSecret;

use super::{WebhookCommand, users::cli_actor};
use crate::{
    config::Config,
    crypto::TokenCipher,
    db::{self, models::webhook::WebhookRow},
    domain::{
        WebhookId,
        settings::utc_time,
        webhook::{WebhookEvents, WebhookUrl},
    },
    webhooks::Registration,
};

/// Webhook commands use one plain connection, like the token commands.
pub(super) async fn webhook_command(config: Config, command: WebhookCommand) -> anyhow::Result<()> {
    db::prepare(&config.database_url).await?;
    let url = config.database_url.clone();
    let registration = match &command {
        WebhookCommand::Add {
            url,
            events,
            account,
        } => {
            let registration = Registration {
                url: WebhookUrl::parse(url)?,
                events: WebhookEvents::parse_list(events)?,
                account: account.clone(),
            };
            registration
                .check_target(config.webhooks.allow_private)
                .await?;
            Some(registration)
        }
        _ => None,
    };
    let cipher = TokenCipher::new(&config.secret_key);
    tokio::task::spawn_blocking(move || {
        let mut conn = PgConnection::establish(url.expose_secret())?;
        match (command, registration) {
            (WebhookCommand::Add { .. }, Some(registration)) => {
                add(&mut conn, &registration, &cipher)
            }
            (WebhookCommand::List, _) => list(&mut conn),
            (WebhookCommand::Remove { id }, _) => remove(&mut conn, WebhookId(id)),
            (WebhookCommand::Add { .. }, None) => anyhow::bail!("nothing to add"),
        }
    })
    .await?
}

/// Prints what was registered, then `<id> <secret>` alone on the last line (for `| tail -n 1`).
fn add(
    conn: &mut PgConnection,
    registration: &Registration,
    cipher: &TokenCipher,
) -> anyhow::Result<()> {
    let (row, secret) = registration.create(conn, cipher, &cli_actor())?;
    println!(
        "added webhook {} → {} for {} ({})",
        row.id,
        row.shown_url(),
        registration.account.as_deref().unwrap_or("every account"),
        row.events().join(", ")
    );
    println!("its signing secret is shown only now; keep it in the receiver's secret store:");
    println!("{} {}", row.id, secret.expose().expose_secret());
    Ok(())
}

fn list(conn: &mut PgConnection) -> anyhow::Result<()> {
    let webhooks = WebhookRow::list(conn)?;
    if webhooks.is_empty() {
        println!("no webhooks yet");
        return Ok(());
    }
    println!(
        "{:<6} {:<9} {:<20} {:<20} {:<50} EVENTS",
        "ID", "STATUS", "ACCOUNT", "CREATED", "URL"
    );
    for listed in webhooks {
        let w = &listed.webhook;
        println!(
            "{:<6} {:<9} {:<20} {:<20} {:<50} {}",
            w.id,
            if w.disabled_at.is_some() {
                "disabled"
            } else {
                "active"
            },
            listed.account_login.as_deref().unwrap_or("*"),
            utc_time(w.created_at),
            w.shown_url(),
            w.events().join(",")
        );
    }
    Ok(())
}

fn remove(conn: &mut PgConnection, id: WebhookId) -> anyhow::Result<()> {
    let row = WebhookRow::remove(conn, id, &cli_actor())?
        .ok_or_else(|| anyhow::anyhow!("no webhook with id {id}"))?;
    println!("removed webhook {} → {}", row.id, row.shown_url());
    Ok(())
}
