//! A sync run as people read it: its progress named by the step it is in, its report in
//! plain sentences of the reader's language (the English details stay one click away).

use chrono::{DateTime, Utc};

use crate::{
    db::models::sync::{RunCounters, SyncRun},
    domain::{AccountId, RunId, RunNote, RunPhase, RunProblem},
    i18n::{Locale, Message},
};

/// How far a running run is, in the step it is in.
pub struct RunProgress {
    /// The step, as a code (`run-phase` names it).
    pub phase: &'static str,
    pub done: i64,
    /// Steps in all; 0 when not known yet (the bar then shows work going on, without a share).
    pub total: i64,
    pub percent: i64,
    /// Without a total: what the step has read so far, as (message key, count), one for each
    /// listing the step runs side by side.
    pub counts: Vec<(&'static str, i64)>,
}

impl RunProgress {
    pub fn of(run: &SyncRun) -> Self {
        let phase = run.current_phase().unwrap_or(RunPhase::Orders);
        let c = &run.counters;
        let counts = match phase {
            RunPhase::FeesAndWallet => vec![
                ("run-phase-billing-count", c.billing_fetched),
                (
                    "run-phase-payment_operations-count",
                    c.payment_operations_fetched,
                ),
            ],
            _ => vec![],
        };
        let (done, total) = match phase {
            RunPhase::Orders => (c.progress_done, run.progress_total.unwrap_or(0)),
            RunPhase::Events => (c.events, 0),
            RunPhase::FeesAndWallet => (counts.iter().map(|(_, n)| n).sum(), 0),
            RunPhase::Coverage
            | RunPhase::Shipments
            | RunPhase::Returns
            | RunPhase::Refunds
            | RunPhase::RefundClaims
            | RunPhase::Invoices => (run.phase_done, run.phase_total.unwrap_or(0)),
        };
        let done = if total > 0 { done.min(total) } else { done };
        Self {
            phase: phase.as_str(),
            done,
            total,
            percent: if total > 0 { done * 100 / total } else { 0 },
            counts,
        }
    }

    /// What the step has done, in words: "45% · 450/1,000", "450 orders", or for listings side
    /// by side "312,450 fee entries · 98,230 payment operations".
    pub fn text(&self, loc: &Locale) -> String {
        if self.total > 0 {
            return format!(
                "{}% · {}/{}",
                self.percent,
                loc.count(self.done),
                loc.count(self.total)
            );
        }
        if self.counts.is_empty() {
            return loc
                .msg_owned(format!("run-phase-{}-count", self.phase))
                .count(self.done)
                .to_string();
        }
        self.counts
            .iter()
            .map(|(key, n)| loc.msg(key).count(*n).to_string())
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

pub struct RunView {
    pub id: RunId,
    pub account: String,
    pub kind: String,
    pub trigger: String,
    pub status: String,
    pub started: DateTime<Utc>,
    pub duration: i64,
    pub fetched: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub events: i64,
    pub quarantined: i64,
    pub shipments: i64,
    /// The other resources the run read (returns, refunds, fees, …), those it read any of.
    pub documents: Vec<DocumentCount>,
    pub pages: i64,
    pub progress: RunProgress,
    /// Why it did not succeed, in a sentence of the reader's language.
    pub problem: Option<String>,
    /// The error's own words (English, Allegro's or the database's details).
    pub error: Option<String>,
    /// What the run reported, one sentence each.
    pub notes: Vec<String>,
    /// While the running run waits out Allegro's rate-limit pause: until when.
    pub paused_until: Option<DateTime<Utc>>,
}

/// What a run read of one resource besides the orders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentCount {
    /// Its CSS class and the message keys of its label and title.
    pub class: &'static str,
    pub label: &'static str,
    pub title: &'static str,
    pub read: i64,
    /// Of those, stored anew or changed (a new version).
    pub changed: i64,
}

impl DocumentCount {
    /// Each resource the counters show any of, in the order a run reads them.
    fn of(c: &RunCounters) -> Vec<Self> {
        let count = |class, label, title, read, changed| Self {
            class,
            label,
            title,
            read,
            changed,
        };
        [
            count(
                "run-returns",
                "od-returns",
                "sync-col-returns-title",
                c.returns_fetched,
                c.returns_changed,
            ),
            count(
                "run-refunds",
                "od-refunds",
                "sync-col-refunds-title",
                c.refunds_fetched,
                c.refunds_changed,
            ),
            count(
                "run-fees",
                "sync-col-fees",
                "sync-col-fees-title",
                c.billing_fetched,
                c.billing_changed,
            ),
            count(
                "run-wallet",
                "sync-col-wallet",
                "sync-col-wallet-title",
                c.payment_operations_fetched,
                c.payment_operations_changed,
            ),
            count(
                "run-claims",
                "sync-col-claims",
                "sync-col-claims-title",
                c.refund_claims_fetched,
                c.refund_claims_changed,
            ),
            count(
                "run-invoices",
                "od-invoices",
                "sync-col-invoices-title",
                c.invoices_fetched,
                c.invoices_changed,
            ),
        ]
        .into_iter()
        .filter(|d| d.read > 0 || d.changed > 0)
        .collect()
    }
}

impl RunView {
    pub fn new(run: SyncRun, logins: &[(AccountId, String)], loc: &Locale) -> Self {
        let end = run.finished_at.unwrap_or_else(Utc::now);
        let paused_until = run
            .paused_until
            .filter(|until| run.status == "running" && *until > Utc::now());
        let report = run.read_report();
        let problem = run.problem();
        let notes = if report.notes.is_empty() {
            run.notes.iter().cloned().collect()
        } else {
            report.notes.iter().map(|n| note_text(n, loc)).collect()
        };
        Self {
            id: run.id,
            account: logins
                .iter()
                .find(|(id, _)| *id == run.account_id)
                .map(|(_, l)| l.clone())
                .unwrap_or_else(|| format!("#{}", run.account_id)),
            progress: RunProgress::of(&run),
            problem: problem.map(|p| problem_text(p, loc)),
            notes,
            kind: run.kind,
            trigger: run.trigger,
            started: run.started_at,
            duration: (end - run.started_at).num_seconds().max(0),
            fetched: run.counters.orders_fetched,
            created: run.counters.orders_created,
            updated: run.counters.orders_updated,
            unchanged: run.counters.orders_unchanged,
            events: run.counters.events,
            quarantined: run.counters.orders_quarantined,
            shipments: run.counters.shipments_checked,
            documents: DocumentCount::of(&run.counters),
            pages: run.counters.pages,
            status: run.status,
            error: run.error,
            paused_until,
        }
    }

    pub fn is_running(&self) -> bool {
        self.status == "running"
    }
}

/// Why a run did not succeed, in the reader's language.
pub fn problem_text(problem: RunProblem, loc: &Locale) -> String {
    let key = match problem {
        RunProblem::Interrupted => "run-problem-interrupted",
        RunProblem::AccountUnavailable => "run-problem-account-unavailable",
        RunProblem::NeedsReauthorisation => "run-problem-needs-reauthorisation",
        RunProblem::RateLimited => "run-problem-rate-limited",
        RunProblem::AllegroUnavailable => "run-problem-allegro-unavailable",
        RunProblem::AllegroRejected => "run-problem-allegro-rejected",
        RunProblem::DatabaseUnavailable => "run-problem-database-unavailable",
        RunProblem::DatabaseFailed => "run-problem-database-failed",
        RunProblem::Other => "run-problem-other",
    };
    loc.t(key)
}

/// One of a run's notes, in the reader's language.
pub fn note_text(note: &RunNote, loc: &Locale) -> String {
    let msg = |key: &'static str| loc.msg(key);
    let message: Message = match *note {
        RunNote::FirstBackupFinishedFirst => msg("run-note-first-backup-finished-first"),
        RunNote::EventCursorExpired { since } => {
            msg("run-note-event-cursor-expired").arg("since", loc.time(since))
        }
        RunNote::Relisted { days } => msg("run-note-relisted").count(i64::from(days)),
        RunNote::OpenOrdersFetched { open, gone } => msg("run-note-open-orders-fetched")
            .count(as_count(open))
            .arg("gone", loc.count(as_count(gone))),
        RunNote::OpenOrdersRelisted {
            listed_days,
            open,
            fetched,
            gone,
        } => msg("run-note-open-orders-relisted")
            .count(as_count(open))
            .arg("days", loc.count(listed_days))
            .arg("fetched", loc.count(as_count(fetched)))
            .arg("gone", loc.count(as_count(gone))),
        RunNote::CoverageHealed {
            verified,
            mismatched,
            still_mismatched,
        } => msg("run-note-coverage-healed")
            .count(as_count(verified))
            .arg("mismatched", loc.count(as_count(mismatched)))
            .arg("still", loc.count(as_count(still_mismatched))),
        RunNote::FeesCoverageChecked {
            verified,
            mismatched,
            still_mismatched,
        } => msg("run-note-fees-coverage")
            .count(as_count(verified))
            .arg("mismatched", loc.count(as_count(mismatched)))
            .arg("still", loc.count(as_count(still_mismatched))),
        RunNote::WalletCoverageChecked {
            verified,
            mismatched,
            still_mismatched,
        } => msg("run-note-wallet-coverage")
            .count(as_count(verified))
            .arg("mismatched", loc.count(as_count(mismatched)))
            .arg("still", loc.count(as_count(still_mismatched))),
        RunNote::FirstBackupVerified {
            verified,
            mismatched,
        } => msg(if mismatched == 0 {
            "run-note-first-backup-verified"
        } else {
            "run-note-first-backup-gaps"
        })
        .count(as_count(verified))
        .arg("mismatched", loc.count(as_count(mismatched))),
        RunNote::ReturnsNeedScope => msg("run-note-returns-need-scope"),
        RunNote::RefundsNeedScope => msg("run-note-refunds-need-scope"),
        RunNote::BillingNeedsScope => msg("run-note-billing-needs-scope"),
        RunNote::PaymentOperationsNeedScope => msg("run-note-payment-operations-need-scope"),
    };
    message.to_string()
}

fn as_count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::RunProgress;
    use crate::{
        domain::settings::DEFAULT_ZONE,
        i18n::{Lang, Locale},
    };

    fn side_by_side() -> RunProgress {
        RunProgress {
            phase: "fees_and_wallet",
            done: 410_680,
            total: 0,
            percent: 0,
            counts: vec![
                ("run-phase-billing-count", 312_450),
                ("run-phase-payment_operations-count", 98_230),
            ],
        }
    }

    #[test]
    fn listings_side_by_side_show_what_each_has_read() {
        let pl = Locale::new(Lang::Pl, DEFAULT_ZONE);
        let en = Locale::new(Lang::En, DEFAULT_ZONE);
        let text = side_by_side().text(&pl);
        assert!(
            text.contains("wpisów opłat") && text.contains("operacji płatniczych"),
            "{text}"
        );
        assert!(text.contains(" · "), "{text}");
        let text = side_by_side().text(&en);
        assert!(
            text.contains("fee") && text.contains("payment operations"),
            "{text}"
        );
    }

    #[test]
    fn a_step_with_a_total_shows_its_share() {
        let progress = RunProgress {
            phase: "returns",
            done: 450,
            total: 1_000,
            percent: 45,
            counts: vec![],
        };
        let en = Locale::new(Lang::En, DEFAULT_ZONE);
        assert_eq!(progress.text(&en), "45% · 450/1,000");
    }
}
