-- Webhooks (issue 17): endpoints admins register, and the deliveries to make to them (the
-- outbox). A delivery is decided in the transaction of the change it reports:
-- * order changes are already numbered in `order_changes` by the order's transaction; each
--   endpoint's `last_seq` says up to where they were turned into its deliveries, and is moved
--   in the transaction that inserts them (the endpoint's row locked), so each change becomes
--   exactly one delivery per endpoint even with several replicas or a crash between the two;
-- * `sync.failed` and `account.needs_reauth` are inserted as deliveries by the transaction
--   that records the failed run or the account's new state.
CREATE TABLE webhook_endpoints (
    id                BIGSERIAL PRIMARY KEY,
    url               TEXT        NOT NULL CHECK (url ~ '^https?://'),
    -- Event types sent: order.created, order.updated, order.gone, sync.failed,
    -- account.needs_reauth.
    events            TEXT[]      NOT NULL CHECK (cardinality(events) > 0),
    -- Only this account's events (NULL: every account's).
    account_id        BIGINT REFERENCES allegro_accounts (id) ON DELETE CASCADE,
    -- The signing secret (whsec_…), encrypted like Allegro tokens (crypto::TokenCipher).
    secret_encrypted  TEXT        NOT NULL,
    -- Order changes up to this number were turned into this endpoint's deliveries.
    last_seq          BIGINT      NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- Set when the oldest failure without a success since is 24 h old; no sending until it
    -- is enabled again (deliveries keep being recorded).
    disabled_at       TIMESTAMPTZ,
    -- The first failed attempt since the last success (NULL: not failing).
    failing_since     TIMESTAMPTZ
);

CREATE TABLE webhook_deliveries (
    id                BIGSERIAL PRIMARY KEY,
    endpoint_id       BIGINT      NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    -- The message id (webhook-id header and the payload's id): the same on every attempt, so
    -- receivers can drop duplicates.
    message_id        TEXT        NOT NULL UNIQUE,
    event_type        TEXT        NOT NULL,
    -- Deliveries with the same key (the order's checkout form id) go out one after the other,
    -- in id order; NULL: no order to keep.
    order_key         TEXT,
    -- The exact body sent (and signed).
    body              TEXT        NOT NULL,
    -- pending, delivered, or failed (retried for 24 h without success).
    status            TEXT        NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts          INT         NOT NULL DEFAULT 0,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- When it was last queued (created, or resent by hand): retries stop 24 h after it.
    queued_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- When it may be sent (next); a claimed delivery is leased: pushed past the attempt.
    next_attempt_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_attempt_at   TIMESTAMPTZ,
    -- The receiver's HTTP status (NULL: no answer) and how long the attempt took.
    last_status_code  INT,
    last_duration_ms  INT,
    last_error        TEXT,
    delivered_at      TIMESTAMPTZ
);
-- The worker's claim: due pending deliveries, oldest first.
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at, id)
    WHERE status = 'pending';
-- The per-order order: an earlier pending delivery of the same order holds the later ones.
CREATE INDEX webhook_deliveries_order_idx ON webhook_deliveries (endpoint_id, order_key, id)
    WHERE status = 'pending';
-- The deliveries page, newest first.
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id DESC);
