//! The coverage page of one account (everyone): per day of the backed-up history, whether what
//! Allegro lists for that day and what is backed up agree, for the orders, the fees and the
//! available wallet's operations, each in its own grid.

mod grid;

use chrono::Utc;

use self::grid::{CoverageGrid, GridDay};
use crate::routes::prelude::*;
use crate::{
    auth::AnyUser,
    db::{
        self,
        models::{
            account::AccountRow,
            coverage::{CoverageDay, backfill_from},
            money_coverage::{MoneyCoverageDay, MoneyResource},
        },
    },
    domain::{AccountId, Role},
    sync::{SyncOptions, coverage::history_days},
    web::{filters, ok},
};

/// One resource's grid with its heading.
pub struct GridSection {
    /// Starts the ids of the section's parts (none for the orders, the page's first grid).
    pub prefix: &'static str,
    /// Message keys of the heading and the explanation.
    pub heading: &'static str,
    pub intro: &'static str,
    pub grid: CoverageGrid,
}

#[derive(Template)]
#[template(path = "coverage/index.html")]
pub struct CoveragePage {
    pub page: PageContext,
    pub account_id: AccountId,
    pub login: String,
    pub can_reconcile: bool,
    pub sections: Vec<GridSection>,
}

fn sections(
    days: &[chrono::NaiveDate],
    orders: Vec<CoverageDay>,
    money: Vec<MoneyCoverageDay>,
    loc: &Locale,
) -> Vec<GridSection> {
    let orders = orders.into_iter().map(GridDay::from).collect();
    vec![
        GridSection {
            prefix: "",
            heading: "coverage-orders",
            intro: "coverage-intro",
            grid: CoverageGrid::build(days, orders, loc),
        },
        GridSection {
            prefix: "fees-",
            heading: "coverage-fees",
            intro: "coverage-fees-intro",
            grid: CoverageGrid::build(
                days,
                grid::money_days(money.clone(), MoneyResource::Fees),
                loc,
            ),
        },
        GridSection {
            prefix: "wallet-",
            heading: "coverage-wallet",
            intro: "coverage-wallet-intro",
            grid: CoverageGrid::build(days, grid::money_days(money, MoneyResource::Wallet), loc),
        },
    ]
}

/// `GET /accounts/{id}/coverage`
pub async fn account_coverage(
    auth: RequireRole<AnyUser>,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<AccountId>,
) -> Result<HttpResponse, AppError> {
    let (id, scope) = (path.into_inner(), auth.viewer.scope.clone());
    let loc = page.loc();
    let (account, days, orders, money) = db::run(&state.pool, move |conn| {
        let account = AccountRow::find_in(conn, &scope, id)?.ok_or(AppError::NotFound)?;
        let history = SyncOptions::default().history;
        let days = history_days(backfill_from(conn, id)?, history, Utc::now());
        let from = days.first().copied().unwrap_or_default();
        let orders = CoverageDay::since(conn, id, from)?;
        let money = MoneyCoverageDay::since(conn, id, from)?;
        Ok::<_, AppError>((account, days, orders, money))
    })
    .await?;
    ok(&CoveragePage {
        can_reconcile: auth.user.role.includes(Role::Operator),
        page: page.at(Nav::Accounts),
        account_id: account.id,
        login: account.login,
        sections: sections(&days, orders, money, &loc),
    })
}
