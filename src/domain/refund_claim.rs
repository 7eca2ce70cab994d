//! Allegro's codes for a commission refund claim ("rabat transakcyjny",
//! `GET /order/refund-claims`), as its API sends them: what the simulator generates and what
//! the backup re-reads until final.

/// `status`: where the claim stands (allegro-api-money.md §4.3).
pub const REFUND_CLAIM_STATUSES: [&str; 7] = [
    "IN_PROGRESS",
    "WAITING_FOR_PAYMENT_REFUND",
    "APPEALED",
    "GRANTED",
    "REJECTED",
    "REJECTED_AFTER_APPEAL",
    "CANCELLED",
];

/// Statuses a claim does not leave. `REJECTED` is not among them, although the reference calls
/// it final: the seller may still appeal, and the claim then moves on to `APPEALED` (§4.3).
pub const FINAL_REFUND_CLAIM_STATUSES: [&str; 3] =
    ["GRANTED", "REJECTED_AFTER_APPEAL", "CANCELLED"];

/// `type`: who filed the claim, the seller (`MANUAL`) or Allegro (`AUTOMATIC`).
pub const REFUND_CLAIM_TYPES: [&str; 2] = ["MANUAL", "AUTOMATIC"];

/// Whether a claim in `status` can no longer change. An unknown or missing status is not
/// final: re-reading it costs a request, missing its change would lose history.
pub fn is_final(status: Option<&str>) -> bool {
    status.is_some_and(|s| FINAL_REFUND_CLAIM_STATUSES.contains(&s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejected_claim_is_read_again_for_its_appeal() {
        for s in FINAL_REFUND_CLAIM_STATUSES {
            assert!(is_final(Some(s)), "{s}");
            assert!(REFUND_CLAIM_STATUSES.contains(&s), "{s}");
        }
        for s in [
            "IN_PROGRESS",
            "WAITING_FOR_PAYMENT_REFUND",
            "APPEALED",
            "REJECTED",
        ] {
            assert!(!is_final(Some(s)), "{s}");
        }
        assert!(!is_final(Some("SOMETHING_NEW")));
        assert!(!is_final(None));
    }
}
