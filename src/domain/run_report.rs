//! What a sync run tells people, as data: the step it is in while it runs, what it reports
//! when it ends, and why it failed. Stored with the run (`sync_runs.phase`, `.summary`) and
//! written in the reader's language by the pages; the English `Display` is what the CLI, the
//! logs and the run's `notes` column carry.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

/// The step a running sync is in, in the order a run goes through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunPhase {
    /// Listing and storing orders (the first backup's pass, a full resync, a re-listing).
    Orders,
    /// Following Allegro's event journal.
    Events,
    /// Counting each day's orders on Allegro against the backup.
    Coverage,
    /// Reading the tracking numbers of shipped orders.
    Shipments,
    /// Listing and re-reading the customer returns.
    Returns,
    /// Listing and re-reading the payment refunds.
    Refunds,
    /// Listing the billing entries (fees) of each marketplace and, side by side, the payment
    /// operations of both wallets.
    FeesAndWallet,
    /// Listing the commission refund claims.
    RefundClaims,
    /// Reading the invoices of orders.
    Invoices,
}

impl RunPhase {
    pub const ALL: [RunPhase; 9] = [
        Self::Orders,
        Self::Events,
        Self::Coverage,
        Self::Shipments,
        Self::Returns,
        Self::Refunds,
        Self::FeesAndWallet,
        Self::RefundClaims,
        Self::Invoices,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Orders => "orders",
            Self::Events => "events",
            Self::Coverage => "coverage",
            Self::Shipments => "shipments",
            Self::Returns => "returns",
            Self::Refunds => "refunds",
            Self::FeesAndWallet => "fees_and_wallet",
            Self::RefundClaims => "refund_claims",
            Self::Invoices => "invoices",
        }
    }

    /// The step `text` names; the fees' and the wallet's own steps of replicas before
    /// migration 36 (during a rolling upgrade) are the step they share now.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "billing" | "payment_operations" => Some(Self::FeesAndWallet),
            _ => Self::ALL.into_iter().find(|p| p.as_str() == text),
        }
    }
}

/// One thing a finished run reports, besides its counters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "note", rename_all = "snake_case")]
pub enum RunNote {
    /// A reconcile found the first backup unfinished and finished it first.
    FirstBackupFinishedFirst,
    /// The event cursor was older than Allegro's journal keeps: the orders bought since
    /// `since` were listed again and the journal is followed from its newest event.
    EventCursorExpired { since: DateTime<Utc> },
    /// A reconcile listed the last `days` days again.
    Relisted { days: u32 },
    /// A reconcile fetched the older open orders again one by one.
    OpenOrdersFetched { open: u64, gone: u64 },
    /// A reconcile listed the `listed_days` days holding the older open orders again and
    /// fetched the `fetched` of them the listing did not show.
    OpenOrdersRelisted {
        listed_days: i64,
        open: u64,
        fetched: u64,
        gone: u64,
    },
    /// A reconcile verified the coverage grid and listed the mismatched days again.
    CoverageHealed {
        verified: u64,
        mismatched: u64,
        still_mismatched: u64,
    },
    /// The days of the fees checked against what Allegro lists (per marketplace: `verified`
    /// day checks), those that differed read again.
    FeesCoverageChecked {
        verified: u64,
        mismatched: u64,
        still_mismatched: u64,
    },
    /// The days of the available wallet checked against Allegro's counts, those that differed
    /// read again.
    WalletCoverageChecked {
        verified: u64,
        mismatched: u64,
        still_mismatched: u64,
    },
    /// The first backup ended here and its days were verified against Allegro's counts.
    FirstBackupVerified { verified: u64, mismatched: u64 },
    /// The customer returns were not read: the account's authorisation does not allow it (an
    /// account connected before the scope was asked for). Orders were backed up as usual.
    ReturnsNeedScope,
    /// The payment refunds were not read: the account's authorisation does not allow it.
    /// Orders were backed up as usual.
    RefundsNeedScope,
    /// The billing entries (fees) were not read: the account's authorisation does not allow
    /// it. Orders were backed up as usual.
    BillingNeedsScope,
    /// The payment operations (wallet history) were not read: the account's authorisation
    /// does not allow it. Orders were backed up as usual.
    PaymentOperationsNeedScope,
}

impl std::fmt::Display for RunNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::FirstBackupFinishedFirst => {
                f.write_str("The first backup was not complete: completed it first.")
            }
            Self::EventCursorExpired { since } => write!(
                f,
                "The event cursor had expired; re-listed orders bought since {} and restarted \
                 from the newest event.",
                since.to_rfc3339_opts(SecondsFormat::Secs, true)
            ),
            Self::Relisted { days } => write!(f, "Reconcile: re-listed the last {days} days."),
            Self::OpenOrdersFetched { open, gone } => write!(
                f,
                "Older open orders re-fetched: {open} ({gone} no longer on Allegro)."
            ),
            Self::OpenOrdersRelisted {
                listed_days,
                open,
                fetched,
                gone,
            } => write!(
                f,
                "Re-listed the {listed_days} days holding {open} older open orders and fetched \
                 {fetched} of them the listing did not show ({gone} no longer on Allegro)."
            ),
            Self::CoverageHealed {
                verified,
                mismatched,
                still_mismatched,
            } => write!(
                f,
                "Coverage: {verified} days verified, {mismatched} mismatched and re-listed, \
                 {still_mismatched} still mismatched."
            ),
            Self::FeesCoverageChecked {
                verified,
                mismatched,
                still_mismatched,
            } => write!(
                f,
                "Fees coverage: {verified} days verified, {mismatched} mismatched and re-listed, \
                 {still_mismatched} still mismatched."
            ),
            Self::WalletCoverageChecked {
                verified,
                mismatched,
                still_mismatched,
            } => write!(
                f,
                "Wallet coverage: {verified} days verified, {mismatched} mismatched and \
                 re-listed, {still_mismatched} still mismatched."
            ),
            Self::FirstBackupVerified {
                verified,
                mismatched,
            } => write!(
                f,
                "First backup complete; coverage: {verified} days verified, {mismatched} \
                 mismatched."
            ),
            Self::ReturnsNeedScope => f.write_str(
                "Customer returns were not backed up: the account's authorisation does not \
                 allow reading them; connect the account again.",
            ),
            Self::RefundsNeedScope => f.write_str(
                "Payment refunds were not backed up: the account's authorisation does not \
                 allow reading them; connect the account again.",
            ),
            Self::BillingNeedsScope => f.write_str(
                "Fees (billing entries) were not backed up: the account's authorisation does \
                 not allow reading them; connect the account again.",
            ),
            Self::PaymentOperationsNeedScope => f.write_str(
                "Payment operations (wallet history) were not backed up: the account's \
                 authorisation does not allow reading them; connect the account again.",
            ),
        }
    }
}

/// Why a run did not succeed, as a reader is told (the run's `error` keeps the details).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunProblem {
    /// The process stopped (a restart, a deploy); the next run resumes.
    Interrupted,
    /// The account is disconnected or needs connecting again.
    AccountUnavailable,
    /// Allegro no longer accepts the account's authorisation.
    NeedsReauthorisation,
    /// Allegro's rate limit held the run up for too long.
    RateLimited,
    /// Allegro failed (5xx), timed out or could not be reached.
    AllegroUnavailable,
    /// Allegro refused a request or answered something unreadable.
    AllegroRejected,
    /// The database could not be reached or was lost; the next run resumes.
    DatabaseUnavailable,
    /// The database refused a write or a query.
    DatabaseFailed,
    /// Anything else (another process took the account over, …).
    Other,
}

/// What a finished run reports: its notes and, when it did not succeed, why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunReport {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<RunNote>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<RunProblem>,
}

impl RunReport {
    /// The notes in English, one sentence after another (`None` without notes).
    pub fn notes_text(&self) -> Option<String> {
        (!self.notes.is_empty()).then(|| {
            self.notes
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" ")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_reads_back_and_the_old_money_steps_are_the_shared_one() {
        for phase in RunPhase::ALL {
            assert_eq!(RunPhase::parse(phase.as_str()), Some(phase));
        }
        assert_eq!(RunPhase::parse("billing"), Some(RunPhase::FeesAndWallet));
        assert_eq!(
            RunPhase::parse("payment_operations"),
            Some(RunPhase::FeesAndWallet)
        );
        assert_eq!(RunPhase::parse("nothing"), None);
    }

    #[test]
    fn a_report_survives_its_json() {
        let report = RunReport {
            notes: vec![
                RunNote::Relisted { days: 14 },
                RunNote::OpenOrdersFetched { open: 3, gone: 1 },
                RunNote::CoverageHealed {
                    verified: 365,
                    mismatched: 1,
                    still_mismatched: 0,
                },
            ],
            problem: Some(RunProblem::RateLimited),
        };
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["notes"][0]["note"], "relisted");
        assert_eq!(json["problem"], "rate_limited");
        assert_eq!(serde_json::from_value::<RunReport>(json).unwrap(), report);
        assert_eq!(
            report.notes_text().unwrap(),
            "Reconcile: re-listed the last 14 days. Older open orders re-fetched: 3 (1 no longer \
             on Allegro). Coverage: 365 days verified, 1 mismatched and re-listed, 0 still \
             mismatched."
        );
    }

    #[test]
    fn phases_are_read_back_from_their_names() {
        for phase in RunPhase::ALL {
            assert_eq!(RunPhase::parse(phase.as_str()), Some(phase));
        }
        assert_eq!(RunPhase::parse("nope"), None);
    }
}
