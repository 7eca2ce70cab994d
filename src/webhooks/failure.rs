//! Why a delivery attempt failed, as stored (`kind: details`, the details in English for the
//! log and the tooltip) and as a person is told (a message in their language per kind).

/// The kinds of failure a delivery attempt records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The receiver did not answer in time.
    Timeout,
    /// No connection (refused, unreachable, TLS).
    Connect,
    /// The receiver answered a status other than 2xx.
    Status,
    /// The SSRF guard refused the address the host resolved to.
    Blocked,
    /// The endpoint's address cannot be parsed.
    Address,
    Other,
}

impl FailureKind {
    const ALL: [FailureKind; 6] = [
        Self::Timeout,
        Self::Connect,
        Self::Status,
        Self::Blocked,
        Self::Address,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Timeout => "timeout",
            Self::Connect => "connect",
            Self::Status => "status",
            Self::Blocked => "blocked",
            Self::Address => "address",
            Self::Other => "other",
        }
    }

    /// The message (`locales/*/webhooks.ftl`) that says it to a person.
    pub fn message_key(self) -> &'static str {
        match self {
            Self::Timeout => "webhooks-failure-timeout",
            Self::Connect => "webhooks-failure-connect",
            Self::Status => "webhooks-failure-status",
            Self::Blocked => "webhooks-failure-blocked",
            Self::Address => "webhooks-failure-address",
            Self::Other => "webhooks-failure-other",
        }
    }
}

/// A stored failure read back: its kind (text without a known kind is `Other`) and details.
pub fn failure_reason(stored: &str) -> (FailureKind, &str) {
    stored
        .split_once(": ")
        .and_then(|(kind, details)| {
            FailureKind::ALL
                .into_iter()
                .find(|k| k.as_str() == kind)
                .map(|k| (k, details))
        })
        .unwrap_or((FailureKind::Other, stored))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_failures_read_back_with_their_kind() {
        assert_eq!(
            failure_reason("timeout: operation timed out"),
            (FailureKind::Timeout, "operation timed out")
        );
        assert_eq!(
            failure_reason("blocked: 10.0.0.1 is internal"),
            (FailureKind::Blocked, "10.0.0.1 is internal")
        );
        assert_eq!(
            failure_reason("error sending request: x"),
            (FailureKind::Other, "error sending request: x")
        );
    }
}
