-- The orders workspace: accent-insensitive search, privacy by role, display time zone, team
-- notes and tags, saved views.

-- Case- and accent-folding for search ("Łódź" and "lodz" fold alike). Accented capitals are
-- mapped before lower() so the result does not depend on the database's LC_CTYPE. IMMUTABLE so
-- that indexes can use it.
CREATE FUNCTION fold_text(t TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN lower(translate(t,
        'ąćęłńóśźżáàâäãåāăçčďđéèêëěēíìîïīľĺňñôöõőøòřŕšşťţúùûüůűūýÿžĄĆĘŁŃÓŚŹŻÁÀÂÄÃÅĀĂÇČĎĐÉÈÊËĚĒÍÌÎÏĪĽĹŇÑÔÖÕŐØÒŘŔŠŞŤŢÚÙÛÜŮŰŪÝŸŽ',
        'acelnoszzaaaaaaaaccddeeeeeeiiiiillnnoooooorrssttuuuuuuuyyzACELNOSZZAAAAAAAACCDDEEEEEEIIIIILLNNOOOOOORRSSTTUUUUUUUYYZ'));

-- What the search box matches in an order's own columns (offer names live in line items).
CREATE FUNCTION order_search_text(login TEXT, email TEXT, first_name TEXT, last_name TEXT,
                                  company TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN fold_text(concat_ws(' ', login, email, first_name, last_name, company));

DROP INDEX IF EXISTS orders_buyer_search_trgm_idx;

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
        EXECUTE $sql$CREATE INDEX orders_search_trgm_idx ON orders USING gin (
            order_search_text(buyer_login, buyer_email, buyer_first_name, buyer_last_name,
                              buyer_company_name) gin_trgm_ops)$sql$;
        EXECUTE $sql$CREATE INDEX order_line_items_offer_name_trgm_idx ON order_line_items
            USING gin (fold_text(offer_name) gin_trgm_ops)$sql$;
    END IF;
END
$$;

-- Order id prefix search.
CREATE INDEX orders_checkout_form_id_prefix_idx ON orders (checkout_form_id text_pattern_ops);
-- The default view across accounts (newest first) and the other sort keys.
CREATE INDEX orders_bought_at_idx ON orders (bought_at DESC, id DESC);
CREATE INDEX orders_updated_idx ON orders (updated_at DESC, id DESC);
CREATE INDEX orders_total_idx ON orders (total_amount DESC, id DESC);

-- Privacy by role: a user sees every account unless all_accounts is false, then only the
-- accounts listed in user_accounts; hide_personal_data masks buyer personal data for them.
ALTER TABLE users
    ADD COLUMN all_accounts       BOOLEAN NOT NULL DEFAULT true,
    ADD COLUMN hide_personal_data BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE user_accounts (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES allegro_accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, account_id)
);

-- IANA time zone the pages show times in and date filters mean days of (NULL: Europe/Warsaw).
ALTER TABLE settings ADD COLUMN display_time_zone TEXT;

-- Internal team notes on an order (never sent to Allegro).
CREATE TABLE order_notes (
    id         BIGSERIAL PRIMARY KEY,
    order_id   BIGINT      NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    author_id  BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    body       TEXT        NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX order_notes_order_idx ON order_notes (order_id, created_at);

-- Internal tags on an order.
CREATE TABLE order_tags (
    order_id   BIGINT      NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    tag        TEXT        NOT NULL CHECK (length(tag) BETWEEN 1 AND 40),
    created_by BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, tag)
);
CREATE INDEX order_tags_tag_idx ON order_tags (tag);

-- A named filter set of the orders list: the user's own, or shared with everyone (admins).
CREATE TABLE saved_views (
    id         BIGSERIAL PRIMARY KEY,
    owner_id   BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    -- The list's query string (the filters), without cursor.
    query      TEXT        NOT NULL,
    shared     BOOLEAN     NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (owner_id, name)
);
CREATE INDEX saved_views_shared_idx ON saved_views (shared) WHERE shared;
