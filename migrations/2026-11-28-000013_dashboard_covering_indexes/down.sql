CREATE INDEX orders_status_idx_old ON orders (account_id, status);
DROP INDEX orders_status_idx;
ALTER INDEX orders_status_idx_old RENAME TO orders_status_idx;

CREATE INDEX orders_account_bought_at_idx_old ON orders (account_id, bought_at DESC, id DESC);
DROP INDEX orders_account_bought_at_idx;
ALTER INDEX orders_account_bought_at_idx_old RENAME TO orders_account_bought_at_idx;
