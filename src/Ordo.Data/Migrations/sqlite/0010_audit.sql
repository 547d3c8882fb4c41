-- The audit log (issue 5): every unmasked view of personal data, export, decryption, sign-in, permission change and
-- denied attempt. Rows are only ever inserted. actor is "user:<email>" or "key:<name>#<id>"; target names what was
-- touched (an order number, a user, an export); detail is a JSON object with the specifics.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    occurred_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL,
    target TEXT NULL,
    ip TEXT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX ix_audit_log_occurred ON audit_log (occurred_at);
CREATE INDEX ix_audit_log_actor ON audit_log (actor, occurred_at);
