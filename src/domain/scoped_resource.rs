//! The resources a backup reads only when the account's authorisation allows it: an account
//! connected before their scope was asked for skips them (and is told to connect again) while
//! its orders keep syncing.

use super::RunNote;

/// A resource that needs a scope of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScopedResource {
    /// Customer returns.
    Returns,
    /// Payment refunds.
    Refunds,
    /// Billing entries (fees).
    Billing,
    /// Payment operations (wallet history).
    PaymentOperations,
}

impl ScopedResource {
    pub const ALL: [ScopedResource; 4] = [
        Self::Returns,
        Self::Refunds,
        Self::Billing,
        Self::PaymentOperations,
    ];

    /// The name stored (`account_scope_gaps.resource`) and used in page keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Returns => "returns",
            Self::Refunds => "refunds",
            Self::Billing => "billing",
            Self::PaymentOperations => "payment_operations",
        }
    }

    /// What a run that skipped the resource for want of authorisation reports.
    pub fn skipped_note(self) -> RunNote {
        match self {
            Self::Returns => RunNote::ReturnsNeedScope,
            Self::Refunds => RunNote::RefundsNeedScope,
            Self::Billing => RunNote::BillingNeedsScope,
            Self::PaymentOperations => RunNote::PaymentOperationsNeedScope,
        }
    }
}

/// Whether the granted scopes `granted` (space-separated, as the token response gives them)
/// include `needed`. An account whose scopes were never recorded is tried (Allegro's 403
/// tells then).
pub fn scope_granted(granted: Option<&str>, needed: &str) -> bool {
    match granted.map(str::trim).filter(|s| !s.is_empty()) {
        None => true,
        Some(scopes) => scopes.split_whitespace().any(|s| s == needed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_is_granted_only_when_named_exactly() {
        let needed = "allegro:api:payments:read";
        assert!(scope_granted(None, needed));
        assert!(scope_granted(Some(" "), needed));
        assert!(scope_granted(
            Some("allegro:api:orders:read allegro:api:payments:read"),
            needed
        ));
        assert!(!scope_granted(Some("allegro:api:orders:read"), needed));
        assert!(!scope_granted(
            Some("allegro:api:payments:readwrite"),
            needed
        ));
    }
}
