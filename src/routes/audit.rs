//! The audit log page (admins): newest first, filter by action and actor, keyset paging.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::prelude::*;
use crate::{
    auth::Admin,
    db::{
        self,
        models::audit::{AuditAction, AuditEntry, AuditFilter},
    },
    domain::Role,
    i18n,
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

impl AuditRow {
    fn new(e: AuditEntry, loc: &Locale) -> Self {
        Self {
            when: e.occurred_at,
            actor: e.actor_email.unwrap_or_else(|| "—".to_owned()),
            details: details_sentence(&e.action, &e.details, loc),
            action: e.action,
            target: e.target.unwrap_or_default(),
            ip: e.ip.unwrap_or_default(),
        }
    }
}

/// An entry's details as a sentence (`audit-detail-<action>`, filled from the details'
/// fields); empty when the action has nothing more to say.
fn details_sentence(action: &str, details: &Value, loc: &Locale) -> String {
    let key = format!("audit-detail-{action}");
    let Some(fields) = details.as_object().filter(|f| !f.is_empty()) else {
        return String::new();
    };
    if !i18n::has_key(loc.lang, &key) {
        return String::new();
    }
    let mut message = loc.msg_owned(key);
    for (name, value) in fields {
        message = match value {
            Value::Number(n) => message.number(name.clone(), n.as_i64().unwrap_or_default()),
            Value::Bool(b) => message.named_arg(name.clone(), loc.t(if *b { "yes" } else { "no" })),
            Value::String(text) => message.named_arg(name.clone(), detail_value(text, loc)),
            Value::Null => message.named_arg(name.clone(), "—".to_owned()),
            Value::Array(items) => message
                .number(format!("{name}_count"), items.len() as i64)
                .named_arg(name.clone(), plain_list(value)),
            Value::Object(map) => message
                .number(format!("{name}_count"), map.len() as i64)
                .named_arg(name.clone(), plain_list(value)),
        };
    }
    message.to_string()
}

/// A detail's text: a role by its name in the reader's language, anything else as it is.
fn detail_value(text: &str, loc: &Locale) -> String {
    match text.parse::<Role>() {
        Ok(role) => loc.t(role.message_key()),
        Err(_) => text.to_owned(),
    }
}

/// A list or map of details as plain text: `a, b` or `field: old → new, …`.
fn plain_list(value: &Value) -> String {
    let item = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Array(pair) if pair.len() == 2 => {
            format!("{} → {}", plain_list(&pair[0]), plain_list(&pair[1]))
        }
        other => other.to_string(),
    };
    match value {
        Value::Array(items) => items.iter().map(item).collect::<Vec<_>>().join(", "),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{k}: {}", item(v)))
            .collect::<Vec<_>>()
            .join(", "),
        other => item(other),
    }
}

#[derive(Template)]
#[template(path = "audit/results_partial.html")]
pub struct AuditResultsPartial {
    pub loc: Locale,
    pub rows: Vec<AuditRow>,
    /// Query string of the next (older) page, if there is one.
    pub next_query: Option<String>,
}

#[derive(Template)]
#[template(path = "audit/index.html")]
pub struct AuditPage {
    pub page: PageContext,
    /// Every action's code (named by `code_name("audit", …)`).
    pub actions: Vec<&'static str>,
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
        let lang = i18n::current_lang();
        let bad = |message: i18n::Message| AppError::BadRequest(message.to_string());
        let action = match self.action.trim() {
            "" => None,
            a => Some(AuditAction::parse(a).ok_or_else(|| {
                bad(i18n::Message::new(lang, "audit-unknown-action").arg("value", a))
            })?),
        };
        let before = match self.before.trim() {
            "" => None,
            b => Some(
                b.parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| bad(i18n::Message::new(lang, "audit-bad-cursor")))?,
            ),
        };
        let actor = Some(self.actor.trim().to_owned()).filter(|a| !a.is_empty());
        if actor.as_ref().is_some_and(|a| a.chars().count() > 254) {
            return Err(bad(i18n::Message::new(lang, "audit-actor-too-long")));
        }
        if actor
            .as_ref()
            .is_some_and(|a| a.chars().any(char::is_control))
        {
            return Err(bad(i18n::Message::new(lang, "audit-actor-control")));
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
    let loc = page.loc();
    let results = AuditResultsPartial {
        rows: entries
            .into_iter()
            .map(|e| AuditRow::new(e, &loc))
            .collect(),
        loc,
        next_query,
    };
    if is_htmx(&req) {
        return ok(&results);
    }
    ok(&AuditPage {
        page: page.at(Nav::Audit),
        actions: AuditAction::ALL.iter().map(|a| a.as_str()).collect(),
        action: query.action.trim().to_owned(),
        actor: query.actor.trim().to_owned(),
        results,
    })
}
