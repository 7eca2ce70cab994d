-- The net amount of each order (issue 18: "sort by net amount, within a currency"), kept in a
-- narrow table of its own so that the orders list can walk it by index like the totals
-- (migration 18): orders grouped by currency (PLN first), then by net. An order's net is what
-- stays of its money in its own currency: paid + its fees (negative charges, positive credits
-- such as a commission given back, REF) - its refunds paid out; NULL when no money moved. It
-- is the accounting CSV's `net` for the order's currency.
--
-- Not a column of `orders`: a changed net would rewrite the order's row and every one of its
-- indexes (trigram, expression, covering ones), and fees arrive page by page after the orders.
-- Triggers keep it current whoever writes: an order stored or its payment changed, a fee or a
-- refund stored or changed.
CREATE TABLE order_nets (
    order_id   BIGINT PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    currency   TEXT,
    net_amount NUMERIC(14, 2)
);
CREATE INDEX order_nets_desc_idx
    ON order_nets (currency_sort_key(currency), net_amount DESC, order_id DESC);
CREATE INDEX order_nets_asc_idx
    ON order_nets (currency_sort_key(currency), net_amount ASC, order_id ASC);

CREATE FUNCTION order_net(p_account BIGINT, p_order TEXT, p_currency TEXT, p_paid NUMERIC)
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

CREATE FUNCTION order_nets_of_new_orders() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO order_nets (order_id, currency, net_amount)
    SELECT n.id, n.currency, order_net(n.account_id, n.checkout_form_id, n.currency, n.paid_amount)
    FROM new_orders n
    ON CONFLICT (order_id) DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER orders_insert_nets AFTER INSERT ON orders
    REFERENCING NEW TABLE AS new_orders
    FOR EACH STATEMENT EXECUTE FUNCTION order_nets_of_new_orders();

-- Only orders whose payment or currency changed: most order writes change neither.
CREATE FUNCTION order_nets_of_changed_orders() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE order_nets SET currency = n.currency,
        net_amount = order_net(n.account_id, n.checkout_form_id, n.currency, n.paid_amount)
    FROM new_orders n JOIN old_orders o ON o.id = n.id
    WHERE order_nets.order_id = n.id
      AND (n.paid_amount IS DISTINCT FROM o.paid_amount OR n.currency IS DISTINCT FROM o.currency);
    RETURN NULL;
END
$$;
CREATE TRIGGER orders_update_nets AFTER UPDATE ON orders
    REFERENCING OLD TABLE AS old_orders NEW TABLE AS new_orders
    FOR EACH STATEMENT EXECUTE FUNCTION order_nets_of_changed_orders();

-- The orders a statement's fees or refunds name (transition table `changed`).
CREATE FUNCTION order_nets_of_money() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER billing_entries_insert_nets AFTER INSERT ON billing_entries
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION order_nets_of_money();
CREATE TRIGGER billing_entries_update_nets AFTER UPDATE ON billing_entries
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION order_nets_of_money();
CREATE TRIGGER payment_refunds_insert_nets AFTER INSERT ON payment_refunds
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION order_nets_of_money();
CREATE TRIGGER payment_refunds_update_nets AFTER UPDATE ON payment_refunds
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION order_nets_of_money();

INSERT INTO order_nets (order_id, currency, net_amount)
SELECT id, currency, order_net(account_id, checkout_form_id, currency, paid_amount) FROM orders;
ANALYZE order_nets;
