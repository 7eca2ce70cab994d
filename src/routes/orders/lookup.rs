//! Finding the order a path names, as the viewer may see it: shared by the order page and its
//! team notes.

use diesel::PgConnection;

use crate::{
    db::models::order::{OrderRow, visible::visible_order},
    domain::CheckoutFormId,
    error::AppError,
    orders::Viewer,
};

/// The longest checkout form id accepted (Allegro's are 36-character UUIDs).
const ID_MAX_CHARS: usize = 64;

/// A checkout form id from the path, or 404 for anything that cannot be one.
pub(super) fn checkout_form_id(raw: &str) -> Result<CheckoutFormId, AppError> {
    let valid = !raw.is_empty()
        && raw.len() <= ID_MAX_CHARS
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if valid {
        Ok(CheckoutFormId::from(raw))
    } else {
        Err(AppError::NotFound)
    }
}

/// The order `viewer` may see under this checkout form id, or 404.
pub(super) fn find_visible(
    conn: &mut PgConnection,
    viewer: &Viewer,
    id: &CheckoutFormId,
) -> Result<OrderRow, AppError> {
    visible_order(conn, viewer.visibility(), id)?.ok_or(AppError::NotFound)
}
