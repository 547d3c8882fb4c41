-- Order events are written only by Ordo's order store, in the transaction that inserts or updates their order, and
-- orders are never deleted, so the foreign key to orders guarded nothing the code does not already guarantee. It cost
-- a trigger per event row that locks the order row (FOR KEY SHARE, one more WAL record): measured, the event insert was
-- the most expensive statement of intake, ahead of the order insert with its eight indexes.
ALTER TABLE order_events DROP CONSTRAINT IF EXISTS order_events_order_id_fkey;
