-- The order backup: every checkout form of every linked account (never deleted by a sync), its
-- line items, every distinct version of its JSON, the event journal and orders that failed to
-- store. Amounts are NUMERIC, written from Allegro's decimal strings (never floats).

CREATE TABLE orders (
    id                   BIGSERIAL PRIMARY KEY,
    account_id           BIGINT      NOT NULL REFERENCES allegro_accounts (id) ON DELETE CASCADE,
    -- Allegro's checkout form id (a UUID string).
    checkout_form_id     TEXT        NOT NULL,
    marketplace_id       TEXT,
    status               TEXT        NOT NULL,
    fulfillment_status   TEXT,
    buyer_id             TEXT        NOT NULL,
    buyer_login          TEXT,
    buyer_email          TEXT,
    buyer_first_name     TEXT,
    buyer_last_name      TEXT,
    buyer_company_name   TEXT,
    buyer_guest          BOOLEAN     NOT NULL DEFAULT false,
    -- summary.totalToPay
    total_amount         NUMERIC(14, 2),
    currency             TEXT,
    payment_type         TEXT,
    payment_provider     TEXT,
    payment_finished_at  TIMESTAMPTZ,
    paid_amount          NUMERIC(14, 2),
    delivery_method_id   TEXT,
    delivery_method_name TEXT,
    pickup_point_id      TEXT,
    invoice_required     BOOLEAN     NOT NULL DEFAULT false,
    line_item_count      INTEGER     NOT NULL DEFAULT 0,
    -- The latest lineItems[].boughtAt.
    bought_at            TIMESTAMPTZ,
    -- Allegro's updatedAt (not bumped by fulfillment changes; revision is).
    updated_at           TIMESTAMPTZ,
    revision             TEXT,
    -- sha256 (hex) of the canonical (sorted keys, no whitespace) JSON in raw.
    content_hash         TEXT        NOT NULL,
    raw                  JSONB       NOT NULL,
    first_seen_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- Checkout form id of the form that replaced this one (merged purchase).
    merged_into          TEXT,
    -- When Allegro stopped serving this form (out of its ~12-month window).
    gone_from_allegro_at TIMESTAMPTZ,
    UNIQUE (account_id, checkout_form_id)
);
CREATE INDEX orders_account_bought_at_idx ON orders (account_id, bought_at DESC, id DESC);
CREATE INDEX orders_account_updated_at_idx ON orders (account_id, updated_at);
CREATE INDEX orders_status_idx ON orders (account_id, status);
CREATE INDEX orders_fulfillment_status_idx ON orders (account_id, fulfillment_status);
CREATE INDEX orders_buyer_login_idx ON orders (lower(buyer_login));
CREATE INDEX orders_buyer_email_idx ON orders (lower(buyer_email));
CREATE INDEX orders_merged_into_idx ON orders (account_id, merged_into)
    WHERE merged_into IS NOT NULL;

-- Name search: trigram indexes when pg_trgm can be installed here (it needs the contrib package
-- and, before PostgreSQL 13, a superuser). Without it searches still work, only slower.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
        BEGIN
            CREATE EXTENSION IF NOT EXISTS pg_trgm;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'pg_trgm not installed (insufficient privilege): no trigram index';
        END;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        EXECUTE $sql$CREATE INDEX orders_buyer_search_trgm_idx ON orders USING gin (
            (lower(coalesce(buyer_login, '') || ' ' || coalesce(buyer_email, '') || ' '
                || coalesce(buyer_first_name, '') || ' ' || coalesce(buyer_last_name, '') || ' '
                || coalesce(buyer_company_name, ''))) gin_trgm_ops)$sql$;
    END IF;
END
$$;

CREATE TABLE order_line_items (
    id             BIGSERIAL PRIMARY KEY,
    order_id       BIGINT      NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    -- Survives a purchase merge (the checkout form id does not).
    line_item_id   TEXT        NOT NULL,
    offer_id       TEXT        NOT NULL,
    offer_name     TEXT,
    external_id    TEXT,
    quantity       INTEGER     NOT NULL,
    -- Unit prices.
    price          NUMERIC(14, 2) NOT NULL,
    original_price NUMERIC(14, 2),
    currency       TEXT        NOT NULL,
    bought_at      TIMESTAMPTZ,
    UNIQUE (order_id, line_item_id)
);
CREATE INDEX order_line_items_line_item_id_idx ON order_line_items (line_item_id);
CREATE INDEX order_line_items_offer_id_idx ON order_line_items (offer_id);
CREATE INDEX order_line_items_external_id_idx ON order_line_items (external_id)
    WHERE external_id IS NOT NULL;

-- Every distinct version of an order's JSON; an unchanged re-fetch adds nothing.
CREATE TABLE order_revisions (
    id           BIGSERIAL PRIMARY KEY,
    order_id     BIGINT      NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    revision     TEXT,
    content_hash TEXT        NOT NULL,
    raw          JSONB       NOT NULL,
    seen_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (order_id, content_hash)
);

-- The event journal, for the order timeline. Ids are digit strings ordered by the journal;
-- event_seq holds the same number as NUMERIC so that SQL can sort and compare them.
CREATE TABLE order_events (
    id               BIGSERIAL PRIMARY KEY,
    account_id       BIGINT      NOT NULL REFERENCES allegro_accounts (id) ON DELETE CASCADE,
    event_id         TEXT        NOT NULL CHECK (event_id ~ '^[0-9]+$'),
    event_seq        NUMERIC(40, 0) NOT NULL,
    event_type       TEXT        NOT NULL,
    occurred_at      TIMESTAMPTZ NOT NULL,
    checkout_form_id TEXT,
    raw              JSONB       NOT NULL,
    stored_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (account_id, event_id)
);
CREATE INDEX order_events_account_seq_idx ON order_events (account_id, event_seq);
CREATE INDEX order_events_checkout_form_idx ON order_events (account_id, checkout_form_id, event_seq);

-- Orders that failed to store: kept as received, retried later, never blocking the others.
CREATE TABLE order_quarantine (
    id               BIGSERIAL PRIMARY KEY,
    account_id       BIGINT      NOT NULL REFERENCES allegro_accounts (id) ON DELETE CASCADE,
    checkout_form_id TEXT,
    raw              TEXT        NOT NULL,
    error            TEXT        NOT NULL,
    attempts         INTEGER     NOT NULL DEFAULT 1,
    first_failed_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_failed_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (account_id, checkout_form_id)
);
