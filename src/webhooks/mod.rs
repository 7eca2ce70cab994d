//! Signed webhooks (Standard Webhooks): registering endpoints (the SSRF guard, a fresh
//! signing secret encrypted at rest), and the worker that sends the outbox
//! (`db::models::webhook_delivery`) at least once, in order per order, with retries.

mod failure;
pub mod guard;
mod outcome;
pub mod sender;
pub mod signature;
pub mod worker;

pub use failure::{FailureKind, failure_reason};
pub use guard::GuardError;
pub use signature::SigningSecret;
pub use worker::Worker;

use diesel::PgConnection;

use crate::{
    crypto::TokenCipher,
    db::models::{
        account::AccountRow,
        audit::Actor,
        webhook::{NewWebhook, WebhookRow},
    },
    domain::{
        AccountId, Explain,
        webhook::{WebhookError, WebhookEvents, WebhookUrl},
    },
};

/// Why an endpoint was not registered.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error(transparent)]
    Invalid(#[from] WebhookError),
    #[error("refused: {0}")]
    Refused(#[from] GuardError),
    #[error("no Allegro account with login {0}")]
    UnknownAccount(String),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

impl Explain for GuardError {
    fn message_key(&self) -> &'static str {
        match self {
            GuardError::Internal(_) => "webhook-target-internal",
            GuardError::Unresolved(_) => "webhook-target-unresolved",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, String)> {
        match self {
            GuardError::Internal(ip) => vec![("value", ip.to_string())],
            GuardError::Unresolved(host) => vec![("value", host.clone())],
        }
    }
}

/// An endpoint to register, parsed.
#[derive(Debug, Clone)]
pub struct Registration {
    pub url: WebhookUrl,
    pub events: WebhookEvents,
    /// The Allegro login of the only account whose events it takes.
    pub account: Option<String>,
}

impl Registration {
    /// Refuses an address that resolves to an internal one (unless `allow_private`).
    pub async fn check_target(&self, allow_private: bool) -> Result<(), GuardError> {
        guard::check_url(&self.url, allow_private).await
    }

    /// Stores the endpoint with a fresh secret (encrypted), audit-logged; returns it and the
    /// secret, to be shown once. Call [`Registration::check_target`] first.
    pub fn create(
        &self,
        conn: &mut PgConnection,
        cipher: &TokenCipher,
        actor: &Actor,
    ) -> Result<(WebhookRow, SigningSecret), RegisterError> {
        let account_id = match &self.account {
            Some(login) => Some(account_by_login(conn, login)?),
            None => None,
        };
        let secret = SigningSecret::generate();
        let new = NewWebhook {
            url: self.url.as_str(),
            events: self.events.names(),
            account_id,
        };
        let seal = |id| cipher.encrypt(secret.expose(), &WebhookRow::secret_context(id));
        let row = WebhookRow::create(conn, &new, seal, actor)?;
        Ok((row, secret))
    }
}

fn account_by_login(conn: &mut PgConnection, login: &str) -> Result<AccountId, RegisterError> {
    AccountRow::logins(conn)?
        .into_iter()
        .find(|(_, l)| l.eq_ignore_ascii_case(login.trim()))
        .map(|(id, _)| id)
        .ok_or_else(|| RegisterError::UnknownAccount(login.trim().to_owned()))
}
