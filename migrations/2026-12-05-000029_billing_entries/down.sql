UPDATE sync_runs SET phase = NULL WHERE phase = 'billing';
ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_phase_check;
ALTER TABLE sync_runs
    ADD CONSTRAINT sync_runs_phase_check
        CHECK (phase IN ('orders', 'events', 'coverage', 'shipments', 'returns', 'refunds')),
    DROP COLUMN billing_changed,
    DROP COLUMN billing_fetched;
DELETE FROM account_scope_gaps WHERE resource = 'billing';
ALTER TABLE account_scope_gaps DROP CONSTRAINT account_scope_gaps_resource_check;
ALTER TABLE account_scope_gaps ADD CONSTRAINT account_scope_gaps_resource_check
    CHECK (resource IN ('returns', 'refunds'));

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
INSERT INTO payment_refund_sync
    SELECT account_id, first_pass_from, first_pass_completed_at, listed_through, listing_from,
           listing_to, window_end, window_offset, updated_at
    FROM windowed_listings WHERE listing = 'refunds';
DROP TABLE windowed_listings;
DROP INDEX orders_marketplace_idx;
DROP TABLE billing_entry_versions;
DROP TABLE billing_entries;
