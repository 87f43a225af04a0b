-- Analytics (lambda architecture): the streaming worker keeps the rollups current from the order
-- and view events; the batch job recomputes a range from the same events and repairs them.
--
-- One row per vendor, product and bucket. product_id NULL is the vendor's own row: amounts that
-- belong to no single product (shipping, partial vendor refunds) and the vendor's order count.
CREATE TABLE analytics_hourly (
  id            bigserial PRIMARY KEY,
  vendor_id     uuid NOT NULL,
  product_id    uuid,
  bucket_start  timestamptz NOT NULL
                CHECK (date_trunc('hour', bucket_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' = bucket_start),
  revenue_cents bigint NOT NULL DEFAULT 0,
  refund_cents  bigint NOT NULL DEFAULT 0,
  units         integer NOT NULL DEFAULT 0,
  orders        integer NOT NULL DEFAULT 0,
  views         integer NOT NULL DEFAULT 0,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT analytics_hourly_key UNIQUE NULLS NOT DISTINCT (vendor_id, product_id, bucket_start)
);
CREATE INDEX analytics_hourly_vendor_bucket_idx ON analytics_hourly (vendor_id, bucket_start);

-- Day buckets are UTC days.
CREATE TABLE analytics_daily (
  id            bigserial PRIMARY KEY,
  vendor_id     uuid NOT NULL,
  product_id    uuid,
  bucket_start  timestamptz NOT NULL
                CHECK (date_trunc('day', bucket_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' = bucket_start),
  revenue_cents bigint NOT NULL DEFAULT 0,
  refund_cents  bigint NOT NULL DEFAULT 0,
  units         integer NOT NULL DEFAULT 0,
  orders        integer NOT NULL DEFAULT 0,
  views         integer NOT NULL DEFAULT 0,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT analytics_daily_key UNIQUE NULLS NOT DISTINCT (vendor_id, product_id, bucket_start)
);
CREATE INDEX analytics_daily_vendor_bucket_idx ON analytics_daily (vendor_id, bucket_start);

-- Product page views, one row per (session, product, hour): the key is the dedupe and the log
-- the batch recomputes view counts from.
CREATE TABLE analytics_view_events (
  view_key   text PRIMARY KEY,
  vendor_id  uuid NOT NULL,
  product_id uuid NOT NULL,
  viewed_at  timestamptz NOT NULL
);
CREATE INDEX analytics_view_events_viewed_at_idx ON analytics_view_events (viewed_at);

-- Which order events the rollups contain, written in the same transaction as the rollup change
-- by whichever side (stream or batch repair) counted the event first.
CREATE TABLE analytics_applied_events (
  order_id   uuid NOT NULL,
  version    integer NOT NULL,
  applied_by text NOT NULL CHECK (applied_by IN ('stream', 'batch')),
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, version)
);

-- The batch reads the money events of a time range.
CREATE INDEX order_events_analytics_idx ON order_events (created_at)
  WHERE type IN ('PaymentCaptured', 'PaymentRefunded', 'OrderCancelled', 'VendorRefunded');

CREATE TABLE analytics_reconcile_runs (
  id               uuid PRIMARY KEY,
  trigger          text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
  range_start      timestamptz NOT NULL,
  range_end        timestamptz NOT NULL CHECK (range_end > range_start),
  status           text NOT NULL CHECK (status IN ('running', 'clean', 'repaired', 'failed')),
  events_read      integer NOT NULL DEFAULT 0,
  views_read       integer NOT NULL DEFAULT 0,
  buckets_compared integer NOT NULL DEFAULT 0,
  differences      integer NOT NULL DEFAULT 0,
  error            text,
  started_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz
);
CREATE INDEX analytics_reconcile_runs_started_at_idx ON analytics_reconcile_runs (started_at DESC);

-- One row per bucket and metric where the stream's rollup differed from the batch's result.
CREATE TABLE analytics_reconcile_differences (
  id           bigserial PRIMARY KEY,
  run_id       uuid NOT NULL REFERENCES analytics_reconcile_runs (id) ON DELETE CASCADE,
  vendor_id    uuid NOT NULL,
  product_id   uuid,
  granularity  text NOT NULL CHECK (granularity IN ('hour', 'day')),
  bucket_start timestamptz NOT NULL,
  metric       text NOT NULL
               CHECK (metric IN ('revenue_cents', 'refund_cents', 'units', 'orders', 'views')),
  expected     bigint NOT NULL,
  actual       bigint NOT NULL
);
CREATE INDEX analytics_reconcile_differences_run_idx ON analytics_reconcile_differences (run_id, vendor_id);
