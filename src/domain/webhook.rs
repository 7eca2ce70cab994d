//! Webhooks' values: the event types an endpoint subscribes to, its address (http or https
//! only), and the payload every delivery carries (`{"id", "type", "timestamp", "data"}`).

use std::{fmt, str::FromStr};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

/// Longest endpoint address accepted.
pub const WEBHOOK_URL_MAX_CHARS: usize = 2000;

/// What a delivery reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WebhookEvent {
    OrderCreated,
    OrderUpdated,
    OrderGone,
    /// One of the order's returns, refunds, claims, fees, wallet operations or invoices
    /// stored anew or changed.
    OrderDocumentsChanged,
    SyncFailed,
    AccountNeedsReauth,
    /// Sent from the deliveries page to try an endpoint; nobody subscribes to it.
    Test,
}

impl WebhookEvent {
    /// The events an endpoint may subscribe to, in the order lists show them.
    pub const SUBSCRIBABLE: [WebhookEvent; 6] = [
        WebhookEvent::OrderCreated,
        WebhookEvent::OrderUpdated,
        WebhookEvent::OrderGone,
        WebhookEvent::OrderDocumentsChanged,
        WebhookEvent::SyncFailed,
        WebhookEvent::AccountNeedsReauth,
    ];

    /// The type receivers see (`order.created`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEvent::OrderCreated => "order.created",
            WebhookEvent::OrderUpdated => "order.updated",
            WebhookEvent::OrderGone => "order.gone",
            WebhookEvent::OrderDocumentsChanged => "order.documents_changed",
            WebhookEvent::SyncFailed => "sync.failed",
            WebhookEvent::AccountNeedsReauth => "account.needs_reauth",
            WebhookEvent::Test => "webhook.test",
        }
    }
}

impl fmt::Display for WebhookEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for WebhookEvent {
    type Err = WebhookError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::SUBSCRIBABLE
            .into_iter()
            .find(|e| e.as_str() == s.trim())
            .ok_or_else(|| WebhookError::UnknownEvent(s.trim().to_owned()))
    }
}

/// Why a webhook's address or events were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("the address must be an http:// or https:// URL with a host")]
    BadUrl,
    #[error("the address is longer than {WEBHOOK_URL_MAX_CHARS} characters")]
    UrlTooLong,
    #[error(
        "unknown event {0:?} (known: order.created, order.updated, order.gone, order.documents_changed, sync.failed, account.needs_reauth)"
    )]
    UnknownEvent(String),
    #[error("choose at least one event")]
    NoEvents,
}

impl super::Explain for WebhookError {
    fn message_key(&self) -> &'static str {
        match self {
            WebhookError::BadUrl => "webhook-url-bad",
            WebhookError::UrlTooLong => "webhook-url-too-long",
            WebhookError::UnknownEvent(_) => "webhook-event-unknown",
            WebhookError::NoEvents => "webhook-events-none",
        }
    }

    fn message_count(&self) -> Option<i64> {
        match self {
            WebhookError::UrlTooLong => Some(WEBHOOK_URL_MAX_CHARS as i64),
            _ => None,
        }
    }

    fn message_args(&self) -> Vec<(&'static str, String)> {
        match self {
            WebhookError::UnknownEvent(value) => vec![("value", value.clone())],
            _ => vec![],
        }
    }
}

/// An endpoint's address: an absolute http or https URL with a host and no fragment. Whether
/// the host may be reached (the SSRF guard) is decided when it is resolved, not here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(url::Url);

impl WebhookUrl {
    pub fn parse(value: &str) -> Result<Self, WebhookError> {
        let value = value.trim();
        if value.chars().count() > WEBHOOK_URL_MAX_CHARS {
            return Err(WebhookError::UrlTooLong);
        }
        let url = url::Url::parse(value).map_err(|_| WebhookError::BadUrl)?;
        let scheme_ok = matches!(url.scheme(), "http" | "https");
        if !scheme_ok || url.host().is_none() || url.fragment().is_some() {
            return Err(WebhookError::BadUrl);
        }
        Ok(Self(url))
    }

    pub fn as_url(&self) -> &url::Url {
        &self.0
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// `url` as people are shown it (pages, the banner, the audit log, the CLI): a password in it
/// and the values of its query parameters, where receivers' keys usually travel, become `***`.
/// The stored address is only used to send.
pub fn redacted_url(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return "***".to_owned();
    };
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some("***"));
    }
    if parsed.query().is_some() {
        let keys: Vec<String> = parsed.query_pairs().map(|(k, _)| k.into_owned()).collect();
        if keys.is_empty() {
            parsed.set_query(None);
        } else {
            let masked: Vec<String> = keys.iter().map(|k| format!("{k}=***")).collect();
            parsed.set_query(Some(&masked.join("&")));
        }
    }
    parsed.to_string()
}

/// The events an endpoint subscribes to: at least one, each once, in the canonical order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEvents(Vec<WebhookEvent>);

impl WebhookEvents {
    /// Parses a comma-separated list (`order.created,sync.failed`).
    pub fn parse_list(value: &str) -> Result<Self, WebhookError> {
        Self::from_names(value.split(',').filter(|s| !s.trim().is_empty()))
    }

    /// Parses each name (a form's checked boxes).
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Self, WebhookError> {
        let mut events = names
            .into_iter()
            .map(str::parse)
            .collect::<Result<Vec<WebhookEvent>, _>>()?;
        events.sort();
        events.dedup();
        if events.is_empty() {
            return Err(WebhookError::NoEvents);
        }
        Ok(Self(events))
    }

    pub fn as_slice(&self) -> &[WebhookEvent] {
        &self.0
    }

    /// The names, as stored.
    pub fn names(&self) -> Vec<String> {
        self.0.iter().map(|e| e.as_str().to_owned()).collect()
    }
}

/// What a delivery's body is: `{"id", "type", "timestamp", "data"}`. `data` never carries a
/// buyer's personal data: receivers fetch the order through the API.
#[derive(Debug, Clone, Serialize)]
pub struct WebhookPayload<'a, D: Serialize> {
    pub id: &'a str,
    #[serde(rename = "type")]
    pub kind: &'a str,
    pub timestamp: String,
    pub data: D,
}

impl<'a, D: Serialize> WebhookPayload<'a, D> {
    pub fn new(id: &'a str, event: WebhookEvent, at: DateTime<Utc>, data: D) -> Self {
        Self {
            id,
            kind: event.as_str(),
            timestamp: at.to_rfc3339_opts(SecondsFormat::Millis, true),
            data,
        }
    }

    /// The body as sent (compact JSON).
    pub fn to_body(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// `data` of an order event.
#[derive(Debug, Clone, Serialize)]
pub struct OrderEventData<'a> {
    /// The checkout form's id (the order's id everywhere in the API).
    pub order_id: &'a str,
    pub account_id: String,
    pub account_login: &'a str,
    pub revision: Option<&'a str>,
    /// Which of the order's documents changed (`order.documents_changed` only): `returns`,
    /// `refunds`, `refund-claims`, `billing-entries`, `payment-operations` or `invoices`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<&'a str>,
    /// The change's number in the changes feed (`/api/v1/changes`).
    pub seq: i64,
}

/// `data` of an account event (`sync.failed`, `account.needs_reauth`).
#[derive(Debug, Clone, Serialize)]
pub struct AccountEventData<'a> {
    pub account_id: String,
    pub account_login: &'a str,
    /// The failed run (`sync.failed` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    /// What went wrong, in English.
    pub reason: &'a str,
}

/// A fresh message id (`msg_` and 32 hex digits).
pub fn new_message_id() -> String {
    format!("msg_{}", uuid::Uuid::new_v4().simple())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_must_be_http_or_https_with_a_host() {
        assert!(WebhookUrl::parse("https://erp.example.com/hooks?x=1").is_ok());
        assert!(WebhookUrl::parse(" http://10.0.0.1:8080/h ").is_ok());
        for bad in [
            "ftp://x.example",
            "file:///etc/passwd",
            "https://",
            "hooks",
            "http://a/#f",
        ] {
            assert_eq!(WebhookUrl::parse(bad), Err(WebhookError::BadUrl), "{bad}");
        }
    }

    #[test]
    fn shown_urls_hide_passwords_and_query_values() {
        assert_eq!(
            redacted_url("https://erp:s3cret@erp.example.com/hooks?token=abc&shop=1"),
            "https://erp:***@erp.example.com/hooks?token=***&shop=***"
        );
        assert_eq!(
            redacted_url("https://erp.example.com/hooks"),
            "https://erp.example.com/hooks"
        );
        assert_eq!(redacted_url("not a url"), "***");
    }

    #[test]
    fn event_lists_parse_sorted_once_and_refuse_unknown_names() {
        let events = WebhookEvents::parse_list("sync.failed, order.created,sync.failed").unwrap();
        assert_eq!(events.names(), ["order.created", "sync.failed"]);
        assert!(matches!(
            WebhookEvents::parse_list("order.deleted"),
            Err(WebhookError::UnknownEvent(_))
        ));
        assert_eq!(
            WebhookEvents::parse_list(" , "),
            Err(WebhookError::NoEvents)
        );
        assert!("webhook.test".parse::<WebhookEvent>().is_err());
    }

    #[test]
    fn a_payload_has_id_type_timestamp_and_data() {
        let at = DateTime::parse_from_rfc3339("2026-12-03T08:00:00Z")
            .unwrap()
            .to_utc();
        let body = WebhookPayload::new("msg_1", WebhookEvent::OrderGone, at, 7).to_body();
        assert_eq!(
            body,
            r#"{"id":"msg_1","type":"order.gone","timestamp":"2026-12-03T08:00:00.000Z","data":7}"#
        );
    }
}
