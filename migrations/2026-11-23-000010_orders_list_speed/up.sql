-- The delivery methods the orders list offers in its filter, per account. Reading them from
-- `orders` (DISTINCT over every order) costs a scan of the whole table per page view; this small
-- table answers in constant time. Statement-level triggers keep it up to date from every write
-- path (sync, seeding, tests): one DISTINCT over the statement's rows, not a trigger per row.
CREATE TABLE order_delivery_methods (
    account_id BIGINT NOT NULL REFERENCES allegro_accounts (id) ON DELETE CASCADE,
    method_id  TEXT   NOT NULL,
    name       TEXT,
    PRIMARY KEY (account_id, method_id)
);

INSERT INTO order_delivery_methods (account_id, method_id, name)
SELECT DISTINCT ON (account_id, delivery_method_id) account_id, delivery_method_id, delivery_method_name
FROM orders
WHERE delivery_method_id IS NOT NULL
ORDER BY account_id, delivery_method_id, last_seen_at DESC;

CREATE FUNCTION remember_delivery_methods() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO order_delivery_methods (account_id, method_id, name)
    SELECT DISTINCT ON (account_id, delivery_method_id) account_id, delivery_method_id, delivery_method_name
    FROM changed_orders c
    WHERE delivery_method_id IS NOT NULL
      -- Known methods are skipped before the upsert: ON CONFLICT would lock their rows until
      -- commit, serialising concurrent page writes of one account.
      AND NOT EXISTS (SELECT 1 FROM order_delivery_methods d
                      WHERE d.account_id = c.account_id AND d.method_id = c.delivery_method_id
                        AND d.name IS NOT DISTINCT FROM c.delivery_method_name)
    ORDER BY account_id, delivery_method_id
    ON CONFLICT (account_id, method_id) DO UPDATE SET name = EXCLUDED.name
        WHERE order_delivery_methods.name IS DISTINCT FROM EXCLUDED.name;
    RETURN NULL;
END
$$;

CREATE TRIGGER orders_insert_delivery_methods AFTER INSERT ON orders
    REFERENCING NEW TABLE AS changed_orders
    FOR EACH STATEMENT EXECUTE FUNCTION remember_delivery_methods();
CREATE TRIGGER orders_update_delivery_methods AFTER UPDATE ON orders
    REFERENCING NEW TABLE AS changed_orders
    FOR EACH STATEMENT EXECUTE FUNCTION remember_delivery_methods();

-- What the search box matches, stored next to the order (computed once per write, not per row
-- read): the buyer's login, email, names and company, and the line items' offer ids, names and
-- external ids, all folded. Searching can then use one OR over columns of `orders`, letting the
-- planner choose per search between combining the trigram indexes (rare text) and walking the
-- sort index while filtering (common text: folding on the fly cost ~70 µs a row there). A join
-- or a union of id sets would force the former always. Offers come from the checkout form
-- itself, the source of truth the line items are derived from too.
CREATE FUNCTION order_items_search_text(form JSONB) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN fold_text((SELECT string_agg(concat_ws(' ', item -> 'offer' ->> 'id',
                                                  item -> 'offer' ->> 'name',
                                                  item -> 'offer' -> 'external' ->> 'id'), ' ')
                      FROM jsonb_array_elements(
                          CASE jsonb_typeof(form -> 'lineItems')
                              WHEN 'array' THEN form -> 'lineItems' ELSE '[]' END) AS item));

-- The columns below rewrite the table and push most documents over the 2 KB inline limit:
-- compress them with lz4 where the server has it (decompressing pglz cost an export ~8 µs a row).
DO $$
BEGIN
    ALTER TABLE orders ALTER COLUMN raw SET COMPRESSION lz4;
    ALTER TABLE order_revisions ALTER COLUMN raw SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    RAISE NOTICE 'lz4 not available: documents stay pglz-compressed';
END
$$;

ALTER TABLE orders
    ADD COLUMN buyer_search_text TEXT GENERATED ALWAYS AS (
        order_search_text(buyer_login, buyer_email, buyer_first_name, buyer_last_name,
                          buyer_company_name)) STORED,
    ADD COLUMN items_search_text TEXT GENERATED ALWAYS AS (order_items_search_text(raw)) STORED;

DROP INDEX IF EXISTS orders_search_trgm_idx;
DROP INDEX IF EXISTS order_line_items_offer_name_trgm_idx;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        EXECUTE 'CREATE INDEX orders_buyer_search_trgm_idx ON orders
                 USING gin (buyer_search_text gin_trgm_ops)';
        EXECUTE 'CREATE INDEX orders_items_search_trgm_idx ON orders
                 USING gin (items_search_text gin_trgm_ops)';
    END IF;
END
$$;
