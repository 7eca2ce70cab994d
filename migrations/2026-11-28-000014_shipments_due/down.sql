DROP INDEX orders_shipments_due_idx;

CREATE TABLE order_shipment_checks (
    account_id       BIGINT      NOT NULL REFERENCES allegro_accounts (id) ON DELETE CASCADE,
    checkout_form_id TEXT        NOT NULL,
    revision         TEXT,
    checked_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, checkout_form_id)
);
INSERT INTO order_shipment_checks (account_id, checkout_form_id, revision, checked_at)
SELECT account_id, checkout_form_id, shipments_read_revision, shipments_read_at
FROM orders WHERE shipments_read_at IS NOT NULL;

ALTER TABLE orders DROP COLUMN shipments_read_revision, DROP COLUMN shipments_read_at;
