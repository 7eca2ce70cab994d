-- Back to migration 33's and migration 10's bodies (no early return).

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

CREATE OR REPLACE FUNCTION remember_delivery_methods() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO order_delivery_methods (account_id, method_id, name)
    SELECT DISTINCT ON (account_id, delivery_method_id) account_id, delivery_method_id, delivery_method_name
    FROM changed_orders c
    WHERE delivery_method_id IS NOT NULL
      -- Known methods are skipped before the upsert: ON CONFLICT would lock their rows until
      -- commit, serialising concurrent page writes of one account.
      AND NOT EXISTS (SELECT 1 FROM order_delivery_methods d
                      WHERE d.account_id = c.account_id AND d.method_id = c.delivery_method_id
                        AND d.name IS NOT DISTINCT FROM c.delivery_method_name)
    ORDER BY account_id, delivery_method_id
    ON CONFLICT (account_id, method_id) DO UPDATE SET name = EXCLUDED.name
        WHERE order_delivery_methods.name IS DISTINCT FROM EXCLUDED.name;
    RETURN NULL;
END
$$;
