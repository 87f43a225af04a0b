-- Outbox relay: fencing row per relay (a stale leader's token is refused) and the consumer dedupe
-- table core lacked. Must match prisma/core/schema.prisma (drift test).
CREATE TABLE relay_fences (
  name       text PRIMARY KEY,
  token      bigint NOT NULL,
  holder     text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE processed_messages (
  consumer     text NOT NULL,
  message_id   text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, message_id)
);
