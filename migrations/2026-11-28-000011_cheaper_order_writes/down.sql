CREATE OR REPLACE FUNCTION fold_text(t TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN lower(translate(t,
        'ąćęłńóśźżáàâäãåāăçčďđéèêëěēíìîïīľĺňñôöõőøòřŕšşťţúùûüůűūýÿžĄĆĘŁŃÓŚŹŻÁÀÂÄÃÅĀĂÇČĎĐÉÈÊËĚĒÍÌÎÏĪĽĹŇÑÔÖÕŐØÒŘŔŠŞŤŢÚÙÛÜŮŰŪÝŸŽ',
        'acelnoszzaaaaaaaaccddeeeeeeiiiiillnnoooooorrssttuuuuuuuyyzACELNOSZZAAAAAAAACCDDEEEEEEIIIIILLNNOOOOOORRSSTTUUUUUUUYYZ'));
UPDATE orders SET buyer_login = buyer_login, raw = raw
WHERE buyer_search_text IS DISTINCT FROM
          order_search_text(buyer_login, buyer_email, buyer_first_name, buyer_last_name,
                            buyer_company_name)
   OR items_search_text IS DISTINCT FROM order_items_search_text(raw);
-- The extension stays: other objects may use it, and an unused extension costs nothing.
CREATE INDEX IF NOT EXISTS orders_buyer_login_idx ON orders (lower(buyer_login));
CREATE INDEX IF NOT EXISTS orders_buyer_email_idx ON orders (lower(buyer_email));
CREATE INDEX IF NOT EXISTS order_line_items_offer_id_idx ON order_line_items (offer_id);
CREATE INDEX IF NOT EXISTS order_line_items_external_id_idx ON order_line_items (external_id)
    WHERE external_id IS NOT NULL;
