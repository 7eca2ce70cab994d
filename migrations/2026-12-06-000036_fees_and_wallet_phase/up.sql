-- A run lists the fees and the wallet side by side: one step, `fees_and_wallet`, for both.
ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_phase_check;
UPDATE sync_runs SET phase = 'fees_and_wallet' WHERE phase IN ('billing', 'payment_operations');
ALTER TABLE sync_runs
    ADD CONSTRAINT sync_runs_phase_check
        CHECK (phase IN ('orders', 'events', 'coverage', 'shipments', 'returns', 'refunds',
                         'fees_and_wallet', 'refund_claims', 'invoices'));
