UPDATE sync_runs SET phase = NULL WHERE phase = 'payment_operations';
ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_phase_check;
ALTER TABLE sync_runs
    ADD CONSTRAINT sync_runs_phase_check
        CHECK (phase IN ('orders', 'events', 'coverage', 'shipments', 'returns', 'refunds',
                         'billing')),
    DROP COLUMN payment_operations_changed,
    DROP COLUMN payment_operations_fetched;
DELETE FROM account_scope_gaps WHERE resource = 'payment_operations';
ALTER TABLE account_scope_gaps DROP CONSTRAINT account_scope_gaps_resource_check;
ALTER TABLE account_scope_gaps ADD CONSTRAINT account_scope_gaps_resource_check
    CHECK (resource IN ('returns', 'refunds', 'billing'));
DELETE FROM windowed_listings WHERE listing LIKE 'payment_operations:%';
DROP TABLE payment_operations;
DROP INDEX orders_payment_idx;
