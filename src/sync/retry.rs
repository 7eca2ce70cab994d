//! Quarantined orders are tried again on every run: fetched anew and stored like any other
//! batch, which takes them out of quarantine, or counts another attempt.

use super::{
    context::{RunContext, SyncError},
    events::fetch_forms,
    store::store_page,
};
use crate::{
    db::{self, DbError, models::quarantine},
    domain::CheckoutFormId,
};

/// Retries the account's quarantined orders (those with a readable id).
pub(super) async fn retry_quarantined(ctx: &RunContext<'_>) -> Result<(), SyncError> {
    let account_id = ctx.account_id;
    let ids: Vec<CheckoutFormId> = db::run(&ctx.accounts.pool, move |conn| {
        quarantine::list(conn, account_id).map_err(DbError::from)
    })
    .await?
    .into_iter()
    .filter_map(|row| row.checkout_form_id)
    .collect();
    if ids.is_empty() {
        return Ok(());
    }
    tracing::info!(
        account.id = account_id.0,
        orders = ids.len(),
        "retrying quarantined orders"
    );
    let batch = fetch_forms(ctx, ids).await?;
    store_page(ctx, batch).await
}
