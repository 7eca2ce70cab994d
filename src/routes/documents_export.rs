//! `GET /export?resource=returns|refunds|billing-entries|payment-operations&format=ndjson|csv
//! [&dialect=plain|excel][&account=ID][&since=YYYY-MM-DD]`: the documents of a resource the
//! viewer's accounts hold, streamed as they are read: as Allegro sent them, one per line
//! (`ndjson`, see `orders::documents`), or a row each (`csv`, see
//! `orders::export::documents_csv`); `resource=orders` is the orders export
//! (`/orders/export`). Documents as sent hold buyer personal data throughout: a user who must
//! not see it is refused their NDJSON, as the orders', and gets the CSV with the buyer's data
//! masked. An account outside the viewer's scope is a 404 (before any refusal). Recorded in
//! the audit log.

use chrono::Utc;
use diesel::PgConnection;
use serde::Deserialize;
use serde_json::{Value, json};

use super::listing_query::{account, bad, day_start, query_string, scoped_accounts};
use super::prelude::*;
use crate::{
    auth::AnyUser,
    db::{
        self, DbError, PgPool,
        models::{
            audit::{Actor, AuditAction, AuditEntry},
            settings::SettingsRow,
        },
    },
    error::see_other,
    orders::{
        documents::{DocumentSelection, ExportResource, write_documents},
        export::{
            Dialect, ExportFormat,
            documents_csv::{CsvLayout, write_documents_csv},
        },
    },
    web::download,
};

/// Encoded batches waiting for the client: a few, so memory stays flat when it is slow.
const CHANNEL_CHUNKS: usize = 4;

/// The query, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ExportQuery {
    pub resource: String,
    pub format: String,
    pub dialect: String,
    pub account: String,
    pub since: String,
}

/// `GET /export`
pub async fn documents_export(
    auth: RequireRole<AnyUser>,
    page: Page,
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let loc = page.loc();
    let resource = ExportResource::parse(q.resource.trim())
        .ok_or_else(|| bad(&loc, "export-bad-resource", q.resource.trim()))?;
    if resource == ExportResource::Orders {
        let format = if q.format.trim().is_empty() {
            "csv"
        } else {
            q.format.trim()
        };
        let rest = query_string([("format", format), ("account", q.account.as_str())]);
        return Ok(see_other(&format!("/orders/export?{rest}")));
    }
    let table = resource
        .table()
        .ok_or_else(|| bad(&loc, "export-not-backed-up", resource.as_str()))?;
    let format = ExportFormat::parse(q.format.trim())
        .filter(|f| matches!(f, ExportFormat::Ndjson | ExportFormat::Csv))
        .ok_or_else(|| bad(&loc, "export-documents-format", q.format.trim()))?;
    let dialect = Dialect::parse(Some(&q.dialect))
        .map_err(|_| bad(&loc, "accounting-bad-dialect", q.dialect.trim()))?;
    let picked = account(&q.account, &loc)?;
    let since = day_start(&q.since, &loc)?;
    let scope = auth.viewer.scope.clone();
    let (accounts, zone) = db::run(&state.pool, move |conn| {
        let accounts = scoped_accounts(conn, &scope, picked)?.1;
        let zone = SettingsRow::display_zone(conn).map_err(DbError::from)?;
        Ok::<_, AppError>((accounts, zone))
    })
    .await?;
    if format == ExportFormat::Ndjson && !format.available_to(&auth.viewer) {
        return Err(AppError::Refused(loc.t("export-ndjson-refused")));
    }
    let selection = DocumentSelection {
        table,
        accounts: Some(accounts),
        since,
    };
    let layout = CsvLayout {
        dialect,
        lang: loc.lang,
        zone,
        masked: auth.viewer.hide_personal_data,
    };
    let details = json!({
        "resource": resource.as_str(),
        "format": format.as_str(),
        "dialect": (format == ExportFormat::Csv).then_some(dialect.as_str()),
        "account": picked.map(|a| a.0),
        "since": q.since.trim(),
    });
    let extension = match format {
        ExportFormat::Csv => format!("{}.csv", dialect.as_str()),
        _ => "ndjson".to_owned(),
    };
    let file = format!(
        "allegro-{}-{}.{extension}",
        resource.as_str(),
        Utc::now().format("%Y%m%d-%H%M")
    );
    let actor = super::actor(&auth.user, &req);
    let job: ExportJob = Box::new(move |conn, sent| {
        let written = match format {
            ExportFormat::Csv => write_documents_csv(conn, &selection, layout, sent)?,
            _ => write_documents(conn, &selection, sent)?,
        };
        let mut details = details;
        details["documents"] = written.documents.into();
        details["completed"] = written.completed.into();
        Ok(details)
    });
    let body = blocking_body(state.pool.clone(), actor, resource.as_str(), job);
    Ok(download(format.content_type(), &file, body))
}

type Chunk = Result<web::Bytes, std::io::Error>;

/// What a streamed export does on its blocking thread: writes through `sent` (false once the
/// client is gone) and returns its audit details, or fails.
pub(super) type ExportJob = Box<
    dyn FnOnce(&mut PgConnection, &mut dyn FnMut(Vec<u8>) -> bool) -> anyhow::Result<Value> + Send,
>;

/// Starts `job` on a blocking thread with its own connection and returns the body it feeds;
/// when it ends, the export is recorded in the audit log as `actor`'s export of `target`.
pub(super) fn blocking_body(
    pool: PgPool,
    actor: Actor,
    target: &'static str,
    job: ExportJob,
) -> impl futures_util::Stream<Item = Chunk> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Chunk>(CHANNEL_CHUNKS);
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        let _entered = span.enter();
        let failed = || std::io::Error::other("export failed");
        let Ok(mut conn) = pool.get() else {
            let _ = tx.blocking_send(Err(failed()));
            return;
        };
        let mut sent = |bytes: Vec<u8>| tx.blocking_send(Ok(web::Bytes::from(bytes))).is_ok();
        let details = match job(&mut conn, &mut sent) {
            Ok(details) => details,
            Err(e) => {
                tracing::error!(error = ?e, export = target, "export failed");
                let _ = tx.blocking_send(Err(failed()));
                return;
            }
        };
        let recorded = AuditEntry::record(
            &mut conn,
            &actor,
            AuditAction::DocumentsExported,
            Some(target),
            details,
        );
        if let Err(e) = recorded {
            tracing::error!(error = %e, export = target, "export: audit entry not written");
        }
    });
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}
