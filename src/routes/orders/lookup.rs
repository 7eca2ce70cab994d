//! Finding the order a path names, as the viewer may see it: shared by the order page and its
//! team notes.

use diesel::PgConnection;

use crate::{
    db::models::order::{OrderRow, visible::visible_order},
    domain::CheckoutFormId,
    error::AppError,
    orders::Viewer,
};

/// A checkout form id from the path, or 404 for anything that cannot be one.
pub(super) fn checkout_form_id(raw: &str) -> Result<CheckoutFormId, AppError> {
    CheckoutFormId::from_path(raw).ok_or(AppError::NotFound)
}

/// The order `viewer` may see under this checkout form id, or 404.
pub(super) fn find_visible(
    conn: &mut PgConnection,
    viewer: &Viewer,
    id: &CheckoutFormId,
) -> Result<OrderRow, AppError> {
    visible_order(conn, viewer.visibility(), id)?.ok_or(AppError::NotFound)
}
