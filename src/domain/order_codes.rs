//! Allegro's codes for an order's state, as its API sends them: what the orders filters accept
//! and what the simulator generates.

/// Checkout form statuses (`status`).
pub const ORDER_STATUSES: [&str; 4] = ["BOUGHT", "FILLED_IN", "READY_FOR_PROCESSING", "CANCELLED"];
/// Fulfillment statuses (`fulfillment.status`).
pub const FULFILLMENT_STATUSES: [&str; 9] = [
    "NEW",
    "PROCESSING",
    "READY_FOR_SHIPMENT",
    "READY_FOR_PICKUP",
    "SENT",
    "PICKED_UP",
    "CANCELLED",
    "SUSPENDED",
    "RETURNED",
];
/// Payment types (`payment.type`).
pub const PAYMENT_TYPES: [&str; 5] = [
    "CASH_ON_DELIVERY",
    "WIRE_TRANSFER",
    "ONLINE",
    "SPLIT_PAYMENT",
    "EXTENDED_TERM",
];

/// The order of every list of currencies: PLN first, then the others alphabetically (the
/// orders list sorted by total groups its rows the same way, in SQL: migration 18's
/// `currency_sort_key`).
pub fn currency_order(a: &str, b: &str) -> std::cmp::Ordering {
    (a != "PLN", a).cmp(&(b != "PLN", b))
}
