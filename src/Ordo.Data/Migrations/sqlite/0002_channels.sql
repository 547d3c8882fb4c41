-- Channels: shop connections (secrets are encrypted by the server before they reach this table), the payload format
-- of inbox items (canonical JSON or a platform's native order), and every push attempt, authentic or not.
ALTER TABLE shops ADD COLUMN app_key TEXT NULL;
ALTER TABLE shops ADD COLUMN app_secret TEXT NULL;
ALTER TABLE shops ADD COLUMN access_token TEXT NULL;
ALTER TABLE shops ADD COLUMN api_base_url TEXT NULL;
ALTER TABLE shops ADD COLUMN pull_interval_seconds INTEGER NOT NULL DEFAULT 60;
ALTER TABLE shops ADD COLUMN push_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE shops ADD COLUMN updated_at TEXT NULL;

ALTER TABLE inbox ADD COLUMN format TEXT NOT NULL DEFAULT 'canonical';

CREATE TABLE push_attempts (
    id INTEGER PRIMARY KEY,
    received_at TEXT NOT NULL,
    platform TEXT NOT NULL,
    shop_code TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reason TEXT NULL,
    message_count INTEGER NOT NULL DEFAULT 0,
    body_sha256 TEXT NOT NULL,
    body_excerpt TEXT NOT NULL,
    remote_address TEXT NULL
);
CREATE INDEX ix_push_attempts_shop_id ON push_attempts (shop_code, id);
