//! Allegro's codes for an order's invoices (`GET /order/checkout-forms/{id}/invoices`), as its
//! API sends them: what the simulator generates and what the backup re-reads until settled
//! (allegro-api-money.md §7).

/// `orderMode`.
pub const ORDER_MODES: [&str; 2] = ["REGULAR", "UKRAINE_EXPORT"];

/// `file.securityVerification.status`: Allegro's scan of the uploaded PDF.
pub const SECURITY_VERIFICATION_STATUSES: [&str; 3] = ["WAITING", "ACCEPTED", "REJECTED"];

/// `file.verification.status`: `NOT_APPLICABLE` in `REGULAR` mode, the others in
/// `UKRAINE_EXPORT` mode.
pub const VERIFICATION_STATUSES: [&str; 5] = [
    "NOT_APPLICABLE",
    "WAITING",
    "ACCEPTED",
    "ACCEPTED_WITH_WARNINGS",
    "REJECTED",
];

/// The status of a check still running (either check).
pub const WAITING: &str = "WAITING";

/// How long after it was paid an order's invoices are read again whatever they show
/// (§7: a seller may still attach one, or a correction).
pub const INVOICES_REREAD_DAYS: i64 = 60;

/// Whether one invoice may still change: it has no file yet (`has_file` false), or a check of
/// its file is still `WAITING`. A file whose scan status is missing or unreadable is read again
/// too: re-reading costs a request, missing the verdict would lose it.
pub fn is_pending(
    has_file: bool,
    security_status: Option<&str>,
    verification_status: Option<&str>,
) -> bool {
    !has_file
        || security_status.is_none_or(|s| s == WAITING)
        || verification_status == Some(WAITING)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invoice_is_pending_without_a_file_or_while_a_check_waits() {
        assert!(is_pending(false, None, None));
        assert!(is_pending(false, Some("ACCEPTED"), Some("NOT_APPLICABLE")));
        assert!(is_pending(true, Some("WAITING"), Some("NOT_APPLICABLE")));
        assert!(is_pending(true, None, None), "no scan verdict read");
        assert!(is_pending(true, Some("ACCEPTED"), Some("WAITING")));
        for settled in ["ACCEPTED", "REJECTED"] {
            assert!(!is_pending(true, Some(settled), Some("NOT_APPLICABLE")));
            assert!(!is_pending(true, Some(settled), None));
        }
        assert!(SECURITY_VERIFICATION_STATUSES.contains(&WAITING));
        assert!(VERIFICATION_STATUSES.contains(&WAITING));
    }
}
