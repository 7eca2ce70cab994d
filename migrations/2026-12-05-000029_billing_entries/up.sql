-- Billing entries (issue 18): GET /billing/billing-entries, the fees Allegro charges and the
-- credits it gives back. Entries are appended; Allegro may fill an entry in later (the offer's
-- name), so every distinct version read is kept. An entry names its order by checkout form id
-- (no foreign key: fees are kept six years, orders about one).
CREATE TABLE billing_entries (
    id               BIGSERIAL PRIMARY KEY,
    account_id       BIGINT      NOT NULL REFERENCES allegro_accounts (id) ON DELETE CASCADE,
    entry_id         TEXT        NOT NULL,
    occurred_at      TIMESTAMPTZ,
    type_id          TEXT,
    type_name        TEXT,
    offer_id         TEXT,
    offer_name       TEXT,
    checkout_form_id TEXT,
    marketplace_id   TEXT,
    amount           NUMERIC(14, 2),
    currency         TEXT,
    raw              JSONB       NOT NULL,
    content_hash     TEXT        NOT NULL,
    first_seen_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (account_id, entry_id)
);
CREATE INDEX billing_entries_order_idx ON billing_entries (account_id, checkout_form_id);
CREATE INDEX billing_entries_occurred_idx ON billing_entries (account_id, occurred_at);
-- Entries whose offer Allegro has not named yet: a run lists again from the oldest of them.
CREATE INDEX billing_entries_unnamed_offer_idx ON billing_entries (account_id, occurred_at)
    WHERE offer_id IS NOT NULL AND offer_name IS NULL;

-- Every distinct version of an entry, oldest first.
CREATE TABLE billing_entry_versions (
    id           BIGSERIAL PRIMARY KEY,
    entry_row_id BIGINT      NOT NULL REFERENCES billing_entries (id) ON DELETE CASCADE,
    raw          JSONB       NOT NULL,
    content_hash TEXT        NOT NULL,
    seen_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (entry_row_id, content_hash)
);

-- The marketplaces an account sells on (one billing listing each), found by a skip scan.
CREATE INDEX orders_marketplace_idx ON orders (account_id, marketplace_id);

-- Where each time-windowed listing of an account stands: the refunds, and the fees of each
-- marketplace ('billing:allegro-pl', …). One home for what payment_refund_sync held for the
-- refunds alone; its rows move here.
CREATE TABLE windowed_listings (
    account_id              BIGINT      NOT NULL REFERENCES allegro_accounts (id) ON DELETE CASCADE,
    listing                 TEXT        NOT NULL,
    first_pass_from         TIMESTAMPTZ,
    first_pass_completed_at TIMESTAMPTZ,
    listed_through          TIMESTAMPTZ,
    listing_from            TIMESTAMPTZ,
    listing_to              TIMESTAMPTZ,
    window_end              TIMESTAMPTZ,
    window_offset           INTEGER     NOT NULL DEFAULT 0 CHECK (window_offset >= 0),
    updated_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, listing),
    CHECK ((listing_from IS NULL) = (listing_to IS NULL))
);
INSERT INTO windowed_listings
    SELECT account_id, 'refunds', first_pass_from, first_pass_completed_at, listed_through,
           listing_from, listing_to, window_end, window_offset, updated_at
    FROM payment_refund_sync;
DROP TABLE payment_refund_sync;

ALTER TABLE account_scope_gaps DROP CONSTRAINT account_scope_gaps_resource_check;
ALTER TABLE account_scope_gaps ADD CONSTRAINT account_scope_gaps_resource_check
    CHECK (resource IN ('returns', 'refunds', 'billing'));

-- The fees step of a run: its own phase and counters.
ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_phase_check;
ALTER TABLE sync_runs
    ADD CONSTRAINT sync_runs_phase_check
        CHECK (phase IN ('orders', 'events', 'coverage', 'shipments', 'returns', 'refunds',
                         'billing')),
    ADD COLUMN billing_fetched BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN billing_changed BIGINT NOT NULL DEFAULT 0;
