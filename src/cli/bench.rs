//! `allegro-backup bench sync --orders N [--latency-ms L]`: a full backup of N simulator orders
//! into a scratch database, measured (orders/s, peak memory), appended to BENCHMARKS.md.

use std::{io::Write, time::Instant};

use secrecy::{ExposeSecret, SecretString};

use crate::{
    accounts::Accounts,
    allegro::{AllegroClient, wait_for_device_authorization},
    config::{AllegroSettings, SecretKey, Settings},
    crypto::TokenCipher,
    db::{
        self,
        models::account::{AccountRow, LinkedAccount},
    },
    simulator::{self, Faults, SimulatorConfig},
    sync::{SyncMode, SyncOptions, sync_account},
};

pub(super) async fn bench_sync(
    settings: Settings,
    orders: u32,
    latency_ms: u64,
) -> anyhow::Result<()> {
    let (admin_url, _) = db::split_database_url(settings.database_url.expose_secret())?;
    let name = format!("allegro_backup_bench_{}", uuid::Uuid::new_v4().simple());
    let mut bench_url = url::Url::parse(&admin_url)?;
    bench_url.set_path(&format!("/{name}"));
    let url = SecretString::from(bench_url.to_string());
    db::prepare(&url).await?;
    let result = run(&url, orders, latency_ms).await;
    drop_database(&admin_url, &name);
    let (seconds, peak_kb) = result?;
    let rate = f64::from(orders) / seconds;
    let build = if cfg!(debug_assertions) {
        "debug build"
    } else {
        "release build"
    };
    let line = format!(
        "| {} | full backup | {orders} | {latency_ms} ms | {seconds:.1} s | {rate:.0} orders/s | {:.0} MB | {build} |",
        chrono::Utc::now().format("%Y-%m-%d"),
        peak_kb as f64 / 1024.0
    );
    println!("{line}");
    append_result(&line)?;
    Ok(())
}

async fn run(url: &SecretString, orders: u32, latency_ms: u64) -> anyhow::Result<(f64, u64)> {
    let config = SimulatorConfig {
        auto_approve: true,
        ..SimulatorConfig::demo(orders, 42)
    };
    let config = SimulatorConfig {
        live_changes_per_minute: None,
        sellers: 1,
        ..config
    };
    let sim = simulator::start(config, "127.0.0.1:0".parse()?).await?;
    let allegro = AllegroSettings::for_simulator(&sim.base_url())?;
    let accounts = Accounts::new(
        db::build_pool(url, 8)?,
        AllegroClient::new(&allegro)?,
        TokenCipher::new(&SecretKey::generate()),
        allegro.environment,
    );
    let auth = accounts.client.start_device_flow().await?;
    let tokens =
        wait_for_device_authorization(&accounts.client, &auth, |_| std::future::ready(())).await?;
    let seller = sim
        .world()
        .sellers()
        .into_iter()
        .next()
        .ok_or_else(|| anyhow::anyhow!("no seller"))?;
    let sealed = accounts.seal(&seller.id, &tokens);
    let account = db::run(&accounts.pool, move |conn| {
        AccountRow::upsert_linked(
            conn,
            &LinkedAccount {
                environment: "simulator",
                allegro_user_id: &seller.id,
                login: &seller.login,
                tokens: &sealed,
                connected_by: None,
            },
        )
        .map(|(row, _)| row.id)
        .map_err(db::DbError::from)
    })
    .await?;
    sim.world().set_faults(Faults {
        latency: std::time::Duration::from_millis(latency_ms),
        ..Faults::default()
    });
    let started = Instant::now();
    let options = SyncOptions {
        history: chrono::Duration::days(400),
        ..SyncOptions::default()
    };
    sync_account(
        &accounts,
        account,
        crate::db::models::sync::RunTrigger::Cli,
        SyncMode::Auto,
        &options,
    )
    .await?;
    Ok((started.elapsed().as_secs_f64(), peak_rss_kb()))
}

/// Peak resident memory of this process (Linux `VmHWM`), in KiB.
fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn drop_database(admin_url: &str, name: &str) {
    use diesel::{Connection, RunQueryDsl};
    if let Ok(mut conn) = diesel::PgConnection::establish(admin_url) {
        let sql = format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            db::quote_ident(name)
        );
        let _ = diesel::sql_query(sql).execute(&mut conn);
    }
}

fn append_result(line: &str) -> std::io::Result<()> {
    let path = std::path::Path::new("BENCHMARKS.md");
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    writeln!(file, "{line}")
}
