//! Writing a page of returns with the checkpoint it reaches (see `sync::versioned`).

use crate::{
    allegro::CustomerReturn,
    db::models::{
        customer_return::{NewCustomerReturn, ReturnSyncState},
        sync::RunCounters,
    },
    domain::CustomerReturnId,
    sync::{
        context::{RunContext, SyncError},
        versioned,
    },
};

/// One page of returns and the checkpoint it reaches.
#[derive(Debug, Default)]
pub(super) struct ReturnsPage {
    pub returns: Vec<CustomerReturn>,
    /// The list's cursor after this page (`None`: it stays where it is).
    pub cursor: Option<CustomerReturnId>,
    /// The first pass ends with this page.
    pub completes_first_pass: bool,
}

fn new_row(item: CustomerReturn) -> NewCustomerReturn {
    NewCustomerReturn {
        raw: item.document.to_value(),
        content_hash: item.document.hash().to_owned(),
        return_id: item.id,
        checkout_form_id: item.order_id,
        reference_number: item.reference_number,
        status: item.status,
        created_at: item.created_at,
    }
}

fn counters(fetched: i64, changed: i64) -> RunCounters {
    let mut counters = RunCounters::default();
    (counters.returns_fetched, counters.returns_changed) = (fetched, changed);
    counters
}

/// Stores `page` with its checkpoint and counters in one transaction, then renews the lease.
pub(super) async fn store_page(ctx: &RunContext<'_>, page: ReturnsPage) -> Result<(), SyncError> {
    let account_id = ctx.account_id;
    let fetched = page.returns.len();
    let rows = versioned::rows_of(ctx, page.returns, new_row);
    let (cursor, completes) = (page.cursor, page.completes_first_pass);
    versioned::store_page(ctx, rows, fetched, counters, move |conn| {
        if cursor.is_some() || completes {
            ReturnSyncState::advance(conn, account_id, cursor.as_ref(), completes)?;
        }
        Ok(())
    })
    .await
}
