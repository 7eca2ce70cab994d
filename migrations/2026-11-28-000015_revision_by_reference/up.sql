-- An order's current revision no longer holds a second copy of its document: `raw` is NULL on
-- the revision whose content is the order's own (`orders.raw`, same `content_hash`), and is
-- filled in, in the same transaction, just before the order is overwritten by a newer version.
-- So each stored order is written once instead of twice (a first backup stored every document
-- in both tables). Readers take `COALESCE(order_revisions.raw, orders.raw)`. Existing copies
-- stay as they are.
ALTER TABLE order_revisions ALTER COLUMN raw DROP NOT NULL;
