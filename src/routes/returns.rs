//! The returns page (`/returns`, every role): the customer returns of the accounts the viewer
//! may see, newest first (keyset paging), linking to their orders; filters by account, days of
//! the display zone, status, "refund not paid yet" (no payment refund of the order paid out,
//! return not rejected) and "commission refund not claimed" (the return reached the seller and
//! no claim is recorded). An account outside the viewer's scope is a 404; the buyer is masked
//! for a user who must not see personal data.

use serde::Deserialize;

use super::listing_query::{
    ExportLink, account, bad, code, cursor, day_range, export_links, query_string, scoped_accounts,
    ticked,
};
use super::prelude::*;
use crate::{
    auth::AnyUser,
    db::{
        self,
        models::customer_return::list::{self, ReturnFilter},
    },
    domain::{AccountId, customer_return::RETURN_STATUSES},
    orders::documents::ExportResource,
    orders::returns_list::{ReturnListView, return_list_views},
};

const PAGE_SIZE: i64 = 50;

#[derive(Template)]
#[template(path = "returns/results_partial.html")]
pub struct ReturnsResults {
    pub loc: Locale,
    pub rows: Vec<ReturnListView>,
    /// Query string of the next (older) page, if there is one.
    pub next_query: Option<String>,
}

#[derive(Template)]
#[template(path = "returns/index.html")]
pub struct ReturnsPage {
    pub page: PageContext,
    /// The links exporting the documents (NDJSON only when the viewer may take it).
    pub exports: Vec<ExportLink>,
    pub accounts: Vec<(AccountId, String)>,
    pub statuses: Vec<&'static str>,
    pub q: ReturnsQuery,
    pub results: ReturnsResults,
}

/// The page's query, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReturnsQuery {
    pub account: String,
    pub from: String,
    pub to: String,
    pub status: String,
    pub refund_not_paid: String,
    pub commission_not_claimed: String,
    pub before: String,
}

impl ReturnsQuery {
    fn filter(&self, loc: &Locale) -> Result<(ReturnFilter, Option<i64>), AppError> {
        let (from, to) = day_range(&self.from, &self.to, loc)?;
        let status = code(&self.status, loc)?;
        if let Some(s) = status.as_deref().filter(|s| !RETURN_STATUSES.contains(s)) {
            return Err(bad(loc, "returns-bad-status", s));
        }
        let filter = ReturnFilter {
            accounts: vec![],
            from,
            to,
            status,
            refund_not_paid: ticked(&self.refund_not_paid),
            commission_not_claimed: ticked(&self.commission_not_claimed),
        };
        Ok((filter, cursor(&self.before, loc)?))
    }

    fn next(&self, before: i64) -> String {
        let flag = |v: &str| if ticked(v) { "1" } else { "" };
        let before = before.to_string();
        query_string([
            ("account", self.account.as_str()),
            ("from", &self.from),
            ("to", &self.to),
            ("status", &self.status),
            ("refund_not_paid", flag(&self.refund_not_paid)),
            ("commission_not_claimed", flag(&self.commission_not_claimed)),
            ("before", &before),
        ])
    }
}

/// `GET /returns`
pub async fn returns_index(
    req: HttpRequest,
    auth: RequireRole<AnyUser>,
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<ReturnsQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let loc = page.loc();
    let (mut filter, before) = q.filter(&loc)?;
    let picked = account(&q.account, &loc)?;
    let scope = auth.viewer.scope.clone();
    let (accounts, rows) = db::run(&state.pool, move |conn| {
        let (accounts, read) = scoped_accounts(conn, &scope, picked)?;
        filter.accounts = read;
        let rows = list::page(conn, &filter, before, PAGE_SIZE)?;
        Ok::<_, AppError>((accounts, rows))
    })
    .await?;
    let next_query = (rows.len() as i64 == PAGE_SIZE)
        .then(|| rows.last().map(|r| q.next(r.id)))
        .flatten();
    let results = ReturnsResults {
        rows: return_list_views(rows, &accounts, &auth.viewer),
        next_query,
        loc,
    };
    if is_htmx(&req) {
        return ok(&results);
    }
    ok(&ReturnsPage {
        exports: export_links(ExportResource::Returns, &auth.viewer, &q.account, &q.from),
        page: page.at(Nav::Returns),
        accounts,
        statuses: RETURN_STATUSES.to_vec(),
        q,
        results,
    })
}
