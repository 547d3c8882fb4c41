-- Personal data at rest (issue 5): the key each row's encrypted values were made with (NULL: written in clear before
-- this version; the rotation job re-encrypts rows whose key is not the active one), the receiver phone's blind index
-- (a keyed hash, so a full number is found by index lookup without decrypting), and whether a webhook subscriber
-- receives personal data in full or masked.
ALTER TABLE orders ADD COLUMN receiver_phone_index TEXT NULL;
ALTER TABLE orders ADD COLUMN pd_key TEXT NULL;
CREATE INDEX ix_orders_receiver_phone_index ON orders (receiver_phone_index);
CREATE INDEX ix_orders_pd_key ON orders (pd_key);
ALTER TABLE inbox ADD COLUMN pd_key TEXT NULL;
CREATE INDEX ix_inbox_pd_key ON inbox (pd_key);
ALTER TABLE push_attempts ADD COLUMN pd_key TEXT NULL;
CREATE INDEX ix_push_attempts_pd_key ON push_attempts (pd_key);
ALTER TABLE webhook_subscriptions ADD COLUMN personal_data TEXT NOT NULL DEFAULT 'masked';
