//! Command line: `serve` (the default), `migrate`, `user`, `account` and `token` management for
//! scripts and headless servers, the standalone `simulator`, and `healthcheck`.

mod accounts;
mod bench;
mod export;
mod export_documents;
mod healthcheck;
mod sync;
mod tokens;
mod users;
mod webhooks;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::{
    config::{AllegroEnvironment, Config, SecretKeySource},
    db,
    domain::{ApiTokenError, ApiTokenLifetime, ApiTokenScope, Role},
    simulator::{self, SimulatorConfig},
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
    /// Connect and list Allegro seller accounts (for headless servers).
    #[command(subcommand)]
    Account(AccountCommand),
    /// Create, list and revoke personal API tokens (for /api/v1).
    #[command(subcommand)]
    Token(TokenCommand),
    /// Add, list and remove webhook endpoints (signed POSTs of order and sync events).
    #[command(subcommand)]
    Webhook(WebhookCommand),
    /// Back up orders now: finishes (or with --full, redoes) the first pass, then follows
    /// Allegro's event journal (and with --reconcile, reconciles). Shows progress and a summary.
    Sync {
        /// Only this account (its Allegro login); all connected accounts when left out.
        #[arg(long)]
        account: Option<String>,
        /// List the whole history again (a full resync) before following events.
        #[arg(long, conflicts_with = "reconcile")]
        full: bool,
        /// Also list the last 30 days again, re-fetch open orders and verify the coverage
        /// grid, re-listing mismatched days.
        #[arg(long)]
        reconcile: bool,
    },
    /// Write backed-up orders to stdout (`> file`): CSV (one row per order, or per line item
    /// with csv-items) or NDJSON (the original JSON of each order, one per line).
    Export {
        /// csv, csv-items or ndjson.
        #[arg(long, value_parser = export::parse_format)]
        format: crate::orders::export::ExportFormat,
        /// plain (`,`, `1234.50`, UTC times; the default) or excel (`;`, `1234,50`, times of
        /// the display zone, CRLF) for the CSV formats.
        #[arg(long, default_value = "plain", value_parser = export::parse_dialect)]
        dialect: crate::orders::export::Dialect,
        /// The language of an excel file's column names and yes/no cells: pl or en. Left
        /// out, the language of the `LANG` environment variable (pl_PL.UTF-8 → pl), else en.
        #[arg(long, value_parser = export::parse_lang)]
        lang: Option<crate::domain::Lang>,
        /// Only this account (its Allegro login).
        #[arg(long)]
        account: Option<String>,
        /// Only orders bought on or after this day (YYYY-MM-DD, in the display time zone); for
        /// another resource, those created (fees: booked) on or after it.
        #[arg(long)]
        since: Option<String>,
        /// What to export: orders (the default), or the documents of returns, refunds,
        /// refund-claims, billing-entries, payment-operations or invoices: as Allegro sent them
        /// (--format ndjson; an invoice as {"checkoutFormId": …, "invoice": …}) or a row each
        /// (--format csv).
        #[arg(long, default_value = "orders", value_parser = export_documents::parse_resource)]
        resource: export_documents::ExportResource,
    },
    /// Run the built-in Allegro API simulator on its own (for tests and demos).
    Simulator {
        /// Port to listen on (127.0.0.1).
        #[arg(long, default_value_t = 8081)]
        port: u16,
        /// Orders of the simulated seller.
        #[arg(long, default_value_t = 3000)]
        orders: u32,
        /// Seed of the generated data (same seed, same orders).
        #[arg(long, default_value_t = 42)]
        seed: u64,
        #[command(flatten)]
        options: simulator::StandaloneOptions,
    },
    /// Measure the backup engine; appends the result to BENCHMARKS.md.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Exit 0 when the server on BIND_ADDR answers /health (for container health checks).
    Healthcheck,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// A full backup of N simulator orders into a scratch database on DATABASE_URL's server.
    Sync(bench::BenchPlan),
    /// Fill the configured database with N generated orders (for measuring pages and exports).
    Seed {
        #[arg(long, default_value_t = 1_000_000)]
        orders: u32,
        #[arg(long, default_value_t = 2)]
        accounts: u32,
    },
    /// Export every order of the configured database to nowhere; reports rows/s and peak memory.
    Export {
        /// csv, csv-items or ndjson.
        #[arg(long, default_value = "csv", value_parser = export::parse_format)]
        format: crate::orders::export::ExportFormat,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Connect an Allegro account: prints a code and a link, waits for approval, stores it.
    Connect,
    /// List connected Allegro accounts.
    List,
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

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token acting as the user; prints it once, alone on the last line.
    Create {
        /// Email of the user the token acts as.
        #[arg(long)]
        email: String,
        /// A name to tell the token apart (e.g. the tool that uses it).
        #[arg(long)]
        name: String,
        /// read, or write (also changes things; sync actions need the operator role too).
        #[arg(long, default_value = "read", value_parser = parse_token_scope)]
        scope: ApiTokenScope,
        /// Days until the token expires (1 to 3650; 0 or never: it does not expire).
        #[arg(long = "expires-days", default_value = "365", value_parser = parse_token_lifetime)]
        expires_days: ApiTokenLifetime,
    },
    /// List every user's API tokens.
    List,
    /// Revoke an API token at once.
    Revoke {
        /// The token's id (see `token list`).
        #[arg(long)]
        id: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Register an endpoint; prints its id and signing secret once, on the last line.
    Add {
        /// Where to POST (http:// or https://).
        #[arg(long)]
        url: String,
        /// Comma-separated: order.created, order.updated, order.gone,
        /// order.documents_changed, sync.failed, account.needs_reauth.
        #[arg(long)]
        events: String,
        /// Only this account's events (its Allegro login); every account's when left out.
        #[arg(long)]
        account: Option<String>,
    },
    /// List the endpoints.
    List,
    /// Remove an endpoint and its deliveries.
    Remove {
        /// The endpoint's id (see `webhook list`).
        #[arg(long)]
        id: i64,
    },
}

fn parse_token_scope(value: &str) -> Result<ApiTokenScope, String> {
    value.parse().map_err(|e: ApiTokenError| e.to_string())
}

fn parse_token_lifetime(value: &str) -> Result<ApiTokenLifetime, String> {
    ApiTokenLifetime::parse(value).map_err(|e| e.to_string())
}

fn parse_role(value: &str) -> Result<Role, String> {
    value.parse()
}

/// Runs the parsed command; the exit code says whether it worked.
pub async fn run(cli: Cli) -> ExitCode {
    let command = cli.command.unwrap_or(Command::Serve);
    if matches!(command, Command::Healthcheck) {
        return healthcheck::healthcheck();
    }
    // The export writes its data to stdout, where the logs go: it runs without them.
    if !matches!(command, Command::Export { .. }) {
        telemetry::init(telemetry::format_from_env());
    }
    match Config::from_env() {
        Ok((config, key_source)) => execute(command, config, key_source).await,
        Err(err) => {
            eprintln!("configuration error: {err}");
            ExitCode::from(2)
        }
    }
}

/// Runs `command` with the configuration read.
async fn execute(command: Command, config: Config, key_source: SecretKeySource) -> ExitCode {
    let outcome = match command {
        Command::Serve => serve(config, key_source).await,
        Command::Migrate => db::prepare(&config.database_url)
            .await
            .map(|()| println!("database ready: all migrations applied"))
            .map_err(anyhow::Error::from),
        Command::User(command) => users::user_command(config, command).await,
        Command::Account(command) => accounts::account_command(config, command).await,
        Command::Token(command) => tokens::token_command(config, command).await,
        Command::Webhook(command) => webhooks::webhook_command(config, command).await,
        Command::Sync {
            account,
            full,
            reconcile,
        } => sync::sync_command(config, account, sync::mode(full, reconcile)).await,
        Command::Export {
            format,
            dialect,
            lang,
            account,
            since,
            resource,
        } => {
            let plan = export::ExportPlan {
                format,
                dialect,
                lang: lang.unwrap_or_else(export::system_lang),
                account,
                since,
                resource,
            };
            export::export_command(config, plan).await
        }
        Command::Simulator {
            port,
            orders,
            seed,
            options,
        } => simulator::run_standalone(port, orders, seed, options)
            .await
            .map_err(anyhow::Error::from),
        Command::Bench(command) => bench::bench_command(config, command).await,
        Command::Healthcheck => return healthcheck::healthcheck(),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config, key_source: SecretKeySource) -> anyhow::Result<()> {
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
    let mut config = config;
    // Without Allegro credentials the demo runs against the built-in simulator, in-process.
    let _simulator = if config.allegro.environment == AllegroEnvironment::Simulator
        && config.allegro.api_url.is_empty()
    {
        let sim = &config.allegro.simulator;
        let addr = std::net::SocketAddr::new(sim.host, sim.port);
        let simulated = SimulatorConfig {
            access_token_lifetime: sim.access_token_lifetime,
            ..SimulatorConfig::demo(sim.orders, sim.seed)
        };
        let handle = simulator::start(simulated, addr).await?;
        tracing::info!(url = %handle.base_url(), "built-in Allegro simulator running (ALLEGRO_ENV=simulator)");
        config.allegro = config
            .allegro
            .clone()
            .with_simulator_url(&handle.base_url());
        Some(handle)
    } else {
        None
    };
    let app = Application::build(config).await?;
    let state = app.state().clone();
    tracing::info!(
        address = %state.config.bind_addr,
        url = %state.config.public_url,
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
