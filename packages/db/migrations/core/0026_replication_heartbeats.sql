-- Cross-region replication heartbeat (docs/adr/0010-regions-cap-per-data-kind.md). The core
-- primary's region writes its row every second; a standby in another region replays it, so
-- `clock_timestamp() - beat_at` read there is how old that region's copy of core is — also while
-- nothing else is written, and also while the link is cut (the age then grows, which is the point).
-- Not a Prisma model: read and written with raw SQL by packages/db/src/regions/ only.
CREATE TABLE IF NOT EXISTS replication_heartbeats (
  region text PRIMARY KEY CHECK (region ~ '^[a-z0-9-]{1,32}$'),
  beat_at timestamptz NOT NULL
);
