-- Channel stock push (issue 4, items 5 and 6). Per SKU: the threshold of ATP at or below which only core channels
-- are offered stock (sku_channel_settings), and which shops sell it and how (sku_channels: core or not, a fixed share
-- of ATP in hundredths of a percent or, when NULL, the shared pool, and the platform's ids of the listing). Each
-- listing row also keeps what was last pushed to the platform and how the last attempts went, so that a push job
-- calls only the channels whose quantity changed (incremental) and the API can show the state.
CREATE TABLE sku_channel_settings (
    sku TEXT PRIMARY KEY,
    low_stock_threshold INTEGER NULL CHECK (low_stock_threshold IS NULL OR low_stock_threshold >= 0),
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE sku_channels (
    sku TEXT NOT NULL,
    shop_code TEXT NOT NULL,
    position INTEGER NOT NULL,
    core BOOLEAN NOT NULL DEFAULT FALSE,
    share_hundredths INTEGER NULL CHECK (share_hundredths IS NULL OR share_hundredths BETWEEN 0 AND 10000),
    platform_item_id TEXT NOT NULL,
    platform_sku_id TEXT NULL,
    platform_location_id TEXT NULL,
    pushed_quantity INTEGER NULL,
    pushed_at TIMESTAMPTZ NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_attempt_at TIMESTAMPTZ NULL,
    last_error TEXT NULL,
    last_answer TEXT NULL,
    PRIMARY KEY (sku, shop_code)
);
-- Bundles listed on channels are found from their components when a component's stock changes.
CREATE INDEX ix_bundle_components_component ON bundle_components (component_sku, bundle_sku);
