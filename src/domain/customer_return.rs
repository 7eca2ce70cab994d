//! Allegro's codes for a customer return (`GET /order/customer-returns`), as its API sends
//! them: what the simulator generates, what the backup re-reads until final and what the pages
//! name (`locales/*/codes.ftl`: `return-status-*`, `return-reason-*`, `return-rejection-*`).

/// `status`: the return's current place on its timeline (allegro-api-money.md §2.3).
pub const RETURN_STATUSES: [&str; 11] = [
    "CREATED",
    "DISPATCHED",
    "IN_TRANSIT",
    "DELIVERED",
    "WAREHOUSE_DELIVERED",
    "WAREHOUSE_VERIFICATION",
    "FINISHED",
    "FINISHED_APT",
    "REJECTED",
    "COMMISSION_REFUND_CLAIMED",
    "COMMISSION_REFUNDED",
];

/// Statuses after which a return no longer changes. Not documented by Allegro; assumed as the
/// reference says (§2.3): `FINISHED` is not among them, a commission claim may still follow.
pub const FINAL_RETURN_STATUSES: [&str; 3] = ["REJECTED", "FINISHED_APT", "COMMISSION_REFUNDED"];

/// `items[].reason.type`.
pub const RETURN_REASONS: [&str; 17] = [
    "NONE",
    "MISTAKE",
    "TRANSPORT",
    "DAMAGED",
    "NOT_AS_DESCRIBED",
    "DONT_LIKE_IT",
    "OVERDUE_DELIVERY",
    "INCOMPLETE",
    "HIDDEN_FLAW",
    "OTHER_FLAW",
    "DIFFERENT",
    "COUNTERFEIT",
    "NOT_NEW",
    "TOO_LARGE",
    "TOO_SMALL",
    "NOT_AS_EXPECTED",
    "ORDERED_FOR_COMPARISON",
];

/// `rejection.code`: why the seller refused the refund.
pub const REJECTION_CODES: [&str; 7] = [
    "REFUND_REJECTED",
    "NEW_ITEM_SENT",
    "ITEM_FIXED",
    "MISSING_PART_SENT",
    "ITEM_MISMATCH",
    "BUSINESS_PURCHASE",
    "NO_RETURN_RIGHT",
];

/// Whether a return in `status` can still change. An unknown or missing status is not final:
/// re-reading it costs a request, missing its change would lose history.
pub fn is_final(status: Option<&str>) -> bool {
    status.is_some_and(|s| FINAL_RETURN_STATUSES.contains(&s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_three_assumed_statuses_are_final() {
        assert!(is_final(Some("REJECTED")));
        assert!(is_final(Some("COMMISSION_REFUNDED")));
        assert!(!is_final(Some("FINISHED")));
        assert!(!is_final(Some("SOMETHING_NEW")));
        assert!(!is_final(None));
        assert!(
            FINAL_RETURN_STATUSES
                .iter()
                .all(|s| RETURN_STATUSES.contains(s))
        );
    }
}
