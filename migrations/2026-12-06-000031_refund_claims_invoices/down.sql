UPDATE sync_runs SET phase = NULL WHERE phase IN ('refund_claims', 'invoices');
ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_phase_check;
ALTER TABLE sync_runs
    ADD CONSTRAINT sync_runs_phase_check
        CHECK (phase IN ('orders', 'events', 'coverage', 'shipments', 'returns', 'refunds',
                         'billing', 'payment_operations')),
    DROP COLUMN invoices_changed,
    DROP COLUMN invoices_fetched,
    DROP COLUMN refund_claims_changed,
    DROP COLUMN refund_claims_fetched;
DELETE FROM windowed_listings WHERE listing = 'refund_claims';
DROP TABLE invoice_reads;
DROP TABLE order_invoice_versions;
DROP TABLE order_invoices;
DROP TABLE refund_claim_versions;
DROP TABLE refund_claims;
