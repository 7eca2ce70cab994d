//! `GET /quarantine`: orders set aside because they could not be read or stored, with their
//! error and payload; each is retried on every sync of its account.

use actix_web::HttpResponse;
use askama::Template;

use crate::{
    auth::{Operator, RequireRole},
    db::{self, models::account::AccountRow, models::quarantine},
    error::AppError,
    state::AppState,
    web::{
        format_time, ok,
        page::{Nav, PageContext},
    },
};

pub struct QuarantinedView {
    pub account: String,
    pub checkout_form_id: String,
    pub error: String,
    pub attempts: i32,
    pub first_failed: String,
    pub last_failed: String,
    pub raw: String,
}

#[derive(Template)]
#[template(path = "quarantine/index.html")]
pub struct QuarantinePage {
    pub page: PageContext,
    pub rows: Vec<QuarantinedView>,
}

/// Payloads shown on the page are cut at this many characters.
const RAW_SHOWN: usize = 20_000;

pub async fn quarantine_index(
    auth: RequireRole<Operator>,
    state: actix_web::web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let rows = db::run(&state.pool, |conn| {
        let mut views = vec![];
        for account in AccountRow::list(conn)? {
            for row in quarantine::list(conn, account.id)? {
                views.push(QuarantinedView {
                    account: account.login.clone(),
                    checkout_form_id: row.checkout_form_id.unwrap_or_else(|| "(no id)".into()),
                    error: row.error,
                    attempts: row.attempts,
                    first_failed: format_time(&row.first_failed_at),
                    last_failed: format_time(&row.last_failed_at),
                    raw: pretty(&row.raw),
                });
            }
        }
        Ok::<_, AppError>(views)
    })
    .await?;
    ok(&QuarantinePage {
        page: auth.page.at(Nav::Sync),
        rows,
    })
}

/// Pretty-printed when the payload is JSON, as received otherwise; cut when huge.
fn pretty(raw: &str) -> String {
    let text = serde_json::from_str::<serde_json::Value>(raw)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| raw.to_owned());
    match text.char_indices().nth(RAW_SHOWN) {
        Some((cut, _)) => format!("{}\n… (cut)", &text[..cut]),
        None => text,
    }
}
