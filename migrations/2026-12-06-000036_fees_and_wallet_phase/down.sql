ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_phase_check;
UPDATE sync_runs SET phase = 'billing' WHERE phase = 'fees_and_wallet';
ALTER TABLE sync_runs
    ADD CONSTRAINT sync_runs_phase_check
        CHECK (phase IN ('orders', 'events', 'coverage', 'shipments', 'returns', 'refunds',
                         'billing', 'payment_operations', 'refund_claims', 'invoices'));
