-- The web console (issue 5): saved order-list views per person, and the indexes its order page reads by
-- (the inbox rows of an order, the webhook attempts of an order's events).
CREATE TABLE console_saved_views (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (owner, name)
);
CREATE INDEX ix_inbox_order_no ON inbox (order_no);
CREATE INDEX ix_webhook_attempts_event ON webhook_attempts (event_id);
