-- Commission refund claims (issue 18): GET /order/refund-claims. Allegro changes a claim's
-- status in place (IN_PROGRESS → GRANTED or REJECTED → APPEALED → …) and keeps no history, so
-- every distinct version read is kept. A claim names a line item, not its order: the order is
-- found through `order_line_items` when the backup holds it (checkout_form_id stays NULL until
-- then). The commission is a JSON number at Allegro; its exact text stays in `raw`.
CREATE TABLE refund_claims (
    id                BIGSERIAL PRIMARY KEY,
    account_id        BIGINT      NOT NULL REFERENCES allegro_accounts (id) ON DELETE CASCADE,
    claim_id          TEXT        NOT NULL,
    line_item_id      TEXT,
    checkout_form_id  TEXT,
    offer_id          TEXT,
    status            TEXT,
    claim_type        TEXT,
    quantity          INTEGER,
    commission_amount NUMERIC,
    currency          TEXT,
    created_at        TIMESTAMPTZ,
    raw               JSONB       NOT NULL,
    content_hash      TEXT        NOT NULL,
    first_seen_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (account_id, claim_id)
);
CREATE INDEX refund_claims_order_idx ON refund_claims (account_id, checkout_form_id);
CREATE INDEX refund_claims_line_item_idx ON refund_claims (account_id, line_item_id);

CREATE TABLE refund_claim_versions (
    id           BIGSERIAL PRIMARY KEY,
    claim_row_id BIGINT      NOT NULL REFERENCES refund_claims (id) ON DELETE CASCADE,
    status       TEXT,
    raw          JSONB       NOT NULL,
    content_hash TEXT        NOT NULL,
    seen_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (claim_row_id, content_hash)
);

-- The invoices of an order (GET /order/checkout-forms/{id}/invoices), each kept as Allegro
-- sent it with every distinct version (a file uploaded later, the scan WAITING → ACCEPTED).
-- `status` is the file's security verification status. The PDF itself cannot be downloaded.
CREATE TABLE order_invoices (
    id               BIGSERIAL PRIMARY KEY,
    account_id       BIGINT      NOT NULL REFERENCES allegro_accounts (id) ON DELETE CASCADE,
    invoice_id       TEXT        NOT NULL,
    checkout_form_id TEXT        NOT NULL,
    invoice_number   TEXT,
    created_at       TIMESTAMPTZ,
    file_name        TEXT,
    uploaded_at      TIMESTAMPTZ,
    status           TEXT,
    raw              JSONB       NOT NULL,
    content_hash     TEXT        NOT NULL,
    first_seen_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (account_id, invoice_id)
);
CREATE INDEX order_invoices_order_idx ON order_invoices (account_id, checkout_form_id);

CREATE TABLE order_invoice_versions (
    id             BIGSERIAL PRIMARY KEY,
    invoice_row_id BIGINT      NOT NULL REFERENCES order_invoices (id) ON DELETE CASCADE,
    status         TEXT,
    raw            JSONB       NOT NULL,
    content_hash   TEXT        NOT NULL,
    seen_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (invoice_row_id, content_hash)
);

-- When the backup last read an order's invoices, and what the answer said of the order as a
-- whole: the order's revision then (read again when it changes), whether an invoice was still
-- open (no file yet, or its scan WAITING), whether Allegro no longer knows the order (404),
-- and the rest of the answer (orderMode, hasExternalInvoices, links) as sent.
CREATE TABLE invoice_reads (
    account_id       BIGINT      NOT NULL REFERENCES allegro_accounts (id) ON DELETE CASCADE,
    checkout_form_id TEXT        NOT NULL,
    read_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    revision         TEXT,
    open             BOOLEAN     NOT NULL DEFAULT false,
    gone             BOOLEAN     NOT NULL DEFAULT false,
    answer           JSONB,
    PRIMARY KEY (account_id, checkout_form_id)
);

-- The claims and invoices steps of a run: their own phases and counters.
ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_phase_check;
ALTER TABLE sync_runs
    ADD CONSTRAINT sync_runs_phase_check
        CHECK (phase IN ('orders', 'events', 'coverage', 'shipments', 'returns', 'refunds',
                         'billing', 'payment_operations', 'refund_claims', 'invoices')),
    ADD COLUMN refund_claims_fetched BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN refund_claims_changed BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN invoices_fetched BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN invoices_changed BIGINT NOT NULL DEFAULT 0;
