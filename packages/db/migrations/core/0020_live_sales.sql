-- The console's live sales (captures per minute over the last hour) read order_events by type and
-- time; without this index that is a scan of the whole event store.
-- Must match prisma/core/schema.prisma (drift test).
CREATE INDEX order_events_type_created_at_idx ON order_events (type, created_at);
