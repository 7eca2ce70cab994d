//! The dashboard and the areas that later releases fill in.

use actix_web::HttpResponse;
use askama::Template;

use crate::{
    auth::{AnyUser, RequireRole},
    error::AppError,
    web::{
        ok,
        page::{Nav, PageContext},
    },
};

#[derive(Template)]
#[template(path = "dashboard/index.html")]
pub struct DashboardPage {
    pub page: PageContext,
}

/// `GET /`
pub async fn dashboard(auth: RequireRole<AnyUser>) -> Result<HttpResponse, AppError> {
    ok(&DashboardPage {
        page: auth.page.at(Nav::Dashboard),
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

/// `GET /accounts`
pub async fn accounts_coming_soon(auth: RequireRole<AnyUser>) -> Result<HttpResponse, AppError> {
    ok(&ComingSoonPage {
        page: auth.page.at(Nav::Accounts),
        title: "Allegro accounts",
        description: "Connect Allegro seller accounts with the device-code flow and watch their tokens. This area arrives with the Allegro connection.",
    })
}

/// `GET /sync`
pub async fn sync_coming_soon(auth: RequireRole<AnyUser>) -> Result<HttpResponse, AppError> {
    ok(&ComingSoonPage {
        page: auth.page.at(Nav::Sync),
        title: "Sync history",
        description: "Every backup run with its progress, counters and errors. This area arrives with the backup engine.",
    })
}
