ALTER TABLE sync_runs DROP COLUMN shipments_checked, DROP COLUMN orders_quarantined;
DROP TABLE order_shipment_checks;
DROP TABLE order_shipments;
