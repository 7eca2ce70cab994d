UPDATE sync_runs SET phase = NULL WHERE phase = 'refunds';
ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_phase_check;
ALTER TABLE sync_runs
    ADD CONSTRAINT sync_runs_phase_check
        CHECK (phase IN ('orders', 'events', 'coverage', 'shipments', 'returns')),
    DROP COLUMN refunds_changed,
    DROP COLUMN refunds_fetched;
ALTER TABLE customer_return_sync ADD COLUMN missing_scope_since TIMESTAMPTZ;
UPDATE customer_return_sync s SET missing_scope_since = g.since
    FROM account_scope_gaps g
    WHERE g.account_id = s.account_id AND g.resource = 'returns';
DROP TABLE account_scope_gaps;
DROP TABLE payment_refund_sync;
DROP TABLE payment_refund_versions;
DROP TABLE payment_refunds;
