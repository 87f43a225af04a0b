-- Outbox relay: fencing row per relay, so a stale leader's token is refused on this shard too.
-- Must match prisma/shard/schema.prisma (drift test).
CREATE TABLE relay_fences (
  name       text PRIMARY KEY,
  token      bigint NOT NULL,
  holder     text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
