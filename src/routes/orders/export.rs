//! `GET /orders/export?format=csv|csv-items|ndjson[&dialect=plain|excel]&<the list's filters and
//! sort>`: the orders the user may see, in the list's order, streamed as they are read (see
//! `orders::export`). A blocking task with its own
//! pooled connection reads and encodes chunk by chunk into a bounded channel that feeds the
//! response body; when the client goes away the channel closes and the reader stops.

use chrono::Utc;
use chrono_tz::Tz;
use serde_json::{Value, json};

use super::list_view::filter_error_text;
use crate::db::models::settings::SettingsRow;
use crate::routes::prelude::*;
use crate::web::download;
use crate::{
    auth::AnyUser,
    db::{
        self, DbError, PgPool,
        models::{account::AccountRow, audit::Actor},
    },
    domain::order_filter::AccountRef,
    domain::settings::DEFAULT_ZONE,
    i18n,
    orders::{
        OrderFilter, OrderParams, Viewer,
        export::{
            Dialect, ExportFormat, ExportKind, ExportOutcome, ExportSpec, record_export,
            write_export,
        },
        filter::FilterError,
        sort::Sort,
    },
};

/// Encoded chunks waiting for the client: a few, so memory stays flat when the client is slow.
const CHANNEL_CHUNKS: usize = 4;

/// Query parameters that are not filters.
const NOT_FILTERS: [&str; 5] = ["format", "dialect", "sort", "page_size", "cursor"];

/// The query string as (name, value) pairs, the last value of a repeated name winning, blank
/// values dropped. Lenient on purpose: a malformed query string is read as far as it goes
/// (an unreadable one as empty) and the filters themselves are validated afterwards.
fn query_pairs(query: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let value = value.trim();
        pairs.retain(|(n, _)| *n != name);
        if !value.is_empty() {
            pairs.push((name.into_owned(), value.to_owned()));
        }
    }
    pairs
}

/// The filters of the query string (unknown names ignored).
fn order_params(pairs: &[(String, String)]) -> OrderParams {
    let map: serde_json::Map<String, Value> = pairs
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    serde_json::from_value(Value::Object(map)).unwrap_or_default()
}

/// What the export needs before it streams.
struct Prepared {
    viewer: Viewer,
    zone: Tz,
    filter: OrderFilter,
    /// The account filtered on, as the file name shows it.
    account: Option<String>,
}

/// The value of the parameter `name`, if given.
fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// What to write: `format`, `dialect` and the list's `sort`, each validated (a 400 naming the
/// parameter otherwise).
fn export_spec(
    pairs: &[(String, String)],
    params: &OrderParams,
    loc: &Locale,
) -> Result<ExportSpec, AppError> {
    let bad = |e: FilterError| AppError::BadRequest(filter_error_text(loc, &e));
    let format_value = param(pairs, "format");
    let format = format_value.and_then(ExportFormat::parse).ok_or_else(|| {
        bad(match format_value {
            Some(_) => FilterError::new("format", "filter-error-format", "unknown format"),
            None => FilterError::new("format", "filter-error-format", "missing"),
        })
    })?;
    let dialect = Dialect::parse(param(pairs, "dialect")).map_err(bad)?;
    Ok(ExportSpec {
        kind: ExportKind::new(format, dialect).map_err(bad)?,
        sort: Sort::parse(params.sort.as_deref()).map_err(bad)?,
        lang: loc.lang,
    })
}

/// `GET /orders/export`
pub async fn orders_export(
    auth: RequireRole<AnyUser>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let pairs = query_pairs(req.query_string());
    let params = order_params(&pairs);
    // The language is the request's; the queries below run on another thread.
    let loc = Locale::new(i18n::current_lang(), DEFAULT_ZONE);
    let spec = export_spec(&pairs, &params, &loc)?;
    let format = spec.kind.format();
    let viewer = auth.viewer.clone();
    let prepared = db::run(&state.pool, move |conn| {
        let zone = SettingsRow::display_zone(conn).map_err(DbError::from)?;
        let filter = OrderFilter::parse(&params, zone)
            .map_err(|e| AppError::BadRequest(filter_error_text(&loc, &e)))?;
        // The file is named after the account only when the viewer may see it.
        let account = match &filter.account {
            Some(AccountRef::Id(id)) => Some(
                AccountRow::find_in(conn, &viewer.scope, *id)
                    .map_err(DbError::from)?
                    .map_or_else(|| id.to_string(), |a| a.login),
            ),
            Some(AccountRef::Login(login)) => Some(login.clone()),
            None => None,
        };
        Ok::<_, AppError>(Prepared {
            viewer,
            zone,
            filter,
            account,
        })
    })
    .await?;
    if !format.available_to(&prepared.viewer) {
        return Err(AppError::Refused(loc.t("export-ndjson-refused")));
    }
    // Filter names as OrderParams knows them (every field serialises, unset ones as null).
    let known = serde_json::to_value(OrderParams::default()).unwrap_or_default();
    let filters: Vec<(&str, &str)> = pairs
        .iter()
        .filter(|(k, _)| known.get(k).is_some())
        .filter(|(k, _)| !NOT_FILTERS.contains(&k.as_str()) && k != "account")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let file = crate::orders::export::file_name(
        prepared.account.as_deref(),
        &filters,
        spec.kind,
        Utc::now(),
        prepared.zone,
    );
    let details = json!({
        "filters": filters.iter().map(|(k, v)| (k.to_string(), Value::String(v.to_string()))).collect::<serde_json::Map<_, _>>(),
        "account": prepared.account,
    });
    let actor = super::super::actor(&auth.user, &req);
    let body = stream_export(state.pool.clone(), prepared, spec, actor, details);
    Ok(download(format.content_type(), &file, body))
}

type Chunk = Result<web::Bytes, std::io::Error>;

/// Starts the reader and returns the response body fed by it. The audit entry is written when
/// the reader ends (with the row count and whether the client took everything), before the
/// body ends.
fn stream_export(
    pool: PgPool,
    prepared: Prepared,
    spec: ExportSpec,
    actor: Actor,
    details: Value,
) -> impl futures_util::Stream<Item = Chunk> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Chunk>(CHANNEL_CHUNKS);
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        let _entered = span.enter();
        let mut conn = match pool.get() {
            Ok(conn) => conn,
            Err(e) => {
                tracing::error!(error = %e, "orders export: no database connection");
                let _ = tx.blocking_send(Err(std::io::Error::other("no database connection")));
                return;
            }
        };
        // A second connection, if one is free right now, halves an NDJSON export's time.
        let mut helper = pool.try_get();
        let sent = |bytes: Vec<u8>| tx.blocking_send(Ok(web::Bytes::from(bytes))).is_ok();
        let result = write_export(
            &mut conn,
            helper.as_deref_mut(),
            &prepared.viewer,
            &prepared.filter,
            spec,
            prepared.zone,
            sent,
        );
        let outcome = match result {
            Ok(outcome) => outcome,
            Err(e) => {
                tracing::error!(error = ?e, "orders export failed");
                let _ = tx.blocking_send(Err(std::io::Error::other("export failed")));
                ExportOutcome {
                    orders: 0,
                    rows: 0,
                    completed: false,
                }
            }
        };
        if let Err(e) = record_export(&mut conn, &actor, spec, details, &outcome) {
            tracing::error!(error = %e, "orders export: audit entry not written");
        }
        tracing::info!(
            format = spec.kind.format().as_str(),
            dialect = spec.kind.dialect().as_str(),
            orders = outcome.orders,
            completed = outcome.completed,
            "orders exported"
        );
    });
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_are_read_leniently() {
        let pairs = query_pairs("format=csv&status=&status=SENT&%ZZ=1&q=a%2Bb+c&bogus");
        let params = order_params(&pairs);
        assert_eq!(params.status.as_deref(), Some("SENT"));
        assert_eq!(params.q.as_deref(), Some("a+b c"));
        assert_eq!(params.account, None);
        assert!(pairs.iter().any(|(k, v)| k == "format" && v == "csv"));
    }
}
