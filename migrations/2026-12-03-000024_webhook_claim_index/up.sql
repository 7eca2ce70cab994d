-- The worker claims due deliveries endpoint by endpoint (webhook_delivery::claim_due): each
-- enabled endpoint's due rows in (next_attempt_at, id) order, so a disabled endpoint's
-- backlog is never walked and one endpoint's backlog does not hide another's.
DROP INDEX webhook_deliveries_due_idx;
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (endpoint_id, next_attempt_at, id)
    WHERE status = 'pending';
