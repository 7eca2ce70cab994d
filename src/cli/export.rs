//! `allegro-backup export --format csv|csv-items|ndjson [--dialect plain|excel] [--lang pl|en]
//! [--account LOGIN] [--since DATE]` (other resources: `export_documents`): every order (or one account's, bought since a day of the display zone) to
//! stdout, in the orders list's default order, through the same streaming encoder as the web
//! export. Runs with the database's own rights: no account
//! scope, no masking. Recorded in the audit log as done by `cli`.

use std::io::Write;

use anyhow::Context;
use diesel::{Connection, PgConnection};
use secrecy::ExposeSecret;

use super::{
    export_documents::{DocumentsPlan, ExportResource, export_documents},
    users::cli_actor,
};
use crate::db::models::{account::AccountRow, settings::SettingsRow};
use crate::{
    config::Config,
    domain::{Lang, Role, UserId, order_filter::AccountRef},
    orders::{
        OrderFilter, OrderParams, Viewer,
        export::{Dialect, ExportFormat, ExportKind, ExportSpec, record_export, write_export},
    },
};

/// What to export.
#[derive(Debug, Clone)]
pub(crate) struct ExportPlan {
    pub format: ExportFormat,
    pub dialect: Dialect,
    /// The language of an excel file's column names.
    pub lang: Lang,
    pub account: Option<String>,
    /// `YYYY-MM-DD`, a day of the display zone.
    pub since: Option<String>,
    /// Orders, or another resource's documents.
    pub resource: ExportResource,
}

pub(super) fn parse_format(value: &str) -> Result<ExportFormat, String> {
    ExportFormat::parse(value).ok_or_else(|| "use csv, csv-items or ndjson".to_owned())
}

pub(super) fn parse_dialect(value: &str) -> Result<Dialect, String> {
    Dialect::parse(Some(value)).map_err(|e| e.message)
}

pub(super) fn parse_lang(value: &str) -> Result<Lang, String> {
    Lang::of_tag(value).ok_or_else(|| "use pl or en".to_owned())
}

/// The language the machine's `LANG` names (`pl_PL.UTF-8` → Polish), else English.
pub(super) fn system_lang() -> Lang {
    std::env::var("LANG")
        .ok()
        .and_then(|tag| Lang::of_tag(&tag))
        .unwrap_or_default()
}

pub(super) async fn export_command(config: Config, plan: ExportPlan) -> anyhow::Result<()> {
    let url = config.database_url.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = PgConnection::establish(url.expose_secret())
            .context("cannot connect to the database")?;
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        if plan.resource != ExportResource::Orders {
            let csv = match plan.format {
                ExportFormat::Ndjson => None,
                ExportFormat::Csv => Some((plan.dialect, plan.lang)),
                ExportFormat::CsvItems => anyhow::bail!(
                    "--resource {}: use --format ndjson (each document as Allegro sent it) \
                     or csv (a row each)",
                    plan.resource.as_str()
                ),
            };
            let documents = DocumentsPlan {
                resource: plan.resource,
                account: plan.account.clone(),
                since: plan.since.clone(),
                csv,
            };
            export_documents(&mut conn, &documents, &mut out)?;
            return out.flush().context("writing the export failed");
        }
        // A second reader for NDJSON (see orders::export); the export works without it.
        let mut helper = PgConnection::establish(url.expose_secret()).ok();
        export(&mut conn, helper.as_mut(), &plan, &mut out)?;
        out.flush().context("writing the export failed")
    })
    .await?
}

/// Writes the export to `out`; returns the number of orders.
pub(crate) fn export(
    conn: &mut PgConnection,
    helper: Option<&mut PgConnection>,
    plan: &ExportPlan,
    out: &mut impl Write,
) -> anyhow::Result<u64> {
    let kind = ExportKind::new(plan.format, plan.dialect)
        .map_err(|e| anyhow::anyhow!("--{}: {}", e.parameter, e.message))?;
    let spec = ExportSpec {
        lang: plan.lang,
        ..ExportSpec::from(kind)
    };
    let zone = SettingsRow::display_zone(conn)?;
    let params = OrderParams {
        bought_from: plan.since.clone(),
        ..OrderParams::default()
    };
    let mut filter = OrderFilter::parse(&params, zone).map_err(|e| {
        anyhow::anyhow!(
            "--since: {}",
            e.message.replace("(YYYY-MM-DD)", "(use YYYY-MM-DD)")
        )
    })?;
    if let Some(login) = &plan.account {
        anyhow::ensure!(
            AccountRow::login_exists(conn, login)?,
            "no account with login {login}"
        );
        filter.account = Some(AccountRef::Login(login.clone()));
    }
    let viewer = Viewer::unrestricted(UserId(0), Role::Admin);
    let mut failed = None;
    let outcome = write_export(
        conn,
        helper,
        &viewer,
        &filter,
        spec,
        zone,
        |bytes| match out.write_all(&bytes) {
            Ok(()) => true,
            Err(e) => {
                failed = Some(e);
                false
            }
        },
    )?;
    let details = serde_json::json!({
        "account": plan.account,
        "since": plan.since,
    });
    record_export(conn, &cli_actor(), spec, details, &outcome)?;
    match failed {
        // A closed pipe (`| head`) is the reader's choice, not an error.
        Some(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::Error::from(e).context("writing the export failed"))
        }
        _ => Ok(outcome.orders),
    }
}
