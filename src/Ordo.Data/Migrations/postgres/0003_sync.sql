-- Pull sync progress per shop, and shipments written back to the platforms with every attempt.
CREATE TABLE shop_sync (
    shop_code TEXT PRIMARY KEY,
    synced_to TIMESTAMPTZ NOT NULL,
    window_from TIMESTAMPTZ NULL,
    window_to TIMESTAMPTZ NULL,
    page_token TEXT NULL,
    last_run_at TIMESTAMPTZ NULL,
    last_success_at TIMESTAMPTZ NULL,
    last_error TEXT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    orders_pulled BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE write_backs (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_no TEXT NOT NULL,
    shop_code TEXT NOT NULL,
    platform TEXT NOT NULL,
    platform_order_id TEXT NOT NULL,
    carrier_code TEXT NOT NULL,
    tracking_number TEXT NOT NULL,
    sub_order_ids TEXT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX ix_write_backs_status_id ON write_backs (status, id);
CREATE INDEX ix_write_backs_order ON write_backs (order_no);

CREATE TABLE write_back_attempts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    write_back_id BIGINT NOT NULL REFERENCES write_backs (id),
    at TIMESTAMPTZ NOT NULL,
    outcome TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    answer TEXT NOT NULL
);
CREATE INDEX ix_write_back_attempts_wb ON write_back_attempts (write_back_id, id);
