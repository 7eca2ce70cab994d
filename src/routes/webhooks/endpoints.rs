//! `/webhooks`: every endpoint, the form that adds one, removing and enabling.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use secrecy::ExposeSecret;
use serde::Deserialize;

use crate::routes::prelude::*;
use crate::{
    auth::Admin,
    crypto::TokenCipher,
    db::{
        self,
        models::{account::AccountRow, webhook::WebhookRow},
    },
    domain::{
        WebhookId,
        webhook::{WebhookEvent, WebhookEvents, WebhookUrl},
    },
    i18n,
    web::render,
    webhooks::{RegisterError, Registration},
};

use super::{super::actor, done};

/// An endpoint as the list shows it (never its secret).
pub struct WebhookView {
    pub id: WebhookId,
    pub url: String,
    pub events: Vec<String>,
    /// Empty: every account.
    pub account: String,
    pub created_at: DateTime<Utc>,
    pub disabled: bool,
    pub failing_since: Option<DateTime<Utc>>,
}

/// What the add form sent: the address, the account (empty: all) and one checkbox per event,
/// named after it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct WebhookForm {
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub account: String,
    #[serde(rename = "order.created")]
    order_created: Option<String>,
    #[serde(rename = "order.updated")]
    order_updated: Option<String>,
    #[serde(rename = "order.gone")]
    order_gone: Option<String>,
    #[serde(rename = "order.documents_changed")]
    order_documents_changed: Option<String>,
    #[serde(rename = "sync.failed")]
    sync_failed: Option<String>,
    #[serde(rename = "account.needs_reauth")]
    account_needs_reauth: Option<String>,
}

impl WebhookForm {
    /// The events ticked, as their names.
    fn ticked(&self) -> Vec<&'static str> {
        let boxes = [
            &self.order_created,
            &self.order_updated,
            &self.order_gone,
            &self.order_documents_changed,
            &self.sync_failed,
            &self.account_needs_reauth,
        ];
        WebhookEvent::SUBSCRIBABLE
            .into_iter()
            .zip(boxes)
            .filter(|(_, ticked)| ticked.is_some())
            .map(|(event, _)| event.as_str())
            .collect()
    }

    /// Whether the form shows `event` ticked (all of them on an empty form).
    pub fn is_ticked(&self, event: &&str) -> bool {
        self.url.is_empty() || self.ticked().contains(event)
    }

    fn parse(&self) -> Result<Registration, Vec<String>> {
        let lang = i18n::current_lang();
        let url = WebhookUrl::parse(&self.url);
        let events = WebhookEvents::from_names(self.ticked());
        match (url, events) {
            (Ok(url), Ok(events)) => Ok(Registration {
                url,
                events,
                account: Some(self.account.trim().to_owned()).filter(|a| !a.is_empty()),
            }),
            (url, events) => Err([url.err(), events.err()]
                .into_iter()
                .flatten()
                .map(|e| i18n::explain(lang, &e))
                .collect()),
        }
    }
}

#[derive(Template)]
#[template(path = "webhooks/index.html")]
pub struct WebhooksPage {
    pub page: PageContext,
    pub webhooks: Vec<WebhookView>,
    pub logins: Vec<String>,
    pub event_names: Vec<&'static str>,
    pub form: WebhookForm,
    pub errors: Vec<String>,
    /// The endpoint just added and its secret: shown on this answer only.
    pub fresh: Option<(WebhookId, String)>,
}

/// `GET /webhooks` (admins).
pub async fn webhooks_index(
    _auth: RequireRole<Admin>,
    page: Page,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    webhooks_page(
        &state,
        page,
        StatusCode::OK,
        WebhookForm::default(),
        vec![],
        None,
    )
    .await
}

async fn webhooks_page(
    state: &AppState,
    page: Page,
    status: StatusCode,
    form: WebhookForm,
    errors: Vec<String>,
    fresh: Option<(WebhookId, String)>,
) -> Result<HttpResponse, AppError> {
    let (listed, logins) = db::run(&state.pool, |conn| {
        Ok::<_, AppError>((WebhookRow::list(conn)?, AccountRow::logins(conn)?))
    })
    .await?;
    let webhooks = listed
        .into_iter()
        .map(|l| WebhookView {
            url: l.webhook.shown_url(),
            events: l.webhook.events().into_iter().map(str::to_owned).collect(),
            account: l.account_login.unwrap_or_default(),
            id: l.webhook.id,
            disabled: l.webhook.disabled_at.is_some(),
            failing_since: l.webhook.failing_since,
            created_at: l.webhook.created_at,
        })
        .collect();
    let mut logins: Vec<String> = logins.into_iter().map(|(_, login)| login).collect();
    logins.sort();
    render(
        status,
        &WebhooksPage {
            page: page.at(Nav::Webhooks),
            webhooks,
            logins,
            event_names: WebhookEvent::SUBSCRIBABLE
                .map(WebhookEvent::as_str)
                .to_vec(),
            form,
            errors,
            fresh,
        },
    )
}

/// `POST /webhooks` (admins): registers an endpoint and shows its secret once.
pub async fn webhook_create(
    req: HttpRequest,
    auth: RequireRole<Admin>,
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<WebhookForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let outcome = match register(&req, &auth, &state, &form).await? {
        Ok(fresh) => (
            StatusCode::CREATED,
            WebhookForm::default(),
            vec![],
            Some(fresh),
        ),
        Err(errors) => (StatusCode::BAD_REQUEST, form, errors, None),
    };
    let (status, form, errors, fresh) = outcome;
    webhooks_page(&state, page, status, form, errors, fresh).await
}

/// Parses, checks and stores the form's endpoint: its id and secret, or why not (in the
/// reader's language).
async fn register(
    req: &HttpRequest,
    auth: &RequireRole<Admin>,
    state: &AppState,
    form: &WebhookForm,
) -> Result<Result<(WebhookId, String), Vec<String>>, AppError> {
    let lang = i18n::current_lang();
    let registration = match form.parse() {
        Ok(registration) => registration,
        Err(errors) => return Ok(Err(errors)),
    };
    if let Err(err) = registration
        .check_target(state.config.webhooks.allow_private)
        .await
    {
        return Ok(Err(vec![i18n::explain(lang, &err)]));
    }
    let actor = actor(&auth.user, req);
    let cipher = TokenCipher::new(&state.config.secret_key);
    let created = db::run(&state.pool, move |conn| {
        Ok::<_, AppError>(registration.create(conn, &cipher, &actor))
    })
    .await?;
    match created {
        Ok((row, secret)) => Ok(Ok((row.id, secret.expose().expose_secret().to_owned()))),
        Err(RegisterError::UnknownAccount(login)) => Ok(Err(vec![
            i18n::Message::new(lang, "webhook-account-unknown")
                .arg("value", login)
                .to_string(),
        ])),
        Err(err) => Err(AppError::unexpected(err)),
    }
}

/// `POST /webhooks/{id}/remove` (admins).
pub async fn webhook_remove(
    req: HttpRequest,
    auth: RequireRole<Admin>,
    state: web::Data<AppState>,
    id: web::Path<WebhookId>,
) -> Result<HttpResponse, AppError> {
    let (id, actor) = (id.into_inner(), actor(&auth.user, &req));
    let removed = db::run(&state.pool, move |conn| {
        WebhookRow::remove(conn, id, &actor).map_err(AppError::from)
    })
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(done(
        &auth,
        "webhooks-removed",
        &[("url", removed.shown_url())],
        "/webhooks",
    ))
}

/// `POST /webhooks/{id}/enable` (admins): sends again to an endpoint disabled for failing.
pub async fn webhook_enable(
    req: HttpRequest,
    auth: RequireRole<Admin>,
    state: web::Data<AppState>,
    id: web::Path<WebhookId>,
) -> Result<HttpResponse, AppError> {
    let (id, actor) = (id.into_inner(), actor(&auth.user, &req));
    let enabled = db::run(&state.pool, move |conn| {
        WebhookRow::enable(conn, id, &actor).map_err(AppError::from)
    })
    .await?;
    if !enabled {
        return Err(AppError::NotFound);
    }
    Ok(done(&auth, "webhooks-enabled", &[], "/webhooks"))
}
