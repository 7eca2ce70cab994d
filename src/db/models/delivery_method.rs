//! The delivery methods seen per account, from the small table the orders' triggers keep (a
//! DISTINCT over all orders would read the whole table).

use diesel::prelude::*;

use crate::{db::schema::order_delivery_methods, domain::AccountScope};

/// The delivery methods of the accounts `scope` allows (first 100 by name), as (method id,
/// name; the id when Allegro gave no name).
pub fn in_scope(
    conn: &mut PgConnection,
    scope: &AccountScope,
) -> QueryResult<Vec<(String, String)>> {
    let mut query = order_delivery_methods::table.into_boxed();
    if let Some(ids) = scope.ids() {
        query = query.filter(order_delivery_methods::account_id.eq_any(ids.to_vec()));
    }
    let rows: Vec<(String, Option<String>)> = query
        .select((
            order_delivery_methods::method_id,
            order_delivery_methods::name,
        ))
        .distinct()
        .order((
            order_delivery_methods::name.asc(),
            order_delivery_methods::method_id.asc(),
        ))
        .limit(100)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| {
            let name = name.unwrap_or_else(|| id.clone());
            (id, name)
        })
        .collect())
}
