-- Inventory (issue 4). Every stock change is an immutable movement row; stock_balances holds their running sums
-- per SKU and warehouse (on hand, reserved, in transit), written in the same transaction as the movements and
-- checked against them (`ordo`'s ledger check, GET /api/v1/inventory/ledger/check). A reservation locks the balance
-- rows it draws on (FOR UPDATE on PostgreSQL, the single writer on SQLite), so no unit is promised twice; the CHECK
-- constraints are the last line of defence. Safety buffer and arrival coefficient: per SKU, overridable per
-- warehouse on the balance row; NULL means the next level's setting (Ordo's default: 5% buffer, nothing in transit
-- promised).
ALTER TABLE skus ADD COLUMN category TEXT NULL;
ALTER TABLE skus ADD COLUMN cold_chain BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE skus ADD COLUMN weight_grams INTEGER NULL;
ALTER TABLE skus ADD COLUMN length_mm INTEGER NULL;
ALTER TABLE skus ADD COLUMN width_mm INTEGER NULL;
ALTER TABLE skus ADD COLUMN height_mm INTEGER NULL;
ALTER TABLE skus ADD COLUMN cost_price NUMERIC(12,2) NULL;
ALTER TABLE skus ADD COLUMN cost_currency TEXT NULL;
ALTER TABLE skus ADD COLUMN shelf_life_days INTEGER NULL;
ALTER TABLE skus ADD COLUMN safety_kind TEXT NULL;
ALTER TABLE skus ADD COLUMN safety_value INTEGER NULL;
ALTER TABLE skus ADD COLUMN arrival_thousandths INTEGER NULL;
ALTER TABLE skus ADD COLUMN updated_at TIMESTAMPTZ NULL;

CREATE TABLE bundle_components (
    bundle_sku TEXT NOT NULL REFERENCES skus (code),
    component_sku TEXT NOT NULL REFERENCES skus (code),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (bundle_sku, component_sku)
);

CREATE TABLE warehouses (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    regions TEXT NOT NULL,
    kind TEXT NOT NULL,
    cold_chain BOOLEAN NOT NULL DEFAULT FALSE,
    priority INTEGER NOT NULL DEFAULT 100,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NULL
);

CREATE TABLE lots (
    sku TEXT NOT NULL,
    warehouse TEXT NOT NULL,
    lot_code TEXT NOT NULL,
    produced_on DATE NULL,
    expires_on DATE NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (sku, warehouse, lot_code)
);

CREATE TABLE stock_balances (
    sku TEXT NOT NULL,
    warehouse TEXT NOT NULL,
    on_hand INTEGER NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    in_transit INTEGER NOT NULL DEFAULT 0 CHECK (in_transit >= 0),
    safety_kind TEXT NULL,
    safety_value INTEGER NULL,
    arrival_thousandths INTEGER NULL,
    version INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (sku, warehouse)
);
CREATE INDEX ix_stock_balances_warehouse ON stock_balances (warehouse, sku);

CREATE TABLE stock_movements (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku TEXT NOT NULL,
    warehouse TEXT NOT NULL,
    kind TEXT NOT NULL,
    on_hand_delta INTEGER NOT NULL,
    reserved_delta INTEGER NOT NULL,
    in_transit_delta INTEGER NOT NULL,
    lot TEXT NULL,
    reason TEXT NOT NULL,
    actor TEXT NOT NULL,
    source_document TEXT NULL,
    occurred_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX ix_stock_movements_sku ON stock_movements (sku, id);
CREATE INDEX ix_stock_movements_source ON stock_movements (source_document);

-- The ledger is append-only: a correction is a new movement, never an edit.
CREATE FUNCTION stock_movements_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'stock movements are immutable: book a new movement instead';
END $$;
CREATE TRIGGER tr_stock_movements_append_only BEFORE UPDATE OR DELETE ON stock_movements
    FOR EACH ROW EXECUTE FUNCTION stock_movements_append_only();

CREATE TABLE reservations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id BIGINT NOT NULL,
    order_no TEXT NOT NULL,
    line_no INTEGER NOT NULL,
    sku TEXT NOT NULL,
    warehouse TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    bundle_sku TEXT NULL,
    status TEXT NOT NULL,
    expires_at TIMESTAMPTZ NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX ix_reservations_order ON reservations (order_id, id);
CREATE INDEX ix_reservations_sku_open ON reservations (sku, warehouse) WHERE status IN ('active', 'confirmed');
