-- How long the account's current access token lives (the grant's `expires_in`), so that it is
-- refreshed a fraction of its lifetime before expiry rather than a fixed 5 minutes before:
-- Allegro's 12 h tokens keep the 5 minutes, a short-lived token is not refreshed before every
-- call. NULL for tokens stored before this column (the 5-minute margin applies to them).
ALTER TABLE allegro_accounts ADD COLUMN token_lifetime_secs INTEGER
    CHECK (token_lifetime_secs > 0);
