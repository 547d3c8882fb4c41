-- Order events are written only by Ordo's order store, in the transaction that inserts or updates their order, and
-- orders are never deleted, so the foreign key to orders guarded nothing the code does not already guarantee, and cost
-- a lookup per event row (on PostgreSQL much more: see the PostgreSQL script). SQLite cannot drop a constraint, so the
-- table is built again with the same columns, rows and ids.
CREATE TABLE order_events_rebuilt (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL,
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
INSERT INTO order_events_rebuilt (id, order_id, sequence, type, from_status, to_status, actor_kind, actor_id, reason, occurred_at, context)
SELECT id, order_id, sequence, type, from_status, to_status, actor_kind, actor_id, reason, occurred_at, context FROM order_events;
DROP TABLE order_events;
ALTER TABLE order_events_rebuilt RENAME TO order_events;
