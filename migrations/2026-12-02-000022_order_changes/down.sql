DROP TABLE order_changes;
DROP TABLE order_change_head;
