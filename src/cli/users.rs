//! `allegro-backup user …`: manage team members from scripts.

use std::io::BufRead;

use diesel::{Connection, PgConnection};
use secrecy::ExposeSecret;

use super::UserCommand;
use crate::{
    auth::password,
    config::Config,
    db::{
        self,
        models::{
            audit::Actor,
            user::{NewUser, UserRow},
        },
    },
    domain::{DisplayName, Email, NewPassword, Role},
};

pub(super) fn cli_actor() -> Actor {
    Actor {
        user_id: None,
        email: Some("cli".to_owned()),
        ip: None,
    }
}

/// User commands use one plain connection (no pool threads outliving the command).
pub(super) async fn user_command(config: Config, command: UserCommand) -> anyhow::Result<()> {
    db::prepare(&config.database_url).await?;
    let url = config.database_url.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = PgConnection::establish(url.expose_secret())?;
        match command {
            UserCommand::Add {
                email,
                role,
                name,
                password_stdin,
            } => add_user(&mut conn, &email, role, name.as_deref(), password_stdin),
            UserCommand::List => list_users(&mut conn),
            UserCommand::Disable { email } => disable_user(&mut conn, &email),
        }
    })
    .await?
}

fn add_user(
    conn: &mut PgConnection,
    email: &str,
    role: Role,
    name: Option<&str>,
    password_stdin: bool,
) -> anyhow::Result<()> {
    let email = Email::parse(email)?;
    let name = match name {
        Some(n) => DisplayName::parse(n)?,
        None => DisplayName::from_email(&email),
    };
    let (password, temporary) = if password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let line = line.trim_end_matches(['\r', '\n']);
        (NewPassword::parse(line, line)?, false)
    } else {
        (NewPassword::generate_temporary(), true)
    };
    let hash = password::hash(password.expose())?;
    let new = NewUser::new(&email, &name, role, &hash, temporary);
    let user = UserRow::create(conn, &new, &cli_actor())?;
    println!("added {} ({}, {})", user.email, user.display_name, role);
    if temporary {
        println!(
            "temporary password (must be changed at first sign-in): {}",
            password.expose()
        );
    }
    Ok(())
}

fn list_users(conn: &mut PgConnection) -> anyhow::Result<()> {
    let users = UserRow::list(conn)?;
    if users.is_empty() {
        println!("no users yet");
        return Ok(());
    }
    println!(
        "{:<36} {:<24} {:<9} {:<9} LAST LOGIN",
        "EMAIL", "NAME", "ROLE", "STATUS"
    );
    for u in users {
        println!(
            "{:<36} {:<24} {:<9} {:<9} {}",
            u.email,
            u.display_name,
            u.role,
            if u.disabled { "disabled" } else { "active" },
            u.last_login_at
                .map(crate::domain::settings::utc_time)
                .unwrap_or_else(|| "never".into())
        );
    }
    Ok(())
}

fn disable_user(conn: &mut PgConnection, email: &str) -> anyhow::Result<()> {
    let email = email.trim().to_lowercase();
    let unknown = || anyhow::anyhow!("no user with email {email}");
    let user = UserRow::find_by_email(conn, &email)?.ok_or_else(unknown)?;
    let (ended, _) = UserRow::change(conn, user.id, |conn, user| {
        if user.is_last_active_admin(conn)? {
            anyhow::bail!("{email} is the last admin; make someone else admin first");
        }
        Ok(UserRow::disable(conn, user, &cli_actor())?)
    })?
    .ok_or_else(unknown)?;
    println!("disabled {email}; {ended} session(s) ended");
    Ok(())
}
