-- Which orders need their shipments (tracking numbers) read: those whose items were sent and
-- whose revision moved on since their shipments were last read. That used to be an anti-join
-- of `orders` against `order_shipment_checks`, walking every order of the account (0.9 s per
-- incremental run at 500,000 orders, even when nothing was due). The revision read now lives on
-- the order, and a partial index holds exactly the orders due, newest first.
ALTER TABLE orders
    -- The revision whose shipments were last read (NULL when read for a form without one).
    ADD COLUMN shipments_read_revision TEXT,
    -- When they were last read; NULL: never.
    ADD COLUMN shipments_read_at TIMESTAMPTZ;

UPDATE orders AS o
SET shipments_read_revision = c.revision, shipments_read_at = c.checked_at
FROM order_shipment_checks AS c
WHERE c.account_id = o.account_id AND c.checkout_form_id = o.checkout_form_id;

DROP TABLE order_shipment_checks;

CREATE INDEX orders_shipments_due_idx ON orders (account_id, bought_at DESC NULLS LAST, id DESC)
    WHERE (raw #>> '{fulfillment,shipmentSummary,lineItemsSent}') IN ('SOME', 'ALL')
      AND merged_into IS NULL AND gone_from_allegro_at IS NULL
      AND (shipments_read_at IS NULL OR shipments_read_revision IS DISTINCT FROM revision);
