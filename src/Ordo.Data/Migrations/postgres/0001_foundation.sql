-- Foundation schema (PostgreSQL). Instants are timestamptz (UTC); amounts live in the order document.
CREATE TABLE shops (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    platform TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE skus (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE order_number_blocks (
    channel TEXT NOT NULL,
    day TEXT NOT NULL,
    next_value BIGINT NOT NULL,
    PRIMARY KEY (channel, day)
);

CREATE TABLE orders (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_no TEXT NOT NULL UNIQUE,
    platform TEXT NOT NULL,
    shop_code TEXT NOT NULL,
    platform_order_id TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    paid_at TIMESTAMPTZ NULL,
    platform_modified_at TIMESTAMPTZ NULL,
    received_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
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
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders (id),
    sequence INTEGER NOT NULL,
    type TEXT NOT NULL,
    from_status TEXT NULL,
    to_status TEXT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL,
    context TEXT NOT NULL,
    UNIQUE (order_id, sequence)
);

CREATE TABLE inbox (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at TIMESTAMPTZ NOT NULL,
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
    processed_at TIMESTAMPTZ NULL
);
CREATE INDEX ix_inbox_status_id ON inbox (status, id);

CREATE TABLE api_keys (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    roles TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ NULL
);

CREATE TABLE webhook_subscriptions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    event_types TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE jobs (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind TEXT NOT NULL,
    ordering_key TEXT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    due_at TIMESTAMPTZ NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    lease_owner TEXT NULL,
    lease_until TIMESTAMPTZ NULL,
    last_error TEXT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NULL
);
CREATE INDEX ix_jobs_pending_due ON jobs (due_at, id) WHERE status = 'pending';
CREATE INDEX ix_jobs_pending_key ON jobs (ordering_key, id) WHERE status = 'pending';
CREATE INDEX ix_jobs_kind_status ON jobs (kind, status, id);

CREATE TABLE webhook_attempts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id BIGINT NOT NULL,
    subscription_id BIGINT NOT NULL,
    event_id BIGINT NOT NULL,
    attempted_at TIMESTAMPTZ NOT NULL,
    status_code INTEGER NULL,
    error TEXT NULL,
    duration_ms INTEGER NOT NULL
);
CREATE INDEX ix_webhook_attempts_job ON webhook_attempts (job_id);
