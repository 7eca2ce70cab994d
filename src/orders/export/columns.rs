//! The CSV exports' columns (documented in README, "Export columns").

/// The personal columns masked for users who may not see buyer data.
pub const PERSONAL_COLUMNS: [&str; 5] = [
    "buyer_login",
    "buyer_email",
    "buyer_first_name",
    "buyer_last_name",
    "buyer_company_name",
];

/// Columns of `csv`, in order (documented in README, "Export columns").
pub const ORDER_COLUMNS: [&str; 27] = [
    "order_id",
    "account",
    "status",
    "fulfillment_status",
    "bought_at_utc",
    "bought_at_local",
    "updated_at_utc",
    "buyer_id",
    "buyer_login",
    "buyer_email",
    "buyer_first_name",
    "buyer_last_name",
    "buyer_company_name",
    "buyer_guest",
    "total_amount",
    "currency",
    "paid_amount",
    "payment_type",
    "payment_provider",
    "payment_finished_at_utc",
    "delivery_method",
    "pickup_point_id",
    "invoice_required",
    "line_item_count",
    "marketplace",
    "merged_into",
    "revision",
];

/// Columns of `csv-items`, in order: the order's key columns, then the item's.
pub const ITEM_COLUMNS: [&str; 17] = [
    "order_id",
    "account",
    "status",
    "bought_at_utc",
    "bought_at_local",
    "buyer_login",
    "buyer_email",
    "order_total_amount",
    "order_currency",
    "line_item_id",
    "offer_id",
    "offer_name",
    "external_id",
    "quantity",
    "price",
    "original_price",
    "currency",
];
