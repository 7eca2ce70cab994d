//! `AllegroError`: every way a call to Allegro can fail, plus the helpers that read Allegro's two
//! error body shapes and keep tokens out of messages.

use std::time::Duration;

use serde::Deserialize;

/// Longest body excerpt kept in [`AllegroError::InvalidResponse`].
pub const SNIPPET_MAX_CHARS: usize = 300;

/// A failed call to Allegro (OAuth or REST API). Retries have already happened when a caller sees
/// one of these: the request pipeline is the only place that retries.
#[derive(Debug, thiserror::Error)]
pub enum AllegroError {
    /// Allegro rejected the access token (401) again after one refresh and retry.
    #[error("Allegro rejected the access token even after a refresh (HTTP 401)")]
    Unauthorized,
    /// The refresh token is invalid, used or expired: the account needs re-authorisation.
    #[error(
        "Allegro no longer accepts this account's refresh token (access revoked by the seller, \
         or the token expired or was used up): connect the account again"
    )]
    InvalidGrant,
    /// Allegro kept answering 429; the client id is paused for `retry_after`.
    #[error("Allegro rate limit reached (HTTP 429); retry after {} s", .retry_after.as_secs())]
    RateLimited { retry_after: Duration },
    /// Allegro answered 5xx on every attempt.
    #[error("Allegro server error (HTTP {status})")]
    Server { status: u16 },
    /// Every attempt timed out.
    #[error("request to Allegro timed out")]
    Timeout,
    /// Every attempt failed to connect or lost the connection.
    #[error("cannot reach Allegro: {0}")]
    Network(#[source] reqwest::Error),
    /// 404: the resource is unknown, too old, or merged into another checkout form.
    #[error("not found on Allegro")]
    NotFound,
    /// Any other 4xx: the request was wrong; retrying will not help.
    #[error("Allegro rejected the request (HTTP {status}{}): {message}", .code.as_deref().map(|c| format!(", {c}")).unwrap_or_default())]
    Client {
        status: u16,
        /// `errors[0].code` or the OAuth `error`.
        code: Option<String>,
        /// `errors[0].userMessage` (else `message`) or the OAuth `error_description`, tokens
        /// redacted.
        message: String,
    },
    /// A body that does not parse (truncated, HTML, unexpected shape).
    #[error("unreadable response from Allegro (HTTP {status}): {snippet}")]
    InvalidResponse {
        status: u16,
        /// At most [`SNIPPET_MAX_CHARS`] characters of the body, tokens redacted.
        snippet: String,
    },
    /// The settings cannot make a client (bad base URL, TLS setup).
    #[error("invalid Allegro client settings: {0}")]
    Config(String),
    /// Anything else. A `TokenSource`'s own failures (its store) are not tunnelled through here:
    /// they travel in the source's error type.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// The error code of a payment operations query matching too many operations.
pub const TOO_MANY_OPERATIONS: &str = "TooManyOperationsException";

impl AllegroError {
    /// Whether the account behind the call has to be authorised again by a person.
    pub fn needs_reauthorisation(&self) -> bool {
        matches!(self, Self::InvalidGrant | Self::Unauthorized)
    }

    /// An answer the sync reads as part of the protocol, not as a failure: a 404 of a
    /// per-order lookup (no invoice, a checkout form gone) or a listing refusing a window too
    /// full to page (`TooManyOperationsException`), which the sync splits. Logged at debug.
    pub fn is_routine(&self) -> bool {
        match self {
            Self::NotFound => true,
            Self::Client { code, .. } => code.as_deref() == Some(TOO_MANY_OPERATIONS),
            _ => false,
        }
    }

    pub(crate) fn invalid_response(status: u16, body: &[u8]) -> Self {
        Self::InvalidResponse {
            status,
            snippet: snippet(body),
        }
    }
}

/// The first [`SNIPPET_MAX_CHARS`] characters of a body, lossily decoded, tokens redacted.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let cut: String = text.chars().take(SNIPPET_MAX_CHARS).collect();
    redact(&cut)
}

/// `(code, message)` from either error shape: REST `{"errors":[{code, message, userMessage}]}`
/// or OAuth `{"error", "error_description"}`. `None` when the body is neither.
pub(crate) fn error_details(body: &[u8]) -> Option<(Option<String>, String)> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct RestError {
        code: Option<String>,
        message: Option<String>,
        user_message: Option<String>,
    }
    #[derive(Deserialize)]
    struct Body {
        errors: Option<Vec<RestError>>,
        error: Option<String>,
        error_description: Option<String>,
    }
    let body: Body = serde_json::from_slice(body).ok()?;
    if let Some(first) = body.errors.and_then(|e| e.into_iter().next()) {
        let message = first
            .user_message
            .filter(|m| !m.is_empty())
            .or(first.message)
            .unwrap_or_default();
        return Some((first.code, redact(&message)));
    }
    let error = body.error?;
    let message = body.error_description.unwrap_or_else(|| error.clone());
    Some((Some(error), redact(&message)))
}

/// Replaces anything that looks like a token (a run of 32+ base64url/JWT characters that is not
/// a UUID) with `[redacted]`. Allegro echoes tokens in some error descriptions ("Access token
/// expired: eyJ...", "Invalid refresh token: ...").
pub(crate) fn redact(text: &str) -> String {
    const MIN_TOKEN_CHARS: usize = 32;
    let is_token_char =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '/' | '=');
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= MIN_TOKEN_CHARS && uuid::Uuid::try_parse(run).is_err() {
            out.push_str("[redacted]");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if is_token_char(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rest_error_body_surfaces_the_user_message() {
        let body = br#"{"errors":[{"code":"VALIDATION_ERROR","message":"Offset too big","details":null,"path":null,"userMessage":"Za duzo"}]}"#;
        assert_eq!(
            error_details(body),
            Some((Some("VALIDATION_ERROR".into()), "Za duzo".into()))
        );
    }

    #[test]
    fn a_rest_error_without_user_message_falls_back_to_message() {
        let body = br#"{"errors":[{"code":"VALIDATION_ERROR","message":"Offset too big","userMessage":null}]}"#;
        assert_eq!(
            error_details(body),
            Some((Some("VALIDATION_ERROR".into()), "Offset too big".into()))
        );
    }

    #[test]
    fn an_oauth_error_body_is_understood() {
        let body = br#"{"error":"invalid_grant","error_description":"Invalid refresh token: eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3ODQ5OTk5OTl9.c2lnbmF0dXJl"}"#;
        assert_eq!(
            error_details(body),
            Some((
                Some("invalid_grant".into()),
                "Invalid refresh token: [redacted]".into()
            ))
        );
    }

    #[test]
    fn redaction_keeps_uuids_and_short_words() {
        let text = "Checkout form 29738e61-7f6a-11e8-ac45-09db60ede9d6 not found";
        assert_eq!(redact(text), text);
    }

    #[test]
    fn snippets_are_capped_at_300_characters() {
        let body = "x ".repeat(400);
        assert_eq!(snippet(body.as_bytes()).chars().count(), SNIPPET_MAX_CHARS);
    }
}
