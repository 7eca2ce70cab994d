-- Cheaper writes of the money resources (issue 18's first-backup budget), same results.
--
-- 1. Order nets are computed set-based. Migration 32's triggers called `order_net()` once per
--    order; a SQL function with sub-selects is not inlined, and each call through the
--    SQL-function executor cost ~100 µs: about a quarter of PostgreSQL's time in a first
--    backup with fees. The sums now come from `order_money()`, a table function PostgreSQL
--    inlines into the trigger's statement (a lateral join probing two indexes per order), and
--    the net from `net_amount()`, an inlined expression. Updates of fees and refunds only
--    recompute the orders whose money moved: a run re-reading unchanged fees marks them seen
--    (an UPDATE of `last_seen_at`) and no longer recomputes their orders' nets.
--
-- 2. The versions of returns, refunds, claims, fees and invoices no longer hold a second copy of
--    the current document. As `order_revisions` does (migration 13), a version whose `raw` is
--    NULL is the one its resource's row holds now; when a new version arrives, the row's
--    document is first copied into the version it supersedes. Every distinct document read is
--    still kept, each once.
--
-- 3. The changes feed (and webhooks) tell when an order's documents changed: a return, a
--    refund, a commission refund claim, a fee, a wallet operation or an invoice of the order
--    stored anew or with a new version is one `order.documents_changed` change of the order
--    per stored page, naming the resource (`resource`: the export's names, `returns`, …).

CREATE FUNCTION net_amount(p_paid NUMERIC, p_fees NUMERIC, p_refunded NUMERIC)
    RETURNS NUMERIC LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN p_paid IS NULL AND p_fees IS NULL AND p_refunded IS NULL THEN NULL
                ELSE coalesce(p_paid, 0) + coalesce(p_fees, 0) - coalesce(p_refunded, 0) END;

-- The fees (charges negative, credits positive) and the refunds paid out of an order, in one
-- currency. A single SELECT in a $$ body: inlined where it is called in FROM.
CREATE FUNCTION order_money(p_account BIGINT, p_order TEXT, p_currency TEXT)
    RETURNS TABLE (fees NUMERIC, refunded NUMERIC) LANGUAGE sql STABLE AS $$
    SELECT
        (SELECT sum(b.amount) FROM billing_entries b
         WHERE b.account_id = p_account AND b.checkout_form_id = p_order
           AND b.currency = p_currency),
        (SELECT sum(r.total_amount) FROM payment_refunds r
         WHERE r.account_id = p_account AND r.checkout_form_id = p_order
           AND r.currency = p_currency AND r.status IN ('SUCCESS', 'PARTIAL'))
$$;

CREATE OR REPLACE FUNCTION order_net(p_account BIGINT, p_order TEXT, p_currency TEXT, p_paid NUMERIC)
    RETURNS NUMERIC LANGUAGE sql STABLE AS $$
    SELECT net_amount(p_paid, m.fees, m.refunded) FROM order_money(p_account, p_order, p_currency) m
$$;

CREATE OR REPLACE FUNCTION order_nets_of_new_orders() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO order_nets (order_id, currency, net_amount)
    SELECT n.id, n.currency, net_amount(n.paid_amount, m.fees, m.refunded)
    FROM new_orders n
    CROSS JOIN LATERAL order_money(n.account_id, n.checkout_form_id, n.currency) m
    ON CONFLICT (order_id) DO NOTHING;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION order_nets_of_changed_orders() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE order_nets SET currency = c.currency,
        net_amount = net_amount(c.paid_amount, m.fees, m.refunded)
    FROM (SELECT n.* FROM new_orders n JOIN old_orders o ON o.id = n.id
          WHERE n.paid_amount IS DISTINCT FROM o.paid_amount
             OR n.currency IS DISTINCT FROM o.currency) AS c
    CROSS JOIN LATERAL order_money(c.account_id, c.checkout_form_id, c.currency) m
    WHERE order_nets.order_id = c.id;
    RETURN NULL;
END
$$;

-- Recomputes the nets of the stored orders named by `(accounts[i], orders[i])` (each once;
-- NULL order ids skipped). Called once per statement by the triggers below.
CREATE FUNCTION refresh_order_nets(p_accounts BIGINT[], p_orders TEXT[])
    RETURNS VOID LANGUAGE sql AS $$
    UPDATE order_nets SET
        net_amount = net_amount(o.paid_amount, m.fees, m.refunded)
    FROM (SELECT DISTINCT account_id, checkout_form_id
          FROM unnest(p_accounts, p_orders) AS c(account_id, checkout_form_id)
          WHERE checkout_form_id IS NOT NULL) AS c
    JOIN orders o ON o.account_id = c.account_id AND o.checkout_form_id = c.checkout_form_id
    CROSS JOIN LATERAL order_money(o.account_id, o.checkout_form_id, o.currency) m
    WHERE order_nets.order_id = o.id
$$;

-- New fees or refunds (transition table `changed`): their orders.
CREATE OR REPLACE FUNCTION order_nets_of_money() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_order_nets(array_agg(account_id), array_agg(checkout_form_id)) FROM changed;
    RETURN NULL;
END
$$;

-- Updated fees: only those whose amount, currency or order changed (the old and the new
-- order both).
CREATE FUNCTION order_nets_of_changed_fees() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_order_nets(array_agg(x.account_id), array_agg(x.checkout_form_id))
    FROM new_entries n JOIN old_entries p ON p.id = n.id,
         LATERAL (VALUES (n.account_id, n.checkout_form_id), (p.account_id, p.checkout_form_id))
             AS x(account_id, checkout_form_id)
    WHERE (n.amount, n.currency, n.checkout_form_id)
          IS DISTINCT FROM (p.amount, p.currency, p.checkout_form_id);
    RETURN NULL;
END
$$;
DROP TRIGGER billing_entries_update_nets ON billing_entries;
CREATE TRIGGER billing_entries_update_nets AFTER UPDATE ON billing_entries
    REFERENCING OLD TABLE AS old_entries NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION order_nets_of_changed_fees();

-- Updated refunds: only those whose amount, currency, status or order changed.
CREATE FUNCTION order_nets_of_changed_refunds() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_order_nets(array_agg(x.account_id), array_agg(x.checkout_form_id))
    FROM new_refunds n JOIN old_refunds p ON p.id = n.id,
         LATERAL (VALUES (n.account_id, n.checkout_form_id), (p.account_id, p.checkout_form_id))
             AS x(account_id, checkout_form_id)
    WHERE (n.total_amount, n.currency, n.status, n.checkout_form_id)
          IS DISTINCT FROM (p.total_amount, p.currency, p.status, p.checkout_form_id);
    RETURN NULL;
END
$$;
DROP TRIGGER payment_refunds_update_nets ON payment_refunds;
CREATE TRIGGER payment_refunds_update_nets AFTER UPDATE ON payment_refunds
    REFERENCING OLD TABLE AS old_refunds NEW TABLE AS new_refunds
    FOR EACH STATEMENT EXECUTE FUNCTION order_nets_of_changed_refunds();

-- 2. The current version's document lives in its resource's row only.
ALTER TABLE customer_return_versions ALTER COLUMN raw DROP NOT NULL;
ALTER TABLE payment_refund_versions ALTER COLUMN raw DROP NOT NULL;
ALTER TABLE billing_entry_versions ALTER COLUMN raw DROP NOT NULL;
ALTER TABLE refund_claim_versions ALTER COLUMN raw DROP NOT NULL;
ALTER TABLE order_invoice_versions ALTER COLUMN raw DROP NOT NULL;
UPDATE customer_return_versions v SET raw = NULL
    FROM customer_returns r WHERE r.id = v.return_row_id AND r.content_hash = v.content_hash;
UPDATE payment_refund_versions v SET raw = NULL
    FROM payment_refunds r WHERE r.id = v.refund_row_id AND r.content_hash = v.content_hash;
UPDATE billing_entry_versions v SET raw = NULL
    FROM billing_entries r WHERE r.id = v.entry_row_id AND r.content_hash = v.content_hash;
UPDATE refund_claim_versions v SET raw = NULL
    FROM refund_claims r WHERE r.id = v.claim_row_id AND r.content_hash = v.content_hash;
UPDATE order_invoice_versions v SET raw = NULL
    FROM order_invoices r WHERE r.id = v.invoice_row_id AND r.content_hash = v.content_hash;

-- 3. Changes of an order's documents in the feed.
ALTER TABLE order_changes ADD COLUMN resource TEXT CHECK (resource IN (
    'returns', 'refunds', 'refund-claims', 'billing-entries', 'payment-operations', 'invoices'));
ALTER TABLE order_changes DROP CONSTRAINT order_changes_kind_check;
ALTER TABLE order_changes ADD CONSTRAINT order_changes_kind_check CHECK (
    kind IN ('order.created', 'order.updated', 'order.gone', 'order.documents_changed')
    AND (kind = 'order.documents_changed') = (resource IS NOT NULL));
