-- The record of online vendor moves between shards (packages/db/src/sharding/vendor-move/): one
-- row per move, its phase, what it copied and how long the vendor's writes were fenced. A move
-- that stopped half-way is found here and finished or rolled back by the next run.
-- Must match prisma/core/schema.prisma (drift test).
CREATE TABLE vendor_moves (
  id                   uuid PRIMARY KEY,
  vendor_id            uuid NOT NULL REFERENCES vendors (id),
  from_shard           text NOT NULL,
  to_shard             text NOT NULL,
  -- copying → catching-up → fenced → flipped → done; or rolled-back / failed
  phase                text NOT NULL CHECK (phase IN ('copying', 'catching-up', 'fenced', 'flipped',
                                                      'done', 'rolled-back', 'failed')),
  rows_copied          bigint NOT NULL DEFAULT 0,
  changes_caught_up    bigint NOT NULL DEFAULT 0,
  rows_purged          bigint NOT NULL DEFAULT 0,
  write_fence_ms       integer,
  error                text,
  started_at           timestamptz NOT NULL DEFAULT now(),
  fenced_at            timestamptz,
  flipped_at           timestamptz,
  finished_at          timestamptz
);
-- At most one unfinished move per vendor.
CREATE UNIQUE INDEX vendor_moves_one_open_per_vendor ON vendor_moves (vendor_id)
  WHERE phase IN ('copying', 'catching-up', 'fenced', 'flipped');
CREATE INDEX vendor_moves_started_at_idx ON vendor_moves (started_at DESC);
