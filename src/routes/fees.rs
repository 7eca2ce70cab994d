//! The fees page (`/fees`, every role): Allegro's billing entries of the accounts the viewer
//! may see, summed per day, type, marketplace or account and currency, and listed newest first
//! (keyset paging); filters by account, days of the display zone, marketplace, type, and "no
//! order" (listing fees, campaigns: the account's costs that belong to no sale). An account
//! outside the viewer's scope is a 404, as everywhere. Fees hold no buyer data: nothing to mask.

use serde::Deserialize;

use super::prelude::*;
use crate::{
    auth::AnyUser,
    db::{
        self,
        models::billing_entry::{self, FeeFilter, FeeGroup},
    },
    domain::AccountId,
    orders::documents::ExportResource,
    orders::fees::{FeeEntryView, FeeSummaryRow, entry_views, summary_rows},
};

use super::listing_query::{
    ExportLink, account, bad, code, cursor, day_range, export_links, previous_month, query_string,
    scoped_accounts, ticked,
};

const PAGE_SIZE: i64 = 100;

#[derive(Template)]
#[template(path = "fees/results_partial.html")]
pub struct FeesResults {
    pub loc: Locale,
    pub group: &'static str,
    /// The group's name, heading the summary's first column.
    pub group_label: String,
    pub summary: Vec<FeeSummaryRow>,
    pub entries: Vec<FeeEntryView>,
    /// Query string of the next (older) page of entries, if there is one.
    pub next_query: Option<String>,
    /// The query string of this view, for the "no order" shortcut.
    pub without_order_query: String,
}

#[derive(Template)]
#[template(path = "fees/index.html")]
pub struct FeesPage {
    pub page: PageContext,
    /// The links exporting the documents (NDJSON only when the viewer may take it).
    pub exports: Vec<ExportLink>,
    /// The month the accounting form offers (`YYYY-MM`): the one before this.
    pub last_month: String,
    pub accounts: Vec<(AccountId, String)>,
    pub marketplaces: Vec<String>,
    /// `(code, name)` of every type held.
    pub types: Vec<(String, String)>,
    /// `(value, name)` of each way to sum.
    pub groups: Vec<(&'static str, String)>,
    pub q: FeesQuery,
    pub results: FeesResults,
}

/// The page's query, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FeesQuery {
    pub account: String,
    pub from: String,
    pub to: String,
    pub marketplace: String,
    #[serde(rename = "type")]
    pub type_id: String,
    pub without_order: String,
    pub group: String,
    pub before: String,
}

impl FeesQuery {
    /// The filter without its accounts (the viewer's scope or the one picked fills them in).
    fn filter(&self, loc: &Locale) -> Result<(FeeFilter, FeeGroup, Option<i64>), AppError> {
        let (from, to) = day_range(&self.from, &self.to, loc)?;
        let group = match self.group.trim() {
            "" => FeeGroup::Day,
            g => FeeGroup::parse(g).ok_or_else(|| bad(loc, "fees-bad-group", g))?,
        };
        let filter = FeeFilter {
            accounts: vec![],
            from,
            to,
            marketplace: code(&self.marketplace, loc)?,
            type_id: code(&self.type_id, loc)?,
            without_order: ticked(&self.without_order),
        };
        Ok((filter, group, cursor(&self.before, loc)?))
    }

    /// This query's string, with `before` set to `before` (or left out).
    fn query_string(&self, before: Option<i64>, without_order: bool) -> String {
        let before = before.map(|b| b.to_string()).unwrap_or_default();
        query_string([
            ("account", self.account.as_str()),
            ("from", &self.from),
            ("to", &self.to),
            ("marketplace", &self.marketplace),
            ("type", &self.type_id),
            ("group", &self.group),
            ("without_order", if without_order { "1" } else { "" }),
            ("before", &before),
        ])
    }
}

fn group_label(group: FeeGroup, loc: &Locale) -> String {
    loc.t(&format!("fees-group-{}", group.as_str()))
}

/// `GET /fees`
pub async fn fees_index(
    req: HttpRequest,
    auth: RequireRole<AnyUser>,
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<FeesQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let loc = page.loc();
    let (mut filter, group, before) = q.filter(&loc)?;
    let picked = account(&q.account, &loc)?;
    let scope = auth.viewer.scope.clone();
    let data = db::run(&state.pool, move |conn| {
        let (accounts, read) = scoped_accounts(conn, &scope, picked)?;
        let all: Vec<AccountId> = accounts.iter().map(|(id, _)| *id).collect();
        filter.accounts = read;
        let summary = billing_entry::fee_summary(conn, &filter, group, loc.zone)?;
        let entries = billing_entry::fee_entries(conn, &filter, before, PAGE_SIZE)?;
        let choices = billing_entry::fee_choices(conn, &all)?;
        Ok::<_, AppError>((accounts, summary, entries, choices))
    })
    .await?;
    let (accounts, summary, entries, choices) = data;
    let without_order = q.query_string(None, true);
    let next_query = (entries.len() as i64 == PAGE_SIZE)
        .then(|| entries.last().map(|e| e.id))
        .flatten()
        .map(|last| q.query_string(Some(last), !q.without_order.trim().is_empty()));
    let results = FeesResults {
        group: group.as_str(),
        group_label: group_label(group, &loc),
        summary: summary_rows(summary, group, &accounts, &loc),
        entries: entry_views(entries, &accounts, &loc),
        next_query,
        without_order_query: without_order,
        loc,
    };
    if is_htmx(&req) {
        return ok(&results);
    }
    ok(&FeesPage {
        last_month: previous_month(&loc).format("%Y-%m").to_string(),
        exports: export_links(
            ExportResource::BillingEntries,
            &auth.viewer,
            &q.account,
            &q.from,
        ),
        page: page.at(Nav::Fees),
        accounts,
        marketplaces: choices.marketplaces,
        types: choices
            .types
            .into_iter()
            .map(|(code, name)| {
                let shown = results.loc.known_code_name("fee-type", &code).or(name);
                (code.clone(), shown.unwrap_or(code))
            })
            .collect(),
        groups: FeeGroup::ALL
            .iter()
            .map(|g| (g.as_str(), group_label(*g, &results.loc)))
            .collect(),
        q,
        results,
    })
}
