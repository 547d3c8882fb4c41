-- Push feeds Ordo holds itself (Pinduoduo PMC): the platform's own id of a shop, which the feed's frames name
-- (the PDD mall id), and the push messages already taken, so a message delivered twice (a redelivery, or one
-- delivered to several Ordo instances on one database) is kept and fetched once. The primary key decides: the
-- second insert of the same message finds it (after the first commits) and is skipped.
ALTER TABLE shops ADD COLUMN platform_shop_id TEXT NULL;
CREATE INDEX ix_shops_platform_shop_id ON shops (platform, platform_shop_id);

CREATE TABLE push_messages (
    shop_code TEXT NOT NULL,
    message_id TEXT NOT NULL,
    platform_order_id TEXT NOT NULL,
    received_at TEXT NOT NULL,
    inbox_id BIGINT NULL,
    PRIMARY KEY (shop_code, message_id, platform_order_id)
);
