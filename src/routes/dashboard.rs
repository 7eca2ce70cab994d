//! The dashboard.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::{
    auth::{AnyUser, RequireRole},
    db::{self, models::account::AccountRow},
    error::AppError,
    state::AppState,
    web::{
        ok,
        page::{Nav, PageContext},
    },
};

#[derive(Template)]
#[template(path = "dashboard/index.html")]
pub struct DashboardPage {
    pub page: PageContext,
    pub accounts: usize,
}

/// `GET /`
pub async fn dashboard(
    auth: RequireRole<AnyUser>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let accounts = db::run(&state.pool, |conn| {
        AccountRow::list(conn).map_err(AppError::from)
    })
    .await?;
    ok(&DashboardPage {
        page: auth.page.at(Nav::Dashboard),
        accounts: accounts.len(),
    })
}
