-- pg_trgm stays installed: other objects may use it, and it holds no data.
DROP TABLE order_quarantine;
DROP TABLE order_events;
DROP TABLE order_revisions;
DROP TABLE order_line_items;
DROP TABLE orders;
