-- Payment operations (issue 18): GET /payments/payment-operations, the history of the seller's
-- Allegro Finance wallets (payments in, refunds out, payouts, …). An operation has no id at
-- Allegro and never changes: it is known by the hash of its canonical document. Money held
-- back (the WAITING wallet) shows up again in AVAILABLE, as a new operation, when released:
-- the held one then gets `released_at`. An operation names its order's payment by payment id
-- (no foreign key: operations outlive the order).
CREATE TABLE payment_operations (
    id                BIGSERIAL PRIMARY KEY,
    account_id        BIGINT      NOT NULL REFERENCES allegro_accounts (id) ON DELETE CASCADE,
    content_hash      TEXT        NOT NULL,
    wallet_type       TEXT        NOT NULL,
    payment_operator  TEXT,
    operation_type    TEXT,
    operation_group   TEXT,
    occurred_at       TIMESTAMPTZ,
    amount            NUMERIC(14, 2),
    currency          TEXT,
    balance           NUMERIC(14, 2),
    marketplace_id    TEXT,
    payment_id        TEXT,
    payout_id         TEXT,
    participant_login TEXT,
    released_at       TIMESTAMPTZ,
    raw               JSONB       NOT NULL,
    first_seen_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (account_id, content_hash)
);
CREATE INDEX payment_operations_payment_idx ON payment_operations (account_id, payment_id);
CREATE INDEX payment_operations_occurred_idx ON payment_operations (account_id, occurred_at);
-- Held money not released yet: each run matches it against the AVAILABLE wallet.
CREATE INDEX payment_operations_held_idx ON payment_operations (account_id, payment_id)
    WHERE wallet_type = 'WAITING' AND released_at IS NULL;

ALTER TABLE account_scope_gaps DROP CONSTRAINT account_scope_gaps_resource_check;
ALTER TABLE account_scope_gaps ADD CONSTRAINT account_scope_gaps_resource_check
    CHECK (resource IN ('returns', 'refunds', 'billing', 'payment_operations'));

-- The wallet step of a run: its own phase and counters.
ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_phase_check;
ALTER TABLE sync_runs
    ADD CONSTRAINT sync_runs_phase_check
        CHECK (phase IN ('orders', 'events', 'coverage', 'shipments', 'returns', 'refunds',
                         'billing', 'payment_operations')),
    ADD COLUMN payment_operations_fetched BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN payment_operations_changed BIGINT NOT NULL DEFAULT 0;

-- Orders by their payment: how the wallet history names an order.
CREATE INDEX orders_payment_idx ON orders (account_id, (raw #>> '{payment,id}'));
