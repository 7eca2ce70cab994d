//! The CSV exports' columns (documented in README, "Export columns"). The order-level columns
//! read from the stored document and the shipments come last in both CSVs, in the same order.

/// The personal columns masked (`J*** K***`) for users who may not see buyer data.
pub const PERSONAL_COLUMNS: [&str; 11] = [
    "buyer_login",
    "buyer_email",
    "buyer_first_name",
    "buyer_last_name",
    "buyer_company_name",
    "recipient_name",
    "recipient_company",
    "recipient_street",
    "recipient_postcode",
    "recipient_phone",
    "invoice_company",
];

/// The identifiers left empty for users who may not see buyer data (any part of them
/// identifies a person or a parcel).
pub const HIDDEN_COLUMNS: [&str; 3] = ["buyer_id", "invoice_tax_id", "tracking_numbers"];

/// The delivery address (`delivery.address`).
const RECIPIENT_COLUMNS: [&str; 7] = [
    "recipient_name",
    "recipient_company",
    "recipient_street",
    "recipient_postcode",
    "recipient_city",
    "recipient_country",
    "recipient_phone",
];

/// After the recipient (and, in `csv-items`, `pickup_point_id`): the pickup point's name, the
/// invoice's company, the shipments.
const LAST_COLUMNS: [&str; 5] = [
    "pickup_point_name",
    "invoice_company",
    "invoice_tax_id",
    "tracking_numbers",
    "carriers",
];

/// `a` then `b`, as one array of `N` (checked when compiling).
const fn join<const A: usize, const B: usize, const N: usize>(
    a: [&'static str; A],
    b: [&'static str; B],
) -> [&'static str; N] {
    assert!(A + B == N, "join: N must be A + B");
    let mut out = [""; N];
    let mut i = 0;
    while i < A {
        out[i] = a[i];
        i += 1;
    }
    while i < N {
        out[i] = b[i - A];
        i += 1;
    }
    out
}

/// Columns of `csv`, in order (documented in README, "Export columns").
pub const ORDER_COLUMNS: [&str; 39] = join::<34, 5, 39>(
    join::<27, 7, 34>(
        [
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
        ],
        RECIPIENT_COLUMNS,
    ),
    LAST_COLUMNS,
);

/// Columns of `csv-items`, in order: the order's key columns, the item's, then the order's
/// delivery, invoice and shipment columns.
pub const ITEM_COLUMNS: [&str; 30] = join::<25, 5, 30>(
    join::<24, 1, 25>(
        join::<17, 7, 24>(
            [
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
            ],
            RECIPIENT_COLUMNS,
        ),
        ["pickup_point_id"],
    ),
    LAST_COLUMNS,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_csvs_end_with_the_same_order_columns() {
        assert_eq!(ORDER_COLUMNS[27..34], RECIPIENT_COLUMNS);
        assert_eq!(ITEM_COLUMNS[17..24], RECIPIENT_COLUMNS);
        assert_eq!(ITEM_COLUMNS[24], "pickup_point_id");
        assert_eq!(ORDER_COLUMNS[34..], ITEM_COLUMNS[25..]);
        for name in PERSONAL_COLUMNS.iter().chain(&HIDDEN_COLUMNS) {
            assert!(ORDER_COLUMNS.contains(name), "{name}");
        }
    }
}
