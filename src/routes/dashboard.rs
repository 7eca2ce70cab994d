//! The dashboard and the areas that later releases fill in.

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

/// An honest placeholder for an area that is not built yet.
#[derive(Template)]
#[template(path = "coming_soon.html")]
pub struct ComingSoonPage {
    pub page: PageContext,
    pub title: &'static str,
    pub description: &'static str,
}

/// `GET /orders`
pub async fn orders_coming_soon(auth: RequireRole<AnyUser>) -> Result<HttpResponse, AppError> {
    ok(&ComingSoonPage {
        page: auth.page.at(Nav::Orders),
        title: "Orders",
        description: "Browse, filter, search and export every backed-up Allegro order. This area arrives once the backup engine stores orders.",
    })
}
