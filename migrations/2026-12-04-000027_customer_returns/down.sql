UPDATE sync_runs SET phase = NULL WHERE phase = 'returns';
ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_phase_check;
ALTER TABLE sync_runs
    ADD CONSTRAINT sync_runs_phase_check
        CHECK (phase IN ('orders', 'events', 'coverage', 'shipments')),
    DROP COLUMN returns_changed,
    DROP COLUMN returns_fetched;
DROP TABLE customer_return_sync;
DROP TABLE customer_return_versions;
DROP TABLE customer_returns;
