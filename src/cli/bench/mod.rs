//! `allegro-backup bench sync --orders N [--latency-ms L] [--rate-limit-rps R]`: a full backup
//! of N simulator orders into a scratch database, measured and appended to BENCHMARKS.md.
//!
//! The simulator runs as a child process, so the peak memory (`VmHWM`) and CPU time reported
//! as the engine's are this process's alone; the simulator's CPU and that of the PostgreSQL
//! backends serving the run are reported next to it.

mod child;
mod seed;
mod usage;
mod webhook;

use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};

use self::{
    child::SimulatorChild,
    seed::{bench_export, bench_seed},
    usage::{cpu_time, peak_rss_kb},
};
use super::{BenchCommand, users::cli_actor};
use crate::{
    accounts::{Accounts, FlowOutcome},
    allegro::AllegroClient,
    config::{AllegroConfig, Config, SecretKey},
    crypto::TokenCipher,
    db::{self, DbError, models::order},
    domain::AccountId,
    sync::{SyncOptions, sync_account},
};

/// Orders per page the engine asks for (Allegro's maximum): one request brings this many.
const ORDERS_PER_REQUEST: u32 = 100;
/// A budget far above anything the engine reaches: the API is not the bottleneck.
const UNLIMITED_PER_MINUTE: u32 = 10_000_000;

/// What to measure: the options of `bench sync`.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct BenchPlan {
    #[arg(long, default_value_t = 100_000)]
    pub orders: u32,
    /// Latency the simulator adds to every API call.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Requests per second allowed to the account (client budget and simulator limit);
    /// the result then says which fraction of the ceiling (R x 100 orders/s) was reached.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_limit_rps: Option<u32>,
    /// Register one webhook endpoint taking every order event, with a receiver and the
    /// delivery worker in this process; reports how fast the deliveries went out.
    #[arg(long)]
    pub webhook: bool,
    /// Keep the scratch database afterwards (its name is printed), to look into it:
    /// query plans, `pg_stat_statements`, the sizes of tables and indexes.
    #[arg(long)]
    pub keep_database: bool,
}

/// What one run measured.
struct Measured {
    wall: Duration,
    stored: i64,
    peak_rss_kb: u64,
    engine_cpu: Duration,
    simulator_cpu: Duration,
    postgres_cpu: Duration,
    webhook: Option<webhook::Delivered>,
}

/// Runs the `bench` subcommand `command`.
pub(super) async fn bench_command(config: Config, command: BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Sync(plan) => bench_sync(config, plan).await,
        BenchCommand::Seed { orders, accounts } => bench_seed(config, orders, accounts).await,
        BenchCommand::Export { format } => bench_export(config, format).await,
    }
}

async fn bench_sync(config: Config, plan: BenchPlan) -> anyhow::Result<()> {
    let (admin_url, _) = db::split_database_url(config.database_url.expose_secret())?;
    let name = format!("allegro_backup_bench_{}", uuid::Uuid::new_v4().simple());
    let mut bench_url = url::Url::parse(&admin_url)?;
    bench_url.set_path(&format!("/{name}"));
    let url = SecretString::from(bench_url.to_string());
    db::prepare(&url).await?;
    let result = run(&url, &config.allegro, plan).await;
    if plan.keep_database {
        println!("the scratch database is kept: {name}");
    } else {
        db::bench::drop_database(&admin_url, &name);
    }
    let measured = result?;
    anyhow::ensure!(
        measured.stored == i64::from(plan.orders),
        "the backup holds {} orders, the simulator {}",
        measured.stored,
        plan.orders
    );
    let line = result_line(&plan, &measured);
    println!("{line}");
    append_result(&line)?;
    Ok(())
}

async fn run(
    url: &SecretString,
    defaults: &AllegroConfig,
    plan: BenchPlan,
) -> anyhow::Result<Measured> {
    let per_minute = plan
        .rate_limit_rps
        .map_or(UNLIMITED_PER_MINUTE, |rps| rps.saturating_mul(60));
    let sim = SimulatorChild::spawn(plan.orders, per_minute).await?;
    // The simulator's client and hosts; only the concurrency comes from the environment
    // (`ALLEGRO_ACCOUNT_CONCURRENCY`), so that it can be varied.
    let allegro = AllegroConfig {
        client_requests_per_minute: per_minute,
        account_requests_per_minute: per_minute,
        account_concurrency: defaults.account_concurrency,
        ..AllegroConfig::for_simulator(sim.base_url())?
    };
    let cipher = TokenCipher::new(&SecretKey::generate());
    let accounts = Accounts::new(
        db::build_pool(url, 8)?,
        AllegroClient::new(&allegro)?,
        cipher.clone(),
        allegro.environment,
    );
    let account = connect(&accounts).await?;
    sim.set_latency(Duration::from_millis(plan.latency_ms))
        .await?;
    // Tracking numbers and invoices are read one call per order at their endpoints' pace and
    // would measure that limit, not the backup: left out.
    let options = SyncOptions {
        history: chrono::Duration::days(400),
        shipments_per_run: 0,
        invoices_per_run: 0,
        ..SyncOptions::default()
    };
    let sim_pid = sim.pid().to_string();
    let (engine_before, sim_before) = (cpu_time("self"), cpu_time(&sim_pid));
    let hooks = match plan.webhook {
        true => Some(webhook::WebhookBench::start(&accounts.pool, &cipher).await?),
        false => None,
    };
    let started = Instant::now();
    sync_account(
        &accounts,
        account,
        crate::db::models::sync::RunTrigger::Cli,
        crate::sync::SyncMode::Full,
        &options,
    )
    .await?;
    let wall = started.elapsed();
    let engine_cpu = cpu_time("self").saturating_sub(engine_before);
    let webhook = match hooks {
        Some(hooks) => Some(hooks.finish(&accounts.pool, started).await?),
        None => None,
    };
    let simulator_cpu = cpu_time(&sim_pid).saturating_sub(sim_before);
    let (stored, postgres_cpu) = db::run(&accounts.pool, move |conn| {
        let stored = order::count_for_account(conn, account)?;
        Ok::<_, DbError>((stored, backends_cpu(conn)?))
    })
    .await?;
    Ok(Measured {
        wall,
        stored,
        peak_rss_kb: peak_rss_kb(),
        engine_cpu,
        simulator_cpu,
        postgres_cpu,
        webhook,
    })
}

/// Links the simulator's seller (it approves device codes at once); returns the account id.
async fn connect(accounts: &Accounts) -> anyhow::Result<AccountId> {
    let flow = accounts.start_link(cli_actor()).await?;
    match accounts.poll_flow(&flow, &cli_actor()).await {
        FlowOutcome::Connected { account_id, .. } => Ok(account_id),
        other => anyhow::bail!("the simulator did not link its seller: {other:?}"),
    }
}

/// CPU time of the PostgreSQL backends connected to the bench database (the pool's), read
/// from `/proc` (PostgreSQL runs on this machine). Background processes such as the WAL
/// writer and the checkpointer are shared with other databases and not counted.
fn backends_cpu(conn: &mut diesel::PgConnection) -> diesel::QueryResult<Duration> {
    Ok(db::bench::backend_pids(conn)?
        .iter()
        .map(|pid| cpu_time(&pid.to_string()))
        .sum())
}

fn result_line(plan: &BenchPlan, m: &Measured) -> String {
    let seconds = m.wall.as_secs_f64();
    let rate = f64::from(plan.orders) / seconds;
    let (limit, of_ceiling) = match plan.rate_limit_rps {
        Some(rps) => {
            let ceiling = f64::from(rps) * f64::from(ORDERS_PER_REQUEST);
            (
                format!("{rps} req/s"),
                format!("{:.0} %", 100.0 * rate / ceiling),
            )
        }
        None => ("none".to_owned(), "—".to_owned()),
    };
    let build = if cfg!(debug_assertions) {
        "debug build"
    } else {
        "release build"
    };
    let build = match &m.webhook {
        None => build.to_owned(),
        Some(hooks) => format!(
            "{build}; 1 webhook endpoint: {} deliveries, all sent {:.1} s after the start ({:.0}/s)",
            hooks.deliveries,
            hooks.until_all_sent.as_secs_f64(),
            hooks.deliveries as f64 / hooks.until_all_sent.as_secs_f64().max(0.001)
        ),
    };
    format!(
        "| {} | {} | {} ms | {limit} | {seconds:.1} s | {rate:.0} orders/s | {of_ceiling} | {:.0} MB | {:.1} s / {:.1} s / {:.1} s | {build} |",
        chrono::Utc::now().format("%Y-%m-%d"),
        plan.orders,
        plan.latency_ms,
        m.peak_rss_kb as f64 / 1024.0,
        m.engine_cpu.as_secs_f64(),
        m.simulator_cpu.as_secs_f64(),
        m.postgres_cpu.as_secs_f64(),
    )
}

fn append_result(line: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open("BENCHMARKS.md")?;
    writeln!(file, "{line}")
}
