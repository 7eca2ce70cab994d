//! The endpoints of one order (`GET /order/checkout-forms/{id}` and the resources below it):
//! they find the order the same way, and refuse it the same way.

use actix_web::http::StatusCode;

use super::{api_guard::Rejected, reply::errors, world::State};

/// What an endpoint of one order (`/order/checkout-forms/{id}` and below, at `path`) answers
/// for order `id` of `seller`: `answer` of the order's JSON, or the order's refusal: 422 for an
/// id that is not a UUID, 404 `CheckoutFormNotFoundException` for one unknown, merged away or
/// older than the retention.
pub(crate) fn order_answer(
    state: &State,
    seller: usize,
    id: &str,
    path: &str,
    answer: impl FnOnce(&str) -> String,
) -> Result<String, Rejected> {
    if uuid::Uuid::parse_str(id).is_err() {
        let m = format!("Invalid UUID string: {id}");
        return Err(Box::new(errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_ERROR",
            &m,
            Some(path),
            None,
        )));
    }
    state.order_json(seller, id).map(answer).ok_or_else(|| {
        let m = format!("Checkout form {id} not found");
        Box::new(errors(
            StatusCode::NOT_FOUND,
            "CheckoutFormNotFoundException",
            &m,
            Some(path),
            Some(&m),
        ))
    })
}
