CREATE INDEX orders_total_idx ON orders (total_amount DESC, id DESC);
DROP INDEX IF EXISTS orders_currency_total_asc_idx;
DROP INDEX IF EXISTS orders_currency_total_desc_idx;
DROP FUNCTION IF EXISTS currency_sort_key(TEXT);

DROP INDEX IF EXISTS orders_personal_terms_idx;
ALTER TABLE orders DROP COLUMN personal_terms, DROP COLUMN waybills;

DROP FUNCTION IF EXISTS search_query_words(TEXT);
CREATE OR REPLACE FUNCTION order_search_text(login TEXT, email TEXT, first_name TEXT,
                                             last_name TEXT, company TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN fold_text(concat_ws(' ', login, email, first_name, last_name, company));
DROP FUNCTION IF EXISTS order_personal_terms(JSONB, TEXT[]);
DROP FUNCTION IF EXISTS search_address(JSONB, TEXT);
DROP FUNCTION IF EXISTS search_postcode(TEXT);
DROP FUNCTION IF EXISTS search_compact(TEXT);
DROP FUNCTION IF EXISTS search_phone(TEXT);
DROP FUNCTION IF EXISTS search_digits(TEXT);
DROP FUNCTION IF EXISTS search_words(TEXT);
DROP FUNCTION IF EXISTS search_word(TEXT);
