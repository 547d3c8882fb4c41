-- Foundation schema (SQLite). Instants are TEXT in round-trip UTC form (yyyy-MM-ddTHH:mm:ss.fffffffZ), which sorts
-- correctly as text. Amounts live in the order document as decimal strings, never as REAL.
CREATE TABLE shops (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE skus (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE order_number_blocks (
    channel TEXT NOT NULL,
    day TEXT NOT NULL,
    next_value INTEGER NOT NULL,
    PRIMARY KEY (channel, day)
);

CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    order_no TEXT NOT NULL UNIQUE,
    platform TEXT NOT NULL,
    shop_code TEXT NOT NULL,
    platform_order_id TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    paid_at TEXT NULL,
    platform_modified_at TEXT NULL,
    received_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    receiver_phone_last4 TEXT NULL,
    version INTEGER NOT NULL,
    document TEXT NOT NULL,
    UNIQUE (platform, shop_code, platform_order_id)
);
CREATE INDEX ix_orders_status_id ON orders (status, id);
CREATE INDEX ix_orders_shop_id ON orders (shop_code, id);
CREATE INDEX ix_orders_created ON orders (created_at);
CREATE INDEX ix_orders_platform_order_id ON orders (platform_order_id);
CREATE INDEX ix_orders_phone_last4 ON orders (receiver_phone_last4);

CREATE TABLE order_events (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id),
    sequence INTEGER NOT NULL,
    type TEXT NOT NULL,
    from_status TEXT NULL,
    to_status TEXT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    context TEXT NOT NULL,
    UNIQUE (order_id, sequence)
);

CREATE TABLE inbox (
    id INTEGER PRIMARY KEY,
    received_at TEXT NOT NULL,
    source TEXT NOT NULL,
    platform TEXT NULL,
    shop_code TEXT NULL,
    platform_order_id TEXT NULL,
    payload TEXT NOT NULL,
    original_payload TEXT NULL,
    status TEXT NOT NULL,
    errors TEXT NULL,
    order_no TEXT NULL,
    outcome TEXT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    processed_at TEXT NULL
);
CREATE INDEX ix_inbox_status_id ON inbox (status, id);

CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    roles TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT NULL
);

CREATE TABLE webhook_subscriptions (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    event_types TEXT NOT NULL,
    active INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    ordering_key TEXT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    due_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    lease_owner TEXT NULL,
    lease_until TEXT NULL,
    last_error TEXT NULL,
    created_at TEXT NOT NULL,
    finished_at TEXT NULL
);
CREATE INDEX ix_jobs_pending_due ON jobs (due_at, id) WHERE status = 'pending';
CREATE INDEX ix_jobs_pending_key ON jobs (ordering_key, id) WHERE status = 'pending';
CREATE INDEX ix_jobs_kind_status ON jobs (kind, status, id);

CREATE TABLE webhook_attempts (
    id INTEGER PRIMARY KEY,
    job_id INTEGER NOT NULL,
    subscription_id INTEGER NOT NULL,
    event_id INTEGER NOT NULL,
    attempted_at TEXT NOT NULL,
    status_code INTEGER NULL,
    error TEXT NULL,
    duration_ms INTEGER NOT NULL
);
CREATE INDEX ix_webhook_attempts_job ON webhook_attempts (job_id);
