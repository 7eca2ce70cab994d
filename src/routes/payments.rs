//! The Payments page (`/payments`, every role): the wallet history of the accounts the viewer
//! may see, newest first (keyset paging): buyers' payments in, refunds out, payouts and the
//! rest, each linking to its order when the backup holds it; filters by account, days of the
//! display zone, wallet and operation type. `?payout=<id>` shows one payout and the operations
//! it carries (inferred: Allegro does not say). An account outside the viewer's scope is a
//! 404, and so is a payout of none of the viewer's accounts; the participant is masked for a
//! user who must not see personal data.

use serde::Deserialize;

use super::listing_query::{
    ExportLink, account, bad, code, cursor, day_range, export_links, query_string, scoped_accounts,
};
use super::prelude::*;
use crate::{
    auth::AnyUser,
    db::{
        self,
        models::payment_operation::list::{self, OperationFilter},
    },
    domain::{
        AccountId,
        wallet::{OPERATION_TYPES, WALLET_TYPES},
    },
    orders::documents::ExportResource,
    orders::payments_list::{OperationView, operation_views},
};

const PAGE_SIZE: i64 = 50;

#[derive(Template)]
#[template(path = "payments/results_partial.html")]
pub struct PaymentsResults {
    pub loc: Locale,
    pub rows: Vec<OperationView>,
    /// The payout whose operations `rows` are, when one was asked for.
    pub payout: Option<OperationView>,
    /// Query string of the next (older) page, if there is one.
    pub next_query: Option<String>,
}

#[derive(Template)]
#[template(path = "payments/index.html")]
pub struct PaymentsPage {
    pub page: PageContext,
    /// The links exporting the documents (NDJSON only when the viewer may take it).
    pub exports: Vec<ExportLink>,
    pub accounts: Vec<(AccountId, String)>,
    pub wallets: Vec<&'static str>,
    pub kinds: Vec<&'static str>,
    pub q: PaymentsQuery,
    pub results: PaymentsResults,
}

/// The page's query, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PaymentsQuery {
    pub account: String,
    pub from: String,
    pub to: String,
    pub wallet: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub payout: String,
    pub before: String,
}

impl PaymentsQuery {
    fn filter(&self, loc: &Locale) -> Result<(OperationFilter, Option<i64>), AppError> {
        let (from, to) = day_range(&self.from, &self.to, loc)?;
        let wallet = code(&self.wallet, loc)?;
        if let Some(w) = wallet.as_deref().filter(|w| !WALLET_TYPES.contains(w)) {
            return Err(bad(loc, "payments-bad-wallet", w));
        }
        let filter = OperationFilter {
            accounts: vec![],
            from,
            to,
            wallet,
            kind: code(&self.kind, loc)?,
        };
        Ok((filter, cursor(&self.before, loc)?))
    }

    fn next(&self, before: i64) -> String {
        let before = before.to_string();
        query_string([
            ("account", self.account.as_str()),
            ("from", &self.from),
            ("to", &self.to),
            ("wallet", &self.wallet),
            ("type", &self.kind),
            ("before", &before),
        ])
    }
}

/// `GET /payments`
pub async fn payments_index(
    req: HttpRequest,
    auth: RequireRole<AnyUser>,
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<PaymentsQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let loc = page.loc();
    let (mut filter, before) = q.filter(&loc)?;
    let picked = account(&q.account, &loc)?;
    let payout_id = code(&q.payout, &loc)?;
    let scope = auth.viewer.scope.clone();
    let (accounts, rows, payout) = db::run(&state.pool, move |conn| {
        let (accounts, read) = scoped_accounts(conn, &scope, picked)?;
        if let Some(id) = payout_id {
            let (payout, carried) =
                list::carried_by_payout(conn, &read, &id)?.ok_or(AppError::NotFound)?;
            return Ok::<_, AppError>((accounts, carried, Some(payout)));
        }
        filter.accounts = read;
        let rows = list::page(conn, &filter, before, PAGE_SIZE)?;
        Ok((accounts, rows, None))
    })
    .await?;
    let next_query = (payout.is_none() && rows.len() as i64 == PAGE_SIZE)
        .then(|| rows.last().map(|r| q.next(r.op.id)))
        .flatten();
    let viewer = &auth.viewer;
    let results = PaymentsResults {
        rows: operation_views(rows, &accounts, viewer, &loc),
        payout: operation_views(payout.into_iter().collect(), &accounts, viewer, &loc).pop(),
        next_query,
        loc,
    };
    if is_htmx(&req) {
        return ok(&results);
    }
    ok(&PaymentsPage {
        exports: export_links(
            ExportResource::PaymentOperations,
            &auth.viewer,
            &q.account,
            &q.from,
        ),
        page: page.at(Nav::Payments),
        accounts,
        wallets: WALLET_TYPES.to_vec(),
        kinds: OPERATION_TYPES.to_vec(),
        q,
        results,
    })
}
