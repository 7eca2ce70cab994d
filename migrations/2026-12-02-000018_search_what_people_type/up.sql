-- Search what operators type (issue 16): an order is also found by what a person has in hand —
-- the buyer's, the recipient's or the invoice's city, street or postcode, a phone number in any
-- spelling, a tax id (NIP), a tracking number, the recipient's name or the invoice's company —
-- and sorting by total never ranks different currencies against each other.
--
-- These are stored as *terms* (`personal_terms`: folded whole words and codes) under a GIN
-- array index, not as trigrams: a trigram index over the same text held ~53 more keys per order
-- than `buyer_search_text`'s, and maintaining them cost each stored order ~50 % more of
-- PostgreSQL's time for the insert: far over the first backup's 10 % budget. Terms are ~12 keys
-- per order. The price: an address or a recipient's name is found by whole words ("lodz",
-- "Piotrkowska 12"), not by any fragment; a phone number, a tax id, a postcode or a tracking
-- number by the whole of it.
--
-- The helpers are SQL functions PostgreSQL inlines into the generated column (immutable single
-- expressions, no concat_ws or format, which are only stable; no regular expression where
-- replace() does): called through the SQL-function executor instead, the column cost
-- ~250 µs per stored order; as written ~10 µs.

-- A word of a text being built: a space and `t`, or nothing for NULL.
CREATE FUNCTION search_word(t TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN coalesce(' ' || t, '');

-- The folded words of a text, split at spaces and the punctuation of addresses and company
-- names ("Bielsko-Biała, Łąkowa 12/4" → bielsko, biala, lakowa, 12, 4; empty strings between
-- two separators). replace() and string_to_array(): a regular expression split cost ~5 µs per
-- stored order, these ~1 µs.
CREATE FUNCTION search_words(t TEXT) RETURNS TEXT[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN string_to_array(
        replace(replace(replace(replace(replace(replace(replace(fold_text(t),
            '-', ' '), '/', ' '), '.', ' '), ',', ' '), '"', ' '), '(', ' '), ')', ' '), ' ');

-- Digits only ("PL 781-123-45-67" → "7811234567").
CREATE FUNCTION search_digits(t TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN regexp_replace(t, '[^0-9]+', '', 'g');

-- A phone number as digits, a Polish one written with its country code (+48 or 0048) without
-- it: "+48 600 100 200", "0048600100200" and "600-100-200" all give "600100200". A number
-- stored as "48600100200" stays so: the search box looks a typed 9-digit number up with and
-- without 48 (`db::models::order::search`).
CREATE FUNCTION search_phone(p TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN regexp_replace(p, '^[[:space:]]*(\+|00)48|[^0-9]+', '', 'g');

-- A postcode as a code: "00-950" → "00950" (Czech "110 00" → "11000").
CREATE FUNCTION search_postcode(t TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN lower(replace(replace(t, '-', ''), ' ', ''));

-- A code as written on a label: folded, without spaces and dashes ("PX 1234-5678" →
-- "px12345678").
CREATE FUNCTION search_compact(t TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN regexp_replace(fold_text(t), '[[:space:]-]+', '', 'g');

-- The words of one address of a form (`part`: buyer, delivery or invoice) as a person writes
-- it: " Solna 12/4 Poznań". Its postcode is a code of its own.
CREATE FUNCTION search_address(form JSONB, part TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN search_word(form #>> ARRAY[part, 'address', 'street'])
        || search_word(form #>> ARRAY[part, 'address', 'city']);

-- The personal terms of an order: the words of the buyer's, the recipient's and the invoice's
-- addresses (the latter two only when they differ from the buyer's, which they mostly do not),
-- of the recipient's names and company and of the invoice's company or person; the phone
-- numbers, the tax id and the postcodes as codes; the tracking numbers (`waybills`, written
-- with the shipments). The buyer's login, email, names and company stay in
-- `buyer_search_text` (found by any fragment).
CREATE FUNCTION order_personal_terms(form JSONB, waybills TEXT[]) RETURNS TEXT[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN array_remove(
        search_words(search_address(form, 'buyer')
            || search_word(form #>> '{delivery,address,firstName}')
            || search_word(form #>> '{delivery,address,lastName}')
            || search_word(form #>> '{delivery,address,companyName}')
            || coalesce(NULLIF(search_address(form, 'delivery'), search_address(form, 'buyer')), '')
            || search_word(form #>> '{invoice,address,company,name}')
            || search_word(form #>> '{invoice,address,naturalPerson,firstName}')
            || search_word(form #>> '{invoice,address,naturalPerson,lastName}')
            || coalesce(NULLIF(search_address(form, 'invoice'), search_address(form, 'buyer')), ''))
        || ARRAY[coalesce(search_phone(form #>> '{buyer,phoneNumber}'), ''),
                 coalesce(search_phone(NULLIF(form #>> '{delivery,address,phoneNumber}',
                                              form #>> '{buyer,phoneNumber}')), ''),
                 coalesce(search_digits(form #>> '{invoice,address,company,taxId}'), ''),
                 coalesce(search_postcode(form #>> '{buyer,address,postCode}'), ''),
                 coalesce(search_postcode(NULLIF(form #>> '{delivery,address,zipCode}',
                                                 form #>> '{buyer,address,postCode}')), ''),
                 coalesce(search_postcode(NULLIF(form #>> '{invoice,address,zipCode}',
                                                 form #>> '{buyer,address,postCode}')), '')]
        || coalesce(waybills, '{}'),
        '');

-- What the search box looks up among the terms for a text: its words, all of them required
-- (a text without any matches nothing, not everything).
CREATE FUNCTION search_query_words(q TEXT) RETURNS TEXT[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN coalesce(NULLIF(array_remove(search_words(q), ''), '{}'), '{" "}');

-- `buyer_search_text`'s function (migration 9) as an expression PostgreSQL inlines: it used
-- concat_ws, which is only stable, so every stored order called it through the SQL-function
-- executor (~7 µs). Same result for every input (NULLs skipped, empty strings kept), so the
-- stored texts stay as they are.
CREATE OR REPLACE FUNCTION order_search_text(login TEXT, email TEXT, first_name TEXT,
                                             last_name TEXT, company TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN fold_text(substr(search_word(login) || search_word(email) || search_word(first_name)
                            || search_word(last_name) || search_word(company), 2));

-- The order's tracking numbers (`order_shipments.waybill`, removed shipments included) through
-- search_compact; written with the shipments (`shipment::record`).
ALTER TABLE orders ADD COLUMN waybills TEXT[];

UPDATE orders AS o SET waybills = w.waybills
FROM (SELECT account_id, checkout_form_id,
             array_agg(DISTINCT search_compact(waybill)) AS waybills
      FROM order_shipments
      WHERE waybill IS NOT NULL
      GROUP BY account_id, checkout_form_id) AS w
WHERE o.account_id = w.account_id AND o.checkout_form_id = w.checkout_form_id;

ALTER TABLE orders ADD COLUMN personal_terms TEXT[]
    GENERATED ALWAYS AS (order_personal_terms(raw, waybills)) STORED;
CREATE INDEX orders_personal_terms_idx ON orders USING gin (personal_terms);

-- Sorting by total: PLN first, then the other currencies alphabetically, orders without a
-- currency last; by amount within each. One index per direction (the currencies come in the
-- same order both ways, the amounts do not), each serving its direction forwards and, for the
-- previous page, backwards. They replace the index on the total alone.
--
-- The key is one-to-one ('' for PLN, a space and the code for the others, NULL for none), so
-- the currency filter is written on it too (`currency_sort_key(currency) =
-- currency_sort_key($1)`, the same rows as `currency = $1`) and every view filtered by
-- currency finds its orders through these indexes. The descending one also holds the currency
-- and `merged_into`, so that the count of a currency's orders is an index-only scan: filtered
-- by EUR (4 % of 1,000,000 orders) its capped count read the dashboard's covering index for
-- 55-80 ms; through this index ~3 ms.
CREATE FUNCTION currency_sort_key(currency TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN currency = 'PLN' THEN '' ELSE ' ' || currency END;

CREATE INDEX orders_currency_total_desc_idx
    ON orders (currency_sort_key(currency), total_amount DESC, id DESC)
    INCLUDE (currency, merged_into);
CREATE INDEX orders_currency_total_asc_idx
    ON orders (currency_sort_key(currency), total_amount ASC, id ASC);
DROP INDEX IF EXISTS orders_total_idx;

ANALYZE orders;
