DROP INDEX IF EXISTS orders_items_search_trgm_idx;
DROP INDEX IF EXISTS orders_buyer_search_trgm_idx;
ALTER TABLE orders DROP COLUMN IF EXISTS items_search_text, DROP COLUMN IF EXISTS buyer_search_text;
DROP FUNCTION IF EXISTS order_items_search_text(JSONB);
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        EXECUTE 'CREATE INDEX orders_search_trgm_idx ON orders USING gin (
            order_search_text(buyer_login, buyer_email, buyer_first_name, buyer_last_name,
                              buyer_company_name) gin_trgm_ops)';
        EXECUTE 'CREATE INDEX order_line_items_offer_name_trgm_idx ON order_line_items
                 USING gin (fold_text(offer_name) gin_trgm_ops)';
    END IF;
END
$$;
DROP TRIGGER IF EXISTS orders_update_delivery_methods ON orders;
DROP TRIGGER IF EXISTS orders_insert_delivery_methods ON orders;
DROP FUNCTION IF EXISTS remember_delivery_methods();
DROP TABLE IF EXISTS order_delivery_methods;
