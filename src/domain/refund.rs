//! Allegro's codes for a payment refund (`GET /payments/refunds`), as its API sends them: what
//! the simulator generates, what the backup re-reads until final and what the pages name
//! (`locales/*/refunds.ftl`: `refund-status-*`, `refund-reason-*`).

/// `status`: where the refund stands (allegro-api-money.md §3).
pub const REFUND_STATUSES: [&str; 7] = [
    "NEW",
    "VALIDATED",
    "IN_PROGRESS",
    "SUCCESS",
    "PARTIAL",
    "CANCELED",
    "VALIDATE_FAILED",
];

/// Statuses a refund does not leave: the others are read again until they reach one.
pub const FINAL_REFUND_STATUSES: [&str; 4] = ["SUCCESS", "PARTIAL", "CANCELED", "VALIDATE_FAILED"];

/// Statuses of a refund whose money went back to the buyer.
pub const PAID_OUT_REFUND_STATUSES: [&str; 2] = ["SUCCESS", "PARTIAL"];

/// The values the list's `status` filter accepts. `WAITING` never appears as a refund's
/// status: it selects those not executed yet (`NEW`, `VALIDATED`; assumed, §3).
pub const REFUND_STATUS_FILTERS: [&str; 5] =
    ["WAITING", "IN_PROGRESS", "SUCCESS", "CANCELED", "PARTIAL"];

/// `reason`.
pub const REFUND_REASONS: [&str; 7] = [
    "REFUND",
    "COMPLAINT",
    "PRODUCT_NOT_AVAILABLE",
    "PAID_VALUE_TOO_LOW",
    "OVERPAID",
    "CANCELLED_BY_BUYER",
    "NOT_COLLECTED",
];

/// Whether a refund in `status` (or of no readable status) may still change.
pub fn is_open(status: Option<&str>) -> bool {
    status.is_none_or(|s| !FINAL_REFUND_STATUSES.contains(&s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_waiting_side_statuses_are_open() {
        for s in ["NEW", "VALIDATED", "IN_PROGRESS"] {
            assert!(is_open(Some(s)), "{s}");
        }
        for s in FINAL_REFUND_STATUSES {
            assert!(!is_open(Some(s)), "{s}");
        }
        assert!(is_open(None));
        assert!(REFUND_STATUSES.iter().filter(|s| is_open(Some(s))).count() == 3);
    }
}
