//! The audit log page (admins): newest first, filter by action and actor, keyset paging.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::{
    auth::{Admin, RequireRole},
    db::{
        self,
        models::audit::{AuditAction, AuditEntry, AuditFilter},
    },
    error::AppError,
    state::AppState,
    web::{
        filters,
        htmx::is_htmx,
        ok,
        page::{Nav, Page, PageContext},
    },
};

const PAGE_SIZE: i64 = 50;

pub struct AuditRow {
    pub when: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub ip: String,
    pub details: String,
}

impl From<AuditEntry> for AuditRow {
    fn from(e: AuditEntry) -> Self {
        let details = match &e.details {
            serde_json::Value::Object(map) if map.is_empty() => String::new(),
            other => other.to_string(),
        };
        Self {
            when: e.occurred_at,
            actor: e.actor_email.unwrap_or_else(|| "—".to_owned()),
            action: e.action.replace('_', " "),
            target: e.target.unwrap_or_default(),
            ip: e.ip.unwrap_or_default(),
            details,
        }
    }
}

#[derive(Template)]
#[template(path = "audit/results_partial.html")]
pub struct AuditResultsPartial {
    pub rows: Vec<AuditRow>,
    /// Query string of the next (older) page, if there is one.
    pub next_query: Option<String>,
}

#[derive(Template)]
#[template(path = "audit/index.html")]
pub struct AuditPage {
    pub page: PageContext,
    pub actions: Vec<(&'static str, String)>,
    pub action: String,
    pub actor: String,
    pub results: AuditResultsPartial,
}

#[derive(Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    action: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    before: String,
}

impl AuditQuery {
    fn filter(&self) -> Result<AuditFilter, AppError> {
        let action = match self.action.trim() {
            "" => None,
            a => Some(
                AuditAction::parse(a)
                    .ok_or_else(|| AppError::BadRequest(format!("Unknown action “{a}”.")))?,
            ),
        };
        let before =
            match self.before.trim() {
                "" => None,
                b => Some(b.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                    AppError::BadRequest("The page cursor is not valid.".to_owned())
                })?),
            };
        let actor = Some(self.actor.trim().to_owned()).filter(|a| !a.is_empty());
        if actor.as_ref().is_some_and(|a| a.chars().count() > 254) {
            return Err(AppError::BadRequest(
                "The actor filter is too long.".to_owned(),
            ));
        }
        if actor
            .as_ref()
            .is_some_and(|a| a.chars().any(char::is_control))
        {
            return Err(AppError::BadRequest(
                "The actor filter cannot contain control characters.".to_owned(),
            ));
        }
        Ok(AuditFilter {
            action,
            actor,
            before,
        })
    }
}

/// `GET /audit`
pub async fn audit_index(
    req: HttpRequest,
    _admin: RequireRole<Admin>,
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let filter = query.filter()?;
    let entries = {
        let filter = filter.clone();
        db::run(&state.pool, move |conn| {
            AuditEntry::page(conn, &filter, PAGE_SIZE).map_err(AppError::from)
        })
        .await?
    };
    let next_query = (entries.len() as i64 == PAGE_SIZE)
        .then(|| entries.last().map(|e| e.id))
        .flatten()
        .map(|last| {
            url::form_urlencoded::Serializer::new(String::new())
                .append_pair("action", query.action.trim())
                .append_pair("actor", query.actor.trim())
                .append_pair("before", &last.to_string())
                .finish()
        });
    let results = AuditResultsPartial {
        rows: entries.into_iter().map(AuditRow::from).collect(),
        next_query,
    };
    if is_htmx(&req) {
        return ok(&results);
    }
    ok(&AuditPage {
        page: page.at(Nav::Audit),
        actions: AuditAction::ALL
            .iter()
            .map(|a| (a.as_str(), a.as_str().replace('_', " ")))
            .collect(),
        action: query.action.trim().to_owned(),
        actor: query.actor.trim().to_owned(),
        results,
    })
}
