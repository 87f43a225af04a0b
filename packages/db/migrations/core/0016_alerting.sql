-- SLOs and alerting (packages/alerting, apps/workers/src/alerting): the alerts the leader-elected
-- evaluator raised, the notifications it routed (the on-call inbox, and the outbox of the webhook
-- receiver: the row's id is the idempotency key sent with every delivery attempt), operators'
-- silences, and per-minute good/total request counts per user journey for the SLO windows.
-- Must match prisma/core/schema.prisma (drift test).
CREATE TABLE alerts (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Rule id + series labels: the same condition on the same series.
  fingerprint     text NOT NULL,
  rule_id         text NOT NULL,
  alertname       text NOT NULL,
  severity        text NOT NULL CHECK (severity IN ('page', 'ticket')),
  labels          jsonb NOT NULL,
  summary         text NOT NULL,
  value           double precision NOT NULL,
  state           text NOT NULL CHECK (state IN ('firing', 'resolved')),
  -- When the condition started to hold (pending), and when it had held for the rule's `for:`.
  active_since    timestamptz NOT NULL,
  fired_at        timestamptz NOT NULL,
  resolved_at     timestamptz,
  -- Set when a silence or an inhibition kept it out of the notifications.
  muted           text CHECK (muted IN ('silenced', 'inhibited')),
  acknowledged_at timestamptz,
  acknowledged_by uuid
);
-- At most one firing instance per condition: a replayed "firing" is a no-op.
CREATE UNIQUE INDEX alerts_firing_fingerprint_key ON alerts (fingerprint) WHERE state = 'firing';
CREATE INDEX alerts_fired_at_idx ON alerts (fired_at DESC);

CREATE TABLE alert_notifications (
  -- sha256 of group, status, evaluation time and fingerprints (packages/alerting routing).
  id               text PRIMARY KEY,
  group_key        text NOT NULL,
  status           text NOT NULL CHECK (status IN ('firing', 'resolved')),
  group_labels     jsonb NOT NULL,
  alerts           jsonb NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  -- The webhook receiver's delivery: none (no URL configured), pending, delivered, failed.
  webhook_state    text NOT NULL CHECK (webhook_state IN ('none', 'pending', 'delivered', 'failed')),
  webhook_attempts integer NOT NULL DEFAULT 0,
  webhook_error    text,
  delivered_at     timestamptz
);
CREATE INDEX alert_notifications_created_at_idx ON alert_notifications (created_at DESC);
CREATE INDEX alert_notifications_pending_idx ON alert_notifications (created_at) WHERE webhook_state = 'pending';

CREATE TABLE alert_silences (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  matchers   jsonb NOT NULL,
  starts_at  timestamptz NOT NULL,
  ends_at    timestamptz NOT NULL CHECK (ends_at > starts_at),
  comment    text NOT NULL,
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_silences_ends_at_idx ON alert_silences (ends_at);

CREATE TABLE slo_event_minutes (
  journey text NOT NULL,
  minute  timestamptz NOT NULL,
  good    bigint NOT NULL DEFAULT 0,
  total   bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (journey, minute)
);
