DROP TABLE device_authorizations;
DROP TABLE allegro_accounts;
