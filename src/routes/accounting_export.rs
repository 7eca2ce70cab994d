//! `GET /export/accounting?month=YYYY-MM[&account=ID][&dialect=plain|excel]`: the monthly
//! accounting CSV of the accounts the viewer may see (see `orders::export::accounting`): the
//! month in the display zone, the previous one when none is given. It holds no personal data,
//! so every role may take it; an account outside the viewer's scope is a 404. Recorded in the
//! audit log.

use chrono::{Datelike, Months, NaiveDate};
use serde::Deserialize;
use serde_json::json;

use super::prelude::*;
use super::{
    documents_export::{ExportJob, blocking_body},
    listing_query::{account, bad, previous_month, scoped_accounts},
};
use crate::{
    auth::AnyUser,
    db::{self, DbError, models::settings::SettingsRow},
    orders::{
        export::{
            Dialect, ExportFormat,
            accounting::{AccountingSpec, write_accounting},
        },
        filter::start_of_day,
    },
    web::download,
};

/// The query, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AccountingQuery {
    pub month: String,
    pub account: String,
    pub dialect: String,
}

/// The first day of the month `value` names (`YYYY-MM`), or of the month before this one.
fn month(value: &str, loc: &Locale) -> Result<NaiveDate, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(previous_month(loc));
    }
    NaiveDate::parse_from_str(&format!("{value}-01"), "%Y-%m-%d")
        .ok()
        .filter(|d| (1990..=2200).contains(&d.year()))
        .ok_or_else(|| {
            bad(
                loc,
                "accounting-bad-month",
                &value.chars().take(40).collect::<String>(),
            )
        })
}

/// `GET /export/accounting`
pub async fn accounting_export(
    auth: RequireRole<AnyUser>,
    page: Page,
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<AccountingQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let loc = page.loc();
    let first = month(&q.month, &loc)?;
    let dialect = Dialect::parse(Some(&q.dialect))
        .map_err(|_| bad(&loc, "accounting-bad-dialect", q.dialect.trim()))?;
    let picked = account(&q.account, &loc)?;
    let scope = auth.viewer.scope.clone();
    let (accounts, zone) = db::run(&state.pool, move |conn| {
        let (all, read) = scoped_accounts(conn, &scope, picked)?;
        let zone = SettingsRow::display_zone(conn).map_err(DbError::from)?;
        let accounts: Vec<_> = all
            .into_iter()
            .filter(|(id, _)| read.contains(id))
            .collect();
        Ok::<_, AppError>((accounts, zone))
    })
    .await?;
    let next = first.checked_add_months(Months::new(1)).unwrap_or(first);
    let spec = AccountingSpec {
        accounts,
        range: (start_of_day(first, zone), start_of_day(next, zone)),
        dialect,
        lang: loc.lang,
        zone,
    };
    let label = first.format("%Y-%m").to_string();
    let file = format!("allegro-accounting-{label}-{}.csv", dialect.as_str());
    let details =
        json!({"month": label, "dialect": dialect.as_str(), "account": picked.map(|a| a.0)});
    let job: ExportJob = Box::new(move |conn, sent| {
        let written = write_accounting(conn, &spec, sent)?;
        let mut details = details;
        details["rows"] = written.rows.into();
        details["completed"] = written.completed.into();
        Ok(details)
    });
    let actor = super::actor(&auth.user, &req);
    let body = blocking_body(state.pool.clone(), actor, "accounting", job);
    Ok(download(ExportFormat::Csv.content_type(), &file, body))
}
