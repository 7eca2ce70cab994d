-- A run lists the fees and the wallet side by side: one step, `fees_and_wallet`, for both.
-- The old steps stay allowed for replicas of the previous version during a rolling upgrade
-- (the dashboard reads them as the shared step).
ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_phase_check;
UPDATE sync_runs SET phase = 'fees_and_wallet' WHERE phase IN ('billing', 'payment_operations');
ALTER TABLE sync_runs
    ADD CONSTRAINT sync_runs_phase_check
        CHECK (phase IN ('orders', 'events', 'coverage', 'shipments', 'returns', 'refunds',
                         'fees_and_wallet', 'billing', 'payment_operations', 'refund_claims',
                         'invoices'));
