//! The bulk statements of `upsert_orders`: each column is bound as one array and expanded with
//! `unnest`, so the bind count stays fixed whatever the batch size.

/// Each id is probed through the `(account_id, checkout_form_id)` index on its own: `OFFSET 0`
/// keeps the planner from flattening the lateral join. Without that fence, statistics taken
/// while the account had few orders (the usual state during a first backup) make a hash join
/// over all of the account's orders look cheap, and every page then costs more than the last.
pub(super) const BUMP_UNCHANGED_SQL: &str = "\
UPDATE orders AS o SET last_seen_at = now(), gone_from_allegro_at = NULL
FROM unnest($2::text[], $3::text[]) AS i(checkout_form_id, content_hash)
CROSS JOIN LATERAL (
    SELECT x.id FROM orders AS x
    WHERE x.account_id = $1 AND x.checkout_form_id = i.checkout_form_id
      AND x.content_hash = i.content_hash
    OFFSET 0
) AS found
WHERE o.id = found.id
RETURNING o.checkout_form_id";

/// Compress new JSON with lz4 when the server supports it (PostgreSQL 14+ built with lz4):
/// several times cheaper than the default pglz, for a similar size on order documents, and
/// read back transparently. Lasts until the end of the current transaction; a server without
/// lz4 keeps pglz.
pub(super) const PREFER_LZ4_SQL: &str = "\
DO $$ BEGIN
    PERFORM set_config('default_toast_compression', 'lz4', true);
EXCEPTION WHEN invalid_parameter_value THEN NULL;
END $$";

pub(super) const UPSERT_SQL: &str = "\
INSERT INTO orders AS o (
    account_id, checkout_form_id, marketplace_id, status, fulfillment_status,
    buyer_id, buyer_login, buyer_email, buyer_first_name, buyer_last_name, buyer_company_name,
    buyer_guest, total_amount, currency, payment_type, payment_provider, payment_finished_at,
    paid_amount, delivery_method_id, delivery_method_name, pickup_point_id, invoice_required,
    line_item_count, bought_at, updated_at, revision, content_hash, raw,
    first_seen_at, last_seen_at)
SELECT $1, i.checkout_form_id, i.marketplace_id, i.status, i.fulfillment_status,
    i.buyer_id, i.buyer_login, i.buyer_email, i.buyer_first_name, i.buyer_last_name,
    i.buyer_company_name, i.buyer_guest, i.total_amount::numeric, i.currency, i.payment_type,
    i.payment_provider, i.payment_finished_at, i.paid_amount::numeric, i.delivery_method_id,
    i.delivery_method_name, i.pickup_point_id, i.invoice_required, i.line_item_count,
    i.bought_at, i.updated_at, i.revision, i.content_hash, i.raw::jsonb, now(), now()
FROM unnest(
    $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
    $9::text[], $10::text[], $11::text[], $12::boolean[], $13::text[], $14::text[], $15::text[],
    $16::text[], $17::timestamptz[], $18::text[], $19::text[], $20::text[], $21::text[],
    $22::boolean[], $23::integer[], $24::timestamptz[], $25::timestamptz[], $26::text[],
    $27::text[], $28::text[]
) AS i(checkout_form_id, marketplace_id, status, fulfillment_status, buyer_id, buyer_login,
    buyer_email, buyer_first_name, buyer_last_name, buyer_company_name, buyer_guest,
    total_amount, currency, payment_type, payment_provider, payment_finished_at, paid_amount,
    delivery_method_id, delivery_method_name, pickup_point_id, invoice_required,
    line_item_count, bought_at, updated_at, revision, content_hash, raw)
ON CONFLICT (account_id, checkout_form_id) DO UPDATE SET
    marketplace_id = EXCLUDED.marketplace_id,
    status = EXCLUDED.status,
    fulfillment_status = EXCLUDED.fulfillment_status,
    buyer_id = EXCLUDED.buyer_id,
    buyer_login = EXCLUDED.buyer_login,
    buyer_email = EXCLUDED.buyer_email,
    buyer_first_name = EXCLUDED.buyer_first_name,
    buyer_last_name = EXCLUDED.buyer_last_name,
    buyer_company_name = EXCLUDED.buyer_company_name,
    buyer_guest = EXCLUDED.buyer_guest,
    total_amount = EXCLUDED.total_amount,
    currency = EXCLUDED.currency,
    payment_type = EXCLUDED.payment_type,
    payment_provider = EXCLUDED.payment_provider,
    payment_finished_at = EXCLUDED.payment_finished_at,
    paid_amount = EXCLUDED.paid_amount,
    delivery_method_id = EXCLUDED.delivery_method_id,
    delivery_method_name = EXCLUDED.delivery_method_name,
    pickup_point_id = EXCLUDED.pickup_point_id,
    invoice_required = EXCLUDED.invoice_required,
    line_item_count = EXCLUDED.line_item_count,
    bought_at = EXCLUDED.bought_at,
    updated_at = EXCLUDED.updated_at,
    revision = EXCLUDED.revision,
    content_hash = EXCLUDED.content_hash,
    raw = EXCLUDED.raw,
    last_seen_at = now(),
    gone_from_allegro_at = NULL
RETURNING o.id, o.checkout_form_id, (o.xmax = 0) AS inserted";

pub(super) const INSERT_LINE_ITEMS_SQL: &str = "\
INSERT INTO order_line_items (order_id, line_item_id, offer_id, offer_name, external_id,
    quantity, price, original_price, currency, bought_at)
SELECT i.order_id, i.line_item_id, i.offer_id, i.offer_name, i.external_id, i.quantity,
    i.price::numeric, i.original_price::numeric, i.currency, i.bought_at
FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::integer[],
    $7::text[], $8::text[], $9::text[], $10::timestamptz[])
    AS i(order_id, line_item_id, offer_id, offer_name, external_id, quantity, price,
        original_price, currency, bought_at)
ON CONFLICT (order_id, line_item_id) DO NOTHING";

/// The new versions' revisions, by reference: `raw` stays NULL while the version is the
/// order's current one (migration 15). A version seen before (content back to an earlier
/// one) keeps its row, whose document was filled in when it was superseded.
pub(super) const INSERT_REVISIONS_SQL: &str = "\
INSERT INTO order_revisions (order_id, revision, content_hash, raw, seen_at)
SELECT i.order_id, i.revision, i.content_hash, NULL, now()
FROM unnest($1::bigint[], $2::text[], $3::text[]) AS i(order_id, revision, content_hash)
ON CONFLICT (order_id, content_hash) DO NOTHING";

/// Before orders are overwritten with new versions: their current revision (the one held by
/// reference) gets its own copy of the document being replaced. Probed per id through the
/// `(account_id, checkout_form_id)` index, as in [`BUMP_UNCHANGED_SQL`].
pub(super) const KEEP_SUPERSEDED_SQL: &str = "\
UPDATE order_revisions AS r SET raw = found.raw
FROM unnest($2::text[]) AS i(checkout_form_id)
CROSS JOIN LATERAL (
    SELECT x.id, x.raw FROM orders AS x
    WHERE x.account_id = $1 AND x.checkout_form_id = i.checkout_form_id
    OFFSET 0
) AS found
WHERE r.order_id = found.id AND r.raw IS NULL";
