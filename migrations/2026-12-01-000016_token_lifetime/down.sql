ALTER TABLE allegro_accounts DROP COLUMN token_lifetime_secs;
