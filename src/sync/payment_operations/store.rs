//! Writing a page of payment operations with the checkpoint it reaches, in one transaction.

use diesel::{PgConnection, QueryResult};

use crate::{
    allegro::{PaymentOperation, WalletType},
    db::models::{
        listing::{Listing, ListingKey, ListingState, WindowStep},
        payment_operation::{self, NewPaymentOperation},
        sync::RunCounters,
    },
    sync::{
        context::{RunContext, SyncError},
        versioned,
    },
};

fn new_row(listed_in: WalletType, op: PaymentOperation) -> NewPaymentOperation {
    let (amount, currency) = match op.value {
        Some(money) => (Some(money.amount.as_str().to_owned()), Some(money.currency)),
        None => (None, None),
    };
    let wallet = op.wallet.unwrap_or_default();
    NewPaymentOperation {
        raw: op.document.to_value(),
        content_hash: op.document.hash().to_owned(),
        wallet_type: wallet.kind.unwrap_or_else(|| listed_in.as_str().to_owned()),
        payment_operator: wallet.payment_operator,
        balance: wallet.balance.map(|b| b.amount.as_str().to_owned()),
        operation_type: op.kind,
        operation_group: op.group,
        occurred_at: op.occurred_at,
        currency,
        amount,
        marketplace_id: op.marketplace_id,
        payment_id: op.payment_id,
        payout_id: op.payout_id,
        participant_login: op.participant_login,
    }
}

fn counters(fetched: i64, changed: i64) -> RunCounters {
    let mut counters = RunCounters::default();
    (
        counters.payment_operations_fetched,
        counters.payment_operations_changed,
    ) = (fetched, changed);
    counters
}

/// Stores `operations` (a page of the `wallet` listing `key`) with the checkpoint `step` and
/// the run's counters in one transaction, then renews the lease. The listing that remains.
pub(super) async fn store_page(
    ctx: &RunContext<'_>,
    wallet: WalletType,
    operations: Vec<PaymentOperation>,
    key: ListingKey,
    step: WindowStep,
) -> Result<Option<Listing>, SyncError> {
    let account_id = ctx.account_id;
    store_operations(ctx, wallet, operations, move |conn| {
        ListingState::advance(conn, account_id, &key, step)
    })
    .await
}

/// Stores `operations` (listed in `wallet`) with what `checkpoint` writes and the run's
/// counters in one transaction, then renews the lease. What `checkpoint` returns.
pub(super) async fn store_operations<R: Send + 'static>(
    ctx: &RunContext<'_>,
    wallet: WalletType,
    operations: Vec<PaymentOperation>,
    checkpoint: impl FnOnce(&mut PgConnection) -> QueryResult<R> + Send + 'static,
) -> Result<R, SyncError> {
    let account_id = ctx.account_id;
    let fetched = operations.len();
    let rows = versioned::rows_of(ctx, operations, |op| new_row(wallet, op));
    versioned::store_page_with(ctx, fetched, counters, move |conn| {
        let created = payment_operation::store(conn, account_id, &rows)?;
        let reached = checkpoint(conn)?;
        Ok((i64::try_from(created).unwrap_or(i64::MAX), reached))
    })
    .await
}
