-- Tracking numbers: not part of checkout forms, listed per order by
-- GET /order/checkout-forms/{id}/shipments. Kept like everything else: never deleted; a shipment
-- no longer listed is marked, not removed.
CREATE TABLE order_shipments (
    id               BIGSERIAL PRIMARY KEY,
    account_id       BIGINT      NOT NULL REFERENCES allegro_accounts (id) ON DELETE CASCADE,
    checkout_form_id TEXT        NOT NULL,
    shipment_id      TEXT        NOT NULL,
    waybill          TEXT,
    carrier_id       TEXT,
    carrier_name     TEXT,
    created_at       TIMESTAMPTZ,
    raw              JSONB       NOT NULL,
    first_seen_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    removed_at       TIMESTAMPTZ,
    UNIQUE (account_id, checkout_form_id, shipment_id)
);
CREATE INDEX order_shipments_waybill_idx ON order_shipments (waybill);

-- Which revision of an order its shipments were last read for: an order whose items were sent
-- is (re)checked when its revision moves on.
CREATE TABLE order_shipment_checks (
    account_id       BIGINT      NOT NULL REFERENCES allegro_accounts (id) ON DELETE CASCADE,
    checkout_form_id TEXT        NOT NULL,
    revision         TEXT,
    checked_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, checkout_form_id)
);

-- Orders set aside on a run (unreadable or refused by the database), and shipment lists read.
ALTER TABLE sync_runs
    ADD COLUMN orders_quarantined BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN shipments_checked  BIGINT NOT NULL DEFAULT 0;
