//! `GET /quarantine`: orders set aside because they could not be read or stored, with their
//! error and payload; each is retried on every sync of its account.

use actix_web::HttpResponse;
use chrono::{DateTime, Utc};

use crate::routes::prelude::*;
use crate::{
    auth::Operator,
    db::{self, models::account::AccountRow, models::quarantine},
    domain::Viewer,
    orders::mask_json::{HIDDEN, mask_personal_data},
    web::{filters, ok},
};

pub struct QuarantinedView {
    pub account: String,
    pub checkout_form_id: String,
    pub error: String,
    pub attempts: i32,
    pub first_failed: DateTime<Utc>,
    pub last_failed: DateTime<Utc>,
    /// The payload (masked for a user who must not see personal data), or `None` when it is
    /// withheld: not JSON, so its personal data cannot be masked.
    pub raw: Option<String>,
}

#[derive(Template)]
#[template(path = "quarantine/index.html")]
pub struct QuarantinePage {
    pub page: PageContext,
    pub rows: Vec<QuarantinedView>,
    /// Personal data is masked for this user.
    pub masked: bool,
}

/// Payloads shown on the page are cut at this many characters.
const RAW_SHOWN: usize = 20_000;

pub async fn quarantine_index(
    auth: RequireRole<Operator>,
    page: Page,
    state: actix_web::web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let viewer = auth.viewer.clone();
    let rows = db::run(&state.pool, move |conn| {
        let mut views = vec![];
        for account in AccountRow::list(conn, &viewer.scope)? {
            for row in quarantine::list(conn, account.id)? {
                views.push(QuarantinedView {
                    account: account.login.clone(),
                    checkout_form_id: row.checkout_form_id.map_or("(no id)".into(), |id| id.0),
                    error: error_for(&viewer, row.error),
                    attempts: row.attempts,
                    first_failed: row.first_failed_at,
                    last_failed: row.last_failed_at,
                    raw: payload_for(&viewer, &row.raw),
                });
            }
        }
        Ok::<_, AppError>(views)
    })
    .await?;
    ok(&QuarantinePage {
        page: page.at(Nav::Sync),
        masked: auth.viewer.hide_personal_data,
        rows,
    })
}

/// The payload as `viewer` may see it: pretty-printed when it is JSON (masked when personal
/// data is hidden from them), as received otherwise, or withheld from a masked viewer when it
/// is not JSON (nothing tells its personal data apart).
fn payload_for(viewer: &Viewer, raw: &str) -> Option<String> {
    let text = match serde_json::from_str::<serde_json::Value>(raw) {
        Ok(value) if viewer.hide_personal_data => {
            serde_json::to_string_pretty(&mask_personal_data(&value)).ok()?
        }
        Ok(value) => serde_json::to_string_pretty(&value).unwrap_or_else(|_| raw.to_owned()),
        Err(_) if viewer.hide_personal_data => return None,
        Err(_) => raw.to_owned(),
    };
    Some(cut(text))
}

/// The error as `viewer` may see it: a parser's message quotes the value it choked on, which
/// may be personal data, so quoted text is hidden from a masked viewer.
fn error_for(viewer: &Viewer, error: String) -> String {
    if !viewer.hide_personal_data {
        return error;
    }
    error
        .split('"')
        .enumerate()
        .map(|(i, part)| if i % 2 == 1 { HIDDEN } else { part })
        .collect::<Vec<_>>()
        .join("\"")
}

/// Cuts a huge payload for the page.
fn cut(text: String) -> String {
    match text.char_indices().nth(RAW_SHOWN) {
        Some((cut, _)) => format!("{}\n… (cut)", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Role, UserId};

    fn masked() -> Viewer {
        Viewer {
            hide_personal_data: true,
            ..Viewer::unrestricted(UserId(1), Role::Operator)
        }
    }

    #[test]
    fn a_masked_viewer_gets_masked_json_quoted_errors_hidden_and_no_unreadable_payload() {
        let raw = r#"{"buyer": {"email": "jan@example.pl", "firstName": "Jan"}}"#;
        let shown = payload_for(&masked(), raw).expect("a JSON payload is shown masked");
        assert!(!shown.contains("jan@example.pl") && shown.contains("j***@***.pl"));
        assert_eq!(payload_for(&masked(), "jan@example.pl <not json"), None);
        let plain = Viewer::unrestricted(UserId(1), Role::Admin);
        assert!(
            payload_for(&plain, raw)
                .expect("shown")
                .contains("jan@example.pl")
        );
        assert_eq!(
            error_for(
                &masked(),
                r#"invalid type: string "Jan", expected u64"#.to_owned()
            ),
            r#"invalid type: string "***", expected u64"#
        );
    }
}
