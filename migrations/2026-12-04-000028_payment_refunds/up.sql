-- Payment refunds (issue 18): GET /payments/refunds. Allegro changes a refund's status in place
-- (NEW → VALIDATED → IN_PROGRESS → SUCCESS or CANCELED) and keeps no history, so every distinct
-- version read is kept. A refund names its order by checkout form id and its payment by payment
-- id; it outlives the order on Allegro, so the link is by id within the account.
CREATE TABLE payment_refunds (
    id               BIGSERIAL PRIMARY KEY,
    account_id       BIGINT      NOT NULL REFERENCES allegro_accounts (id) ON DELETE CASCADE,
    refund_id        TEXT        NOT NULL,
    checkout_form_id TEXT,
    payment_id       TEXT,
    reason           TEXT,
    status           TEXT,
    created_at       TIMESTAMPTZ,
    total_amount     NUMERIC(14, 2),
    currency         TEXT,
    raw              JSONB       NOT NULL,
    content_hash     TEXT        NOT NULL,
    first_seen_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (account_id, refund_id)
);
CREATE INDEX payment_refunds_order_idx ON payment_refunds (account_id, checkout_form_id);
CREATE INDEX payment_refunds_payment_idx ON payment_refunds (account_id, payment_id);
-- The refunds a run re-reads: those not final yet (domain::refund::FINAL_REFUND_STATUSES).
CREATE INDEX payment_refunds_open_idx ON payment_refunds (account_id, created_at)
    WHERE status IS NULL OR status NOT IN ('SUCCESS', 'PARTIAL', 'CANCELED', 'VALIDATE_FAILED');

-- Every distinct version of a refund, oldest first: its status history as the backup saw it.
CREATE TABLE payment_refund_versions (
    id            BIGSERIAL PRIMARY KEY,
    refund_row_id BIGINT      NOT NULL REFERENCES payment_refunds (id) ON DELETE CASCADE,
    status        TEXT,
    raw           JSONB       NOT NULL,
    content_hash  TEXT        NOT NULL,
    seen_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (refund_row_id, content_hash)
);

-- Where the refunds pass of an account stands. A listing covers the creation times
-- [listing_from, listing_to] in windows small enough for the offset reach; listing_from moves
-- forward as windows complete, window_end/window_offset say how far the current window is.
-- listed_through: every refund created up to it has been listed (the high-water mark the next
-- listing starts from, less an overlap).
CREATE TABLE payment_refund_sync (
    account_id              BIGINT PRIMARY KEY REFERENCES allegro_accounts (id) ON DELETE CASCADE,
    first_pass_from         TIMESTAMPTZ,
    first_pass_completed_at TIMESTAMPTZ,
    listed_through          TIMESTAMPTZ,
    listing_from            TIMESTAMPTZ,
    listing_to              TIMESTAMPTZ,
    window_end              TIMESTAMPTZ,
    window_offset           INTEGER     NOT NULL DEFAULT 0 CHECK (window_offset >= 0),
    updated_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((listing_from IS NULL) = (listing_to IS NULL))
);

-- The resources an account's authorisation does not allow reading (connected before the scope
-- was asked for), one row per resource: one home for what the returns kept in their own table.
CREATE TABLE account_scope_gaps (
    account_id BIGINT      NOT NULL REFERENCES allegro_accounts (id) ON DELETE CASCADE,
    resource   TEXT        NOT NULL CHECK (resource IN ('returns', 'refunds')),
    since      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, resource)
);
INSERT INTO account_scope_gaps (account_id, resource, since)
    SELECT account_id, 'returns', missing_scope_since
    FROM customer_return_sync WHERE missing_scope_since IS NOT NULL;
ALTER TABLE customer_return_sync DROP COLUMN missing_scope_since;

-- The refunds step of a run: its own phase and counters.
ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_phase_check;
ALTER TABLE sync_runs
    ADD CONSTRAINT sync_runs_phase_check
        CHECK (phase IN ('orders', 'events', 'coverage', 'shipments', 'returns', 'refunds')),
    ADD COLUMN refunds_fetched BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN refunds_changed BIGINT NOT NULL DEFAULT 0;
