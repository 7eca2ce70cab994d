//! `allegro-backup bench seed --orders N [--accounts M]`: fills the configured database with
//! realistic orders fast, generated server-side (`INSERT … SELECT generate_series`) in batches:
//! Polish names with diacritics, emails, statuses, payment types, mostly PLN, 12 months of
//! purchases, 1–3 line items each, and the raw JSON in Allegro's checkout-form shape.
//! `allegro-backup bench export [--format F]` then measures the export of everything there.

use std::time::Instant;

use anyhow::Context;
use diesel::{Connection, PgConnection};
use secrecy::ExposeSecret;

use super::usage::peak_rss_kb;
use crate::db::models::settings::SettingsRow;
use crate::{
    config::Config,
    db::{self, bench},
    domain::{Role, UserId},
    orders::{
        OrderFilter, Viewer,
        export::{ExportFormat, write_export},
    },
};

/// Orders per statement: big enough to be fast, small enough to show progress.
const BATCH: i64 = 50_000;

pub(crate) async fn bench_seed(config: Config, orders: u32, accounts: u32) -> anyhow::Result<()> {
    anyhow::ensure!(accounts >= 1, "--accounts must be at least 1");
    db::prepare(&config.database_url).await?;
    let url = config.database_url.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = PgConnection::establish(url.expose_secret())
            .context("cannot connect to the database")?;
        let mut ids = Vec::new();
        for n in 1..=accounts {
            let login = format!("bench_sklep_{n}");
            ids.push(bench::seed_account(&mut conn, &login)?);
        }
        // Ids unique per seeding, so seeding twice adds orders rather than failing.
        let prefix = format!("bench{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
        let started = Instant::now();
        let total = i64::from(orders);
        let mut done = 0_i64;
        while done < total {
            let end = (done + BATCH).min(total);
            bench::seed_orders(&mut conn, (done + 1, end), &ids, &prefix)
                .context("seeding a batch failed")?;
            done = end;
            let secs = started.elapsed().as_secs_f64();
            eprintln!(
                "seeded {done} / {total} orders ({:.0} orders/s)",
                done as f64 / secs.max(0.001)
            );
        }
        bench::analyze_orders(&mut conn)?;
        println!(
            "seeded {total} orders over {accounts} account(s) in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        Ok(())
    })
    .await?
}

/// Exports every order in the database (unrestricted, as the CLI does) into a byte counter
/// and reports rows/s, MB/s and the peak memory of this process.
pub(crate) async fn bench_export(config: Config, format: ExportFormat) -> anyhow::Result<()> {
    let url = config.database_url.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = PgConnection::establish(url.expose_secret())
            .context("cannot connect to the database")?;
        let mut helper = PgConnection::establish(url.expose_secret())
            .context("cannot connect to the database")?;
        let zone = SettingsRow::display_zone(&mut conn)?;
        let viewer = Viewer::unrestricted(UserId(0), Role::Admin);
        let rss_before = peak_rss_kb();
        let started = Instant::now();
        let mut bytes = 0_u64;
        let outcome = write_export(
            &mut conn,
            Some(&mut helper),
            &viewer,
            &OrderFilter::default(),
            format,
            zone,
            |chunk| {
                bytes += chunk.len() as u64;
                true
            },
        )?;
        let secs = started.elapsed().as_secs_f64();
        let build = if cfg!(debug_assertions) { "debug build" } else { "release build" };
        println!(
            "| {} | {} | {} orders | {} rows | {:.1} MB | {secs:.1} s | {:.0} rows/s | {:.1} MB/s | peak RSS {:.0} MB (before {:.0} MB) | {build} |",
            chrono::Utc::now().format("%Y-%m-%d"),
            format.as_str(),
            outcome.orders,
            outcome.rows,
            bytes as f64 / 1e6,
            outcome.rows as f64 / secs.max(0.001),
            bytes as f64 / 1e6 / secs.max(0.001),
            peak_rss_kb() as f64 / 1024.0,
            rss_before as f64 / 1024.0,
        );
        Ok(())
    })
    .await?
}
