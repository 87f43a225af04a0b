-- Notifications: the in-app inbox (one row per user and event) and one delivery row per channel
-- (email, sms, push). Deliveries are simulated to these rows and to files, never to the internet.
-- Must match prisma/core/schema.prisma (drift test).
CREATE TABLE notifications (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id           uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- order_confirmed | order_shipped | order_delivered | order_failed | vendor_new_order
  kind              text NOT NULL,
  title             text NOT NULL,
  body              text NOT NULL,
  order_id          uuid,
  link              text,
  -- The outbox message it came from: a redelivered message finds its rows instead of adding more.
  source_message_id text NOT NULL,
  read_at           timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX notifications_source_key ON notifications (source_message_id, user_id, kind);
-- The inbox: newest first per user, keyset-paginated on (created_at, id).
CREATE INDEX notifications_user_id_created_at_idx ON notifications (user_id, created_at DESC, id DESC);
-- The unread badge counts only these.
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;

CREATE TABLE notification_deliveries (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  notification_id uuid NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
  channel         text NOT NULL CHECK (channel IN ('email', 'sms', 'push')),
  recipient       text NOT NULL,
  subject         text NOT NULL,
  body            text NOT NULL,
  -- pending → sent, or pending → retrying … → dead (moved to the channel's dead-letter queue)
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'retrying', 'sent', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  last_error      text,
  sent_at         timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (notification_id, channel)
);
CREATE INDEX notification_deliveries_status_idx ON notification_deliveries (channel, status);
