UPDATE order_revisions AS r SET raw = o.raw
FROM orders AS o
WHERE r.order_id = o.id AND r.raw IS NULL;
ALTER TABLE order_revisions ALTER COLUMN raw SET NOT NULL;
