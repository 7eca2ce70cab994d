DELETE FROM order_changes WHERE kind = 'order.documents_changed';
ALTER TABLE order_changes DROP CONSTRAINT order_changes_kind_check;
ALTER TABLE order_changes ADD CONSTRAINT order_changes_kind_check
    CHECK (kind IN ('order.created', 'order.updated', 'order.gone'));
ALTER TABLE order_changes DROP COLUMN resource;

UPDATE customer_return_versions v SET raw = r.raw
    FROM customer_returns r WHERE r.id = v.return_row_id AND v.raw IS NULL;
UPDATE payment_refund_versions v SET raw = r.raw
    FROM payment_refunds r WHERE r.id = v.refund_row_id AND v.raw IS NULL;
UPDATE billing_entry_versions v SET raw = r.raw
    FROM billing_entries r WHERE r.id = v.entry_row_id AND v.raw IS NULL;
UPDATE refund_claim_versions v SET raw = r.raw
    FROM refund_claims r WHERE r.id = v.claim_row_id AND v.raw IS NULL;
UPDATE order_invoice_versions v SET raw = r.raw
    FROM order_invoices r WHERE r.id = v.invoice_row_id AND v.raw IS NULL;
ALTER TABLE customer_return_versions ALTER COLUMN raw SET NOT NULL;
ALTER TABLE payment_refund_versions ALTER COLUMN raw SET NOT NULL;
ALTER TABLE billing_entry_versions ALTER COLUMN raw SET NOT NULL;
ALTER TABLE refund_claim_versions ALTER COLUMN raw SET NOT NULL;
ALTER TABLE order_invoice_versions ALTER COLUMN raw SET NOT NULL;

DROP TRIGGER payment_refunds_update_nets ON payment_refunds;
CREATE TRIGGER payment_refunds_update_nets AFTER UPDATE ON payment_refunds
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION order_nets_of_money();
DROP FUNCTION order_nets_of_changed_refunds();
DROP TRIGGER billing_entries_update_nets ON billing_entries;
CREATE TRIGGER billing_entries_update_nets AFTER UPDATE ON billing_entries
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION order_nets_of_money();
DROP FUNCTION order_nets_of_changed_fees();

CREATE OR REPLACE FUNCTION order_nets_of_money() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE order_nets SET
        net_amount = order_net(o.account_id, o.checkout_form_id, o.currency, o.paid_amount)
    FROM orders o,
         (SELECT DISTINCT account_id, checkout_form_id FROM changed
          WHERE checkout_form_id IS NOT NULL) AS c
    WHERE o.account_id = c.account_id AND o.checkout_form_id = c.checkout_form_id
      AND order_nets.order_id = o.id;
    RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION order_nets_of_changed_orders() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE order_nets SET currency = n.currency,
        net_amount = order_net(n.account_id, n.checkout_form_id, n.currency, n.paid_amount)
    FROM new_orders n JOIN old_orders o ON o.id = n.id
    WHERE order_nets.order_id = n.id
      AND (n.paid_amount IS DISTINCT FROM o.paid_amount OR n.currency IS DISTINCT FROM o.currency);
    RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION order_nets_of_new_orders() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO order_nets (order_id, currency, net_amount)
    SELECT n.id, n.currency, order_net(n.account_id, n.checkout_form_id, n.currency, n.paid_amount)
    FROM new_orders n
    ON CONFLICT (order_id) DO NOTHING;
    RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION order_net(p_account BIGINT, p_order TEXT, p_currency TEXT, p_paid NUMERIC)
    RETURNS NUMERIC LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN p_paid IS NULL AND fees IS NULL AND refunded IS NULL THEN NULL
                ELSE coalesce(p_paid, 0) + coalesce(fees, 0) - coalesce(refunded, 0) END
    FROM (SELECT
        (SELECT sum(b.amount) FROM billing_entries b
         WHERE b.account_id = p_account AND b.checkout_form_id = p_order
           AND b.currency = p_currency) AS fees,
        (SELECT sum(r.total_amount) FROM payment_refunds r
         WHERE r.account_id = p_account AND r.checkout_form_id = p_order
           AND r.currency = p_currency AND r.status IN ('SUCCESS', 'PARTIAL')) AS refunded
    ) AS money
$$;
DROP FUNCTION refresh_order_nets(BIGINT[], TEXT[]);
DROP FUNCTION order_money(BIGINT, TEXT, TEXT);
DROP FUNCTION net_amount(NUMERIC, NUMERIC, NUMERIC);
