-- Customer returns (issue 18): GET /order/customer-returns. Allegro keeps no status history of
-- a return and changes it in place, so every distinct version read is kept. A return names its
-- order by checkout form id; it outlives the order on Allegro (2.5 years against 12 months),
-- so the link is by id within the account, not a foreign key.
CREATE TABLE customer_returns (
    id               BIGSERIAL PRIMARY KEY,
    account_id       BIGINT      NOT NULL REFERENCES allegro_accounts (id) ON DELETE CASCADE,
    return_id        TEXT        NOT NULL,
    checkout_form_id TEXT,
    reference_number TEXT,
    status           TEXT,
    created_at       TIMESTAMPTZ,
    raw              JSONB       NOT NULL,
    content_hash     TEXT        NOT NULL,
    first_seen_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (account_id, return_id)
);
CREATE INDEX customer_returns_order_idx ON customer_returns (account_id, checkout_form_id);
-- The returns a run re-reads: those not final yet (the statuses of
-- domain::customer_return::FINAL_RETURN_STATUSES).
CREATE INDEX customer_returns_open_idx ON customer_returns (account_id, created_at)
    WHERE status IS NULL OR status NOT IN ('REJECTED', 'FINISHED_APT', 'COMMISSION_REFUNDED');

-- Every distinct version of a return, oldest first: its status history as the backup saw it.
CREATE TABLE customer_return_versions (
    id            BIGSERIAL PRIMARY KEY,
    return_row_id BIGINT      NOT NULL REFERENCES customer_returns (id) ON DELETE CASCADE,
    status        TEXT,
    raw           JSONB       NOT NULL,
    content_hash  TEXT        NOT NULL,
    seen_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (return_row_id, content_hash)
);

-- Where the returns pass of an account stands: the last return received (the list's `from`,
-- oldest first), how far back the first pass reaches and when it completed, and since when the
-- account's authorisation does not allow reading returns (shown on the Accounts page).
CREATE TABLE customer_return_sync (
    account_id              BIGINT PRIMARY KEY REFERENCES allegro_accounts (id) ON DELETE CASCADE,
    last_return_id          TEXT,
    first_pass_from         TIMESTAMPTZ,
    first_pass_completed_at TIMESTAMPTZ,
    relisted_at             TIMESTAMPTZ,
    missing_scope_since     TIMESTAMPTZ,
    updated_at              TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The returns step of a run: its own phase and counters.
ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_phase_check;
ALTER TABLE sync_runs
    ADD CONSTRAINT sync_runs_phase_check
        CHECK (phase IN ('orders', 'events', 'coverage', 'shipments', 'returns')),
    ADD COLUMN returns_fetched BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN returns_changed BIGINT NOT NULL DEFAULT 0;
