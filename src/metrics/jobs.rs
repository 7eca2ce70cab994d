//! This process's scheduled jobs and their last runs, kept in memory for the System page.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};

/// How a job's run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobOutcome {
    /// The run finished (what it did, or why it skipped work, is in the log).
    Finished,
    /// The run failed; the job logged why and runs again at its next time.
    Failed,
}

impl JobOutcome {
    pub fn label(self) -> &'static str {
        match self {
            Self::Finished => "finished",
            Self::Failed => "failed",
        }
    }
}

/// One run of a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobRun {
    pub started_at: DateTime<Utc>,
    pub duration: std::time::Duration,
    pub outcome: JobOutcome,
}

/// A registered job and its latest run in this process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobStatus {
    pub name: &'static str,
    /// When it runs: a cron expression (seconds first) or a period.
    pub schedule: String,
    pub last: Option<JobRun>,
}

/// The jobs this process's scheduler registered, shared by the scheduler and the pages.
#[derive(Debug, Clone, Default)]
pub struct JobRuns(Arc<Mutex<Vec<JobStatus>>>);

impl JobRuns {
    fn with<T>(&self, f: impl FnOnce(&mut Vec<JobStatus>) -> T) -> T {
        // A panic while the lock was held leaves plain data behind: keep using it.
        let mut jobs = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut jobs)
    }

    /// Lists job `name`, run on `schedule`, with no run yet.
    pub fn register(&self, name: &'static str, schedule: String) {
        self.with(|jobs| {
            jobs.retain(|j| j.name != name);
            jobs.push(JobStatus {
                name,
                schedule,
                last: None,
            });
        });
    }

    /// Records a run of job `name`.
    pub fn record(&self, name: &'static str, run: JobRun) {
        self.with(|jobs| {
            if let Some(job) = jobs.iter_mut().find(|j| j.name == name) {
                job.last = Some(run);
            }
        });
    }

    /// The registered jobs in the order they were registered.
    pub fn snapshot(&self) -> Vec<JobStatus> {
        self.with(|jobs| jobs.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_is_kept_for_its_registered_job_only() {
        let runs = JobRuns::default();
        runs.register("housekeeping", "0 */10 * * * *".to_owned());
        let run = JobRun {
            started_at: Utc::now(),
            duration: std::time::Duration::from_millis(12),
            outcome: JobOutcome::Failed,
        };
        runs.record("housekeeping", run);
        runs.record("unknown", run);
        let jobs = runs.snapshot();
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].last, Some(run));
    }
}
