-- The replenishment report reads the orders received in a window of days (GET /api/v1/inventory/replenishment).
CREATE INDEX ix_orders_received ON orders (received_at);
