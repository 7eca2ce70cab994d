//! The resources read only when the account's authorisation allows it (returns, refunds, fees):
//! whether the granted scopes name what a resource needs, and recording (for the Accounts
//! page) that an account lacks it or no longer does. A resource skipped this way gives the run
//! a note; the run itself goes on and succeeds.

use std::future::Future;

use crate::{
    allegro::AllegroError,
    db::{
        self, DbError,
        models::{account::AccountRow, scope_gap::ScopeGap},
    },
    domain::{RunNote, RunPhase, ScopedResource, scope_granted},
    sync::context::{RunContext, SyncError},
};

/// Whether the account's recorded scopes include `needed` (an account whose scopes were never
/// recorded is tried: Allegro's 403 tells then).
pub(super) async fn granted(ctx: &RunContext<'_>, needed: &str) -> Result<bool, SyncError> {
    let account_id = ctx.account_id;
    let scope = db::run(&ctx.accounts.pool, move |conn| {
        Ok::<_, DbError>(AccountRow::find(conn, account_id)?.and_then(|a| a.scope))
    })
    .await?;
    Ok(scope_granted(scope.as_deref(), needed))
}

/// Records whether the account lacks the authorisation `resource` needs.
pub(super) async fn record(
    ctx: &RunContext<'_>,
    resource: ScopedResource,
    missing: bool,
) -> Result<(), SyncError> {
    if missing {
        tracing::warn!(
            account.id = ctx.account_id.0,
            resource = resource.as_str(),
            "skipped: the account's authorisation does not allow reading it"
        );
    }
    let account_id = ctx.account_id;
    db::run(&ctx.accounts.pool, move |conn| {
        ScopeGap::set(conn, account_id, resource, missing).map_err(DbError::from)
    })
    .await?;
    Ok(())
}

/// Runs `pass` when the account's authorisation allows `resource`, which needs `scope`, in
/// step `phase` (`None`: in the step the run is in, shared with another listing); otherwise,
/// or when Allegro answers 403, records the gap and returns the note that says the resource
/// was skipped. The run goes on either way.
pub(super) async fn back_up_if_allowed<'c, F>(
    ctx: &'c RunContext<'c>,
    (resource, scope): (ScopedResource, &str),
    phase: Option<RunPhase>,
    pass: impl FnOnce(&'c RunContext<'c>) -> F,
) -> Result<Option<RunNote>, SyncError>
where
    F: Future<Output = Result<(), SyncError>>,
{
    if granted(ctx, scope).await? {
        if let Some(phase) = phase {
            ctx.enter_phase(phase, None).await?;
        }
        match pass(ctx).await {
            Err(SyncError::Allegro(AllegroError::Client { status: 403, .. })) => {}
            Err(e) => return Err(e),
            Ok(()) => {
                record(ctx, resource, false).await?;
                return Ok(None);
            }
        }
    }
    record(ctx, resource, true).await?;
    Ok(Some(resource.skipped_note()))
}
