//! One attempt of one delivery: a signed POST through a client that connects only to
//! addresses the SSRF guard let through, follows no redirect and uses no proxy.

use std::time::Instant;

use chrono::Utc;

use super::{
    failure::FailureKind,
    guard::{self, GuardError, GuardedResolver},
    signature::SigningSecret,
};
use crate::config::WebhookConfig;

/// How an attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendResult {
    pub status_code: Option<u16>,
    pub duration_ms: u32,
    /// Why it failed; `None` when the receiver answered 2xx.
    pub error: Option<String>,
}

/// Sends deliveries. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Sender {
    client: reqwest::Client,
    allow_private: bool,
}

impl Sender {
    pub fn new(config: &WebhookConfig) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .user_agent(concat!(
                "allegro-backup-webhooks/",
                env!("CARGO_PKG_VERSION")
            ))
            .timeout(config.request_timeout)
            .connect_timeout(config.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(GuardedResolver {
                allow_private: config.allow_private,
            })
            .build()?;
        Ok(Self {
            client,
            allow_private: config.allow_private,
        })
    }

    /// POSTs `body` to `url` signed with `secret` (headers `webhook-id`, `webhook-timestamp`,
    /// `webhook-signature`).
    pub async fn send(
        &self,
        url: &str,
        secret: &SigningSecret,
        message_id: &str,
        body: &str,
    ) -> SendResult {
        let clock = Instant::now();
        let outcome = self.post(url, secret, message_id, body).await;
        let duration_ms = u32::try_from(clock.elapsed().as_millis()).unwrap_or(u32::MAX);
        match outcome {
            Ok(status) if (200..300).contains(&status) => SendResult {
                status_code: Some(status),
                duration_ms,
                error: None,
            },
            Ok(status) => SendResult {
                status_code: Some(status),
                duration_ms,
                error: Some(format!(
                    "{}: the receiver answered HTTP {status}",
                    FailureKind::Status.as_str()
                )),
            },
            Err(error) => SendResult {
                status_code: None,
                duration_ms,
                error: Some(error),
            },
        }
    }

    async fn post(
        &self,
        url: &str,
        secret: &SigningSecret,
        message_id: &str,
        body: &str,
    ) -> Result<u16, String> {
        let parsed =
            url::Url::parse(url).map_err(|e| format!("{}: {e}", FailureKind::Address.as_str()))?;
        // An address written as an IP is not resolved, so the resolver does not see it.
        if let Some(ip) = literal_ip(&parsed) {
            guard::check_addrs(&[std::net::SocketAddr::new(ip, 0)], self.allow_private)
                .map_err(|e| format!("{}: {e}", FailureKind::Blocked.as_str()))?;
        }
        let timestamp = Utc::now().timestamp();
        let response = self
            .client
            .post(parsed)
            .header("content-type", "application/json")
            .header("webhook-id", message_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header(
                "webhook-signature",
                secret.sign(message_id, timestamp, body),
            )
            .body(body.to_owned())
            .send()
            .await
            .map_err(describe)?;
        Ok(response.status().as_u16())
    }
}

fn literal_ip(url: &url::Url) -> Option<std::net::IpAddr> {
    match url.host()? {
        url::Host::Ipv4(ip) => Some(ip.into()),
        url::Host::Ipv6(ip) => Some(ip.into()),
        url::Host::Domain(_) => None,
    }
}

/// The error's kind and its chain in one line (`kind: text`), with the guard's refusal said
/// plainly.
fn describe(error: reqwest::Error) -> String {
    let mut source: Option<&dyn std::error::Error> = Some(&error);
    while let Some(e) = source {
        if let Some(refused) = e.downcast_ref::<GuardError>() {
            return format!("{}: {refused}", FailureKind::Blocked.as_str());
        }
        source = e.source();
    }
    let kind = if error.is_timeout() {
        FailureKind::Timeout
    } else if error.is_connect() {
        FailureKind::Connect
    } else {
        FailureKind::Other
    };
    let mut text = format!("{}: {error}", kind.as_str());
    let mut source = std::error::Error::source(&error);
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}
