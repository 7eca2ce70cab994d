//! The status history of a resource Allegro changes in place (a return, a refund): the
//! statuses its stored versions show, in the order the backup saw them.

use chrono::{DateTime, Utc};

use super::NONE;
use crate::db::models::versioned::VersionHead;

/// A status and when the backup first saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusStep {
    pub status: String,
    pub at: DateTime<Utc>,
}

/// Each status once per stretch (versions that changed only parcels or the like keep the
/// status they had), oldest first.
pub fn status_history(versions: &[VersionHead]) -> Vec<StatusStep> {
    let mut steps: Vec<StatusStep> = vec![];
    for v in versions {
        let status = v.status.clone().unwrap_or_else(|| NONE.into());
        if steps.last().is_none_or(|s| s.status != status) {
            steps.push(StatusStep {
                status,
                at: v.seen_at,
            });
        }
    }
    steps
}
