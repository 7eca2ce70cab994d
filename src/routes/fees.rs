//! The fees page (`/fees`, every role): Allegro's billing entries of the accounts the viewer
//! may see, summed per day, type, marketplace or account and currency, and listed newest first
//! (keyset paging); filters by account, days of the display zone, marketplace, type, and "no
//! order" (listing fees, campaigns: the account's costs that belong to no sale). An account
//! outside the viewer's scope is a 404, as everywhere. Fees hold no buyer data: nothing to mask.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{Days, NaiveDate, Utc};
use serde::Deserialize;

use crate::{
    auth::{AnyUser, RequireRole},
    db::{
        self,
        models::{
            account::AccountRow,
            billing_entry::{self, FeeFilter, FeeGroup},
        },
    },
    domain::{AccountId, settings::local_day},
    error::AppError,
    i18n::{self, Locale},
    orders::{
        fees::{FeeEntryView, FeeSummaryRow, entry_views, summary_rows},
        filter::start_of_day,
    },
    state::AppState,
    web::{
        filters,
        htmx::is_htmx,
        ok,
        page::{Nav, Page, PageContext},
    },
};

const PAGE_SIZE: i64 = 100;
/// Days shown when none are picked.
const DEFAULT_DAYS: u64 = 30;

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

fn bad(loc: &Locale, key: &'static str, value: &str) -> AppError {
    AppError::BadRequest(
        i18n::Message::new(loc.lang, key)
            .arg("value", value)
            .to_string(),
    )
}

fn text(value: &str) -> Option<String> {
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

impl FeesQuery {
    fn day(&self, value: &str, default: NaiveDate, loc: &Locale) -> Result<NaiveDate, AppError> {
        match value.trim() {
            "" => Ok(default),
            v => NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| bad(loc, "fees-bad-day", v)),
        }
    }

    /// The filter without its accounts (the viewer's scope or the one picked fills them in).
    fn filter(&self, loc: &Locale) -> Result<(FeeFilter, FeeGroup, Option<i64>), AppError> {
        let today = local_day(Utc::now(), loc.zone);
        let to = self.day(&self.to, today, loc)?;
        let from = self.day(&self.from, to - Days::new(DEFAULT_DAYS - 1), loc)?;
        if from > to {
            return Err(bad(loc, "fees-bad-range", self.from.trim()));
        }
        let group = match self.group.trim() {
            "" => FeeGroup::Day,
            g => FeeGroup::parse(g).ok_or_else(|| bad(loc, "fees-bad-group", g))?,
        };
        let before = match self.before.trim() {
            "" => None,
            b => Some(
                b.parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| bad(loc, "fees-bad-cursor", b))?,
            ),
        };
        let filter = FeeFilter {
            accounts: vec![],
            from: start_of_day(from, loc.zone),
            to: start_of_day(to + Days::new(1), loc.zone),
            marketplace: text(&self.marketplace),
            type_id: text(&self.type_id),
            without_order: matches!(self.without_order.trim(), "1" | "on" | "true"),
        };
        Ok((filter, group, before))
    }

    fn account(&self, loc: &Locale) -> Result<Option<AccountId>, AppError> {
        match self.account.trim() {
            "" => Ok(None),
            a => a
                .parse()
                .map(Some)
                .map_err(|_| bad(loc, "fees-bad-account", a)),
        }
    }

    /// This query's string, with `before` set to `before` (or left out).
    fn query_string(&self, before: Option<i64>, without_order: bool) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("account", &self.account),
            ("from", &self.from),
            ("to", &self.to),
            ("marketplace", &self.marketplace),
            ("type", &self.type_id),
            ("group", &self.group),
        ] {
            if !value.trim().is_empty() {
                q.append_pair(name, value.trim());
            }
        }
        if without_order {
            q.append_pair("without_order", "1");
        }
        if let Some(before) = before {
            q.append_pair("before", &before.to_string());
        }
        q.finish()
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
    let picked = q.account(&loc)?;
    let scope = auth.viewer.scope.clone();
    let data = db::run(&state.pool, move |conn| {
        let accounts: Vec<(AccountId, String)> = AccountRow::list(conn, &scope)?
            .into_iter()
            .map(|a| (a.id, a.login))
            .collect();
        let all: Vec<AccountId> = accounts.iter().map(|(id, _)| *id).collect();
        filter.accounts = match picked {
            Some(id) if all.contains(&id) => vec![id],
            Some(_) => return Err(AppError::NotFound),
            None => all.clone(),
        };
        let summary = billing_entry::fee_summary(conn, &filter, group, loc.zone)?;
        let entries = billing_entry::fee_entries(conn, &filter, before, PAGE_SIZE)?;
        let choices = billing_entry::fee_choices(conn, &all)?;
        Ok::<_, AppError>((accounts, summary, entries, choices))
    })
    .await?;
    let (accounts, summary, entries, (marketplaces, types)) = data;
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
        page: page.at(Nav::Fees),
        accounts,
        marketplaces,
        types: types
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
