-- Orders had two indexes led by the platform's order id's neighbours: the intake key (platform, shop, platform order
-- id) and one on the platform order id alone, for searching by it. One unique index led by the platform order id serves
-- both (ON CONFLICT infers it from the same set of columns), and each new order writes one index entry fewer.
CREATE UNIQUE INDEX ux_orders_platform_order_key ON orders (platform_order_id, platform, shop_code);
ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_platform_shop_code_platform_order_id_key;
DROP INDEX IF EXISTS ix_orders_platform_order_id;
