DROP TABLE saved_views;
DROP TABLE order_tags;
DROP TABLE order_notes;
ALTER TABLE settings DROP COLUMN display_time_zone;
DROP TABLE user_accounts;
ALTER TABLE users DROP COLUMN hide_personal_data, DROP COLUMN all_accounts;
DROP INDEX orders_total_idx;
DROP INDEX orders_updated_idx;
DROP INDEX orders_bought_at_idx;
DROP INDEX orders_checkout_form_id_prefix_idx;
DROP INDEX IF EXISTS order_line_items_offer_name_trgm_idx;
DROP INDEX IF EXISTS orders_search_trgm_idx;
DROP FUNCTION order_search_text(TEXT, TEXT, TEXT, TEXT, TEXT);
DROP FUNCTION fold_text(TEXT);
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        EXECUTE $sql$CREATE INDEX orders_buyer_search_trgm_idx ON orders USING gin (
            (lower(coalesce(buyer_login, '') || ' ' || coalesce(buyer_email, '') || ' '
                || coalesce(buyer_first_name, '') || ' ' || coalesce(buyer_last_name, '') || ' '
                || coalesce(buyer_company_name, ''))) gin_trgm_ops)$sql$;
    END IF;
END
$$;
