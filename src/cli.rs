//! Command line: `serve` (the default), `migrate`, and `user` management for scripts.

use std::{io::BufRead, process::ExitCode};

use clap::{Parser, Subcommand};
use serde_json::json;

use diesel::{Connection, PgConnection};
use secrecy::ExposeSecret;

use crate::{
    auth::password,
    config::{SecretKeySource, Settings},
    db::{
        self,
        models::{
            audit::{Actor, AuditAction, AuditEntry},
            user::{NewUser, UserRow},
        },
    },
    domain::{DisplayName, Email, NewPassword, Role},
    startup::Application,
    telemetry,
};

#[derive(Debug, Parser)]
#[command(
    name = "allegro-backup",
    version,
    about = "Self-hosted dashboard that keeps a complete backup of your Allegro.pl orders in PostgreSQL.",
    long_about = "Self-hosted dashboard that keeps a complete backup of your Allegro.pl orders in PostgreSQL.\n\n\
        Configuration comes from environment variables (or a .env file): DATABASE_URL, BIND_ADDR, \
        SECRET_KEY, COOKIE_SECURE, LOG_FORMAT, RUST_LOG and more; see README.md.\n\
        Without a subcommand, `serve` runs."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web dashboard (creates the database and applies migrations first).
    Serve,
    /// Create the database if needed and apply pending migrations, then exit.
    Migrate,
    /// Manage team members who sign in to the dashboard.
    #[command(subcommand)]
    User(UserCommand),
    /// Exit 0 when the server on BIND_ADDR answers /health (for container health checks).
    Healthcheck,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user. Without --password-stdin a temporary password is printed, to be changed at
    /// first sign-in.
    Add {
        /// Email address the user signs in with.
        #[arg(long)]
        email: String,
        /// admin, operator or viewer.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Display name (defaults to the part of the email before @).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users.
    List,
    /// Disable a user and end all of their sessions.
    Disable {
        #[arg(long)]
        email: String,
    },
}

fn parse_role(value: &str) -> Result<Role, String> {
    value.parse()
}

/// Runs the parsed command; the exit code says whether it worked.
pub async fn run(cli: Cli) -> ExitCode {
    if matches!(cli.command, Some(Command::Healthcheck)) {
        return healthcheck();
    }
    telemetry::init(telemetry::format_from_env());
    let (settings, key_source) = match Settings::from_env() {
        Ok(loaded) => loaded,
        Err(err) => {
            eprintln!("configuration error: {err}");
            return ExitCode::from(2);
        }
    };
    let outcome = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings, key_source).await,
        Command::Migrate => db::prepare(&settings.database_url)
            .await
            .map(|()| println!("database ready: all migrations applied"))
            .map_err(anyhow::Error::from),
        Command::User(command) => user_command(settings, command).await,
        Command::Healthcheck => return healthcheck(),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings, key_source: SecretKeySource) -> anyhow::Result<()> {
    match key_source {
        SecretKeySource::Generated(path) => tracing::warn!(
            path = %path.display(),
            "SECRET_KEY is not set: generated a new key and saved it (mode 0600); set SECRET_KEY in production"
        ),
        SecretKeySource::KeyFile(path) => {
            tracing::info!(path = %path.display(), "SECRET_KEY not set: using the saved key file")
        }
        SecretKeySource::Environment => {}
    }
    let app = Application::build(settings).await?;
    let state = app.state().clone();
    tracing::info!(
        address = %state.settings.bind_addr,
        url = %state.settings.public_url,
        "allegro-backup {} listening", env!("CARGO_PKG_VERSION")
    );
    if let Some(link) = app.setup_link() {
        // The one deliberate secret in the log: the console owner needs it to create the admin.
        tracing::warn!(
            "no users yet: open this one-time link to create the first admin (valid 24 h): {link}"
        );
    }
    app.run_until_stopped().await?;
    tracing::info!("server stopped");
    Ok(())
}

fn cli_actor() -> Actor {
    Actor {
        user_id: None,
        email: Some("cli".to_owned()),
        ip: None,
    }
}

/// User commands use one plain connection (no pool threads outliving the command).
async fn user_command(settings: Settings, command: UserCommand) -> anyhow::Result<()> {
    db::prepare(&settings.database_url).await?;
    let url = settings.database_url.clone();
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
    let email = Email::parse(email).map_err(anyhow::Error::msg)?;
    let name = match name {
        Some(n) => DisplayName::parse(n).map_err(anyhow::Error::msg)?,
        None => DisplayName::from_email(&email),
    };
    let (password, temporary) = if password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let line = line.trim_end_matches(['\r', '\n']);
        (
            NewPassword::parse(line, line).map_err(anyhow::Error::msg)?,
            false,
        )
    } else {
        (NewPassword::generate_temporary(), true)
    };
    let hash = password::hash(password.expose())?;
    let user = conn.transaction(|conn| {
        let user = UserRow::insert(conn, &NewUser::new(&email, &name, role, &hash, temporary))?;
        AuditEntry::record(
            conn,
            &cli_actor(),
            AuditAction::UserCreated,
            Some(&user.email),
            json!({ "role": role.as_str() }),
        )?;
        Ok::<_, anyhow::Error>(user)
    })?;
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
                .map(|t| crate::web::format_time(&t))
                .unwrap_or_else(|| "never".into())
        );
    }
    Ok(())
}

fn disable_user(conn: &mut PgConnection, email: &str) -> anyhow::Result<()> {
    let email = email.trim().to_lowercase();
    let ended = conn.transaction(|conn| {
        UserRow::lock_for_changes(conn)?;
        let user = UserRow::find_by_email(conn, &email)?
            .ok_or_else(|| anyhow::anyhow!("no user with email {email}"))?;
        if user.is_last_active_admin(conn)? {
            anyhow::bail!("{email} is the last admin; make someone else admin first");
        }
        UserRow::set_disabled(conn, user.id, true)?;
        let ended = UserRow::revoke_sessions(conn, user.id)?;
        AuditEntry::record(
            conn,
            &cli_actor(),
            AuditAction::UserDisabled,
            Some(&user.email),
            json!({ "sessions_ended": ended }),
        )?;
        Ok::<_, anyhow::Error>(ended)
    })?;
    println!("disabled {email}; {ended} session(s) ended");
    Ok(())
}

/// Probes `GET /health` on the local server with a plain HTTP/1.0 request (no HTTP client
/// crate or curl needed in the container image).
fn healthcheck() -> ExitCode {
    use std::io::{Read, Write};
    let _ = dotenvy::dotenv();
    let bind = std::env::var("BIND_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".to_owned());
    let Ok(mut addr) = bind.parse::<std::net::SocketAddr>() else {
        eprintln!("BIND_ADDR is invalid: {bind}");
        return ExitCode::from(2);
    };
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let timeout = std::time::Duration::from_secs(3);
    let probe = || -> std::io::Result<String> {
        let mut stream = std::net::TcpStream::connect_timeout(&addr, timeout)?;
        stream.set_read_timeout(Some(timeout))?;
        stream.write_all(b"GET /health HTTP/1.0\r\nHost: localhost\r\n\r\n")?;
        let mut response = String::new();
        stream.read_to_string(&mut response)?;
        Ok(response)
    };
    match probe() {
        Ok(response)
            if response.starts_with("HTTP/1.0 200") || response.starts_with("HTTP/1.1 200") =>
        {
            ExitCode::SUCCESS
        }
        Ok(response) => {
            eprintln!("unhealthy: {}", response.lines().next().unwrap_or_default());
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("unhealthy: {err}");
            ExitCode::FAILURE
        }
    }
}
