//! The one query every view of orders starts from: the viewer's accounts, then the filters.
//! The list, the count and the export add their own ordering, paging and selection to the
//! boxed query; the detail page looks one order up through it.

use diesel::{
    dsl::sql,
    pg::Pg,
    prelude::*,
    sql_types::{Bool, Text},
};

use super::{OrderRow, search::search};
use crate::{
    db::schema::{allegro_accounts, orders},
    domain::{
        CheckoutFormId, Visibility,
        order_filter::{AccountRef, OrderFilter},
    },
};

pub(super) type OrdersQuery = orders::BoxedQuery<'static, Pg>;

/// The orders `viewer` may see that match `filter`.
pub(super) fn visible_orders(viewer: Visibility<'_>, filter: &OrderFilter) -> OrdersQuery {
    let mut query = orders::table.into_boxed();
    if let Some(ids) = viewer.scope.ids() {
        query = query.filter(orders::account_id.eq_any(ids.to_vec()));
    }
    apply_filter(query, filter, viewer.personal_data)
}

/// The order `viewer` may see under this checkout form id (merged ones included).
pub fn visible_order(
    conn: &mut PgConnection,
    viewer: Visibility<'_>,
    checkout_form_id: &CheckoutFormId,
) -> QueryResult<Option<OrderRow>> {
    let filter = OrderFilter {
        include_merged: true,
        ..OrderFilter::default()
    };
    visible_orders(viewer, &filter)
        .filter(orders::checkout_form_id.eq(checkout_form_id.clone()))
        .order(orders::id.asc())
        .select(OrderRow::as_select())
        .first(conn)
        .optional()
}

fn apply_filter(mut query: OrdersQuery, filter: &OrderFilter, personal_data: bool) -> OrdersQuery {
    match &filter.account {
        Some(AccountRef::Id(id)) => query = query.filter(orders::account_id.eq(*id)),
        Some(AccountRef::Login(login)) => {
            let ids = allegro_accounts::table
                .filter(allegro_accounts::login.eq(login.clone()))
                .select(allegro_accounts::id);
            query = query.filter(orders::account_id.eq_any(ids));
        }
        None => {}
    }
    if let Some(status) = filter.status {
        query = query.filter(orders::status.eq(status));
    }
    if let Some(status) = filter.fulfillment {
        query = query.filter(orders::fulfillment_status.eq(status));
    }
    if let Some(payment) = filter.payment {
        query = query.filter(orders::payment_type.eq(payment));
    }
    if let Some(delivery) = &filter.delivery {
        query = query.filter(orders::delivery_method_id.eq(delivery.clone()));
    }
    if let Some(marketplace) = &filter.marketplace {
        query = query.filter(orders::marketplace_id.eq(marketplace.clone()));
    }
    if let Some(currency) = &filter.currency {
        query = query.filter(in_currency(currency));
    }
    if let Some(from) = filter.bought.from {
        query = query.filter(orders::bought_at.ge(from));
    }
    if let Some(to) = filter.bought.to {
        query = query.filter(orders::bought_at.lt(to));
    }
    if let Some(from) = filter.updated.from {
        query = query.filter(orders::updated_at.ge(from));
    }
    if let Some(to) = filter.updated.to {
        query = query.filter(orders::updated_at.lt(to));
    }
    if let Some(min) = &filter.min_total {
        query = query.filter(total_compared(">=", min.as_str()));
    }
    if let Some(max) = &filter.max_total {
        query = query.filter(total_compared("<=", max.as_str()));
    }
    if let Some(invoice) = filter.invoice_required {
        query = query.filter(orders::invoice_required.eq(invoice));
    }
    if let Some(wanted) = filter.has_return {
        query = query.filter(exists_for_order(
            "customer_returns r WHERE r.account_id = orders.account_id \
             AND r.checkout_form_id = orders.checkout_form_id",
            wanted,
        ));
    }
    if let Some(wanted) = filter.refunded {
        query = query.filter(exists_for_order(
            "payment_refunds p WHERE p.account_id = orders.account_id \
             AND p.checkout_form_id = orders.checkout_form_id \
             AND p.status IN ('SUCCESS', 'PARTIAL')",
            wanted,
        ));
    }
    if !filter.include_merged {
        query = query.filter(orders::merged_into.is_null());
    }
    if let Some(text) = &filter.search {
        query = query.filter(search(text, personal_data));
    }
    query
}

/// The orders in `currency`: the same rows as `orders.currency = currency`, written on
/// migration 18's one-to-one currency sort key so that its indexes serve the filter (the
/// total sort's walk within a currency, and the count as an index-only scan).
pub(super) fn in_currency(
    currency: &str,
) -> Box<dyn BoxableExpression<orders::table, Pg, SqlType = Bool>> {
    Box::new(
        sql::<Bool>("currency_sort_key(orders.currency) = currency_sort_key(")
            .bind::<Text, _>(currency.to_string())
            .sql(")"),
    )
}

/// Whether a row of `from_where` (a table and the condition tying it to the order) exists
/// (`wanted`) or not.
fn exists_for_order(
    from_where: &'static str,
    wanted: bool,
) -> Box<dyn BoxableExpression<orders::table, Pg, SqlType = Bool>> {
    let not = if wanted { "" } else { "NOT " };
    Box::new(sql::<Bool>(&format!(
        "{not}EXISTS (SELECT 1 FROM {from_where})"
    )))
}

/// `total_amount <op> amount`, the amount bound as canonical decimal text (see
/// [`crate::domain::Amount`]) and compared as NUMERIC.
fn total_compared(
    op: &'static str,
    amount: &str,
) -> Box<dyn BoxableExpression<orders::table, Pg, SqlType = Bool>> {
    Box::new(
        sql::<Bool>(&format!("orders.total_amount {op} "))
            .bind::<Text, _>(amount.to_string())
            .sql("::numeric"),
    )
}
