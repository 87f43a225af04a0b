-- Core cluster, initial schema. Must match prisma/core/schema.prisma (drift test).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE users (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email         text NOT NULL UNIQUE,
  name          text NOT NULL,
  password_hash text NOT NULL,
  pii           jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE roles (
  name        text PRIMARY KEY,
  description text NOT NULL
);
INSERT INTO roles (name, description) VALUES
  ('shopper', 'Buys products'),
  ('vendor_owner', 'Owns a vendor (tenant)'),
  ('vendor_staff', 'Works for a vendor'),
  ('operator', 'Runs the platform day to day'),
  ('admin', 'Full platform access');

CREATE TABLE vendors (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug       text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$'),
  name       text NOT NULL,
  status     text NOT NULL DEFAULT 'active' CHECK (status IN ('pending', 'active', 'suspended')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE user_roles (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role_name  text NOT NULL REFERENCES roles (name),
  vendor_id  uuid REFERENCES vendors (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- vendor roles need a vendor, platform roles must not have one
  CHECK ((role_name IN ('vendor_owner', 'vendor_staff')) = (vendor_id IS NOT NULL))
);
CREATE UNIQUE INDEX user_roles_grant_key ON user_roles (user_id, role_name, vendor_id) NULLS NOT DISTINCT;
CREATE INDEX user_roles_user_id_idx ON user_roles (user_id);
CREATE INDEX user_roles_vendor_id_idx ON user_roles (vendor_id);

CREATE TABLE shard_directory (
  vendor_id    uuid PRIMARY KEY REFERENCES vendors (id) ON DELETE CASCADE,
  shard        text NOT NULL,
  epoch        integer NOT NULL DEFAULT 1 CHECK (epoch > 0),
  write_fenced boolean NOT NULL DEFAULT false,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shard_directory_shard_idx ON shard_directory (shard);

-- Tell every process caching the directory that an entry changed (payload: vendor id).
CREATE FUNCTION notify_shard_directory_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('shard_directory_changed', COALESCE(NEW.vendor_id, OLD.vendor_id)::text);
  RETURN NULL;
END $$;
CREATE TRIGGER shard_directory_notify
  AFTER INSERT OR UPDATE OR DELETE ON shard_directory
  FOR EACH ROW EXECUTE FUNCTION notify_shard_directory_change();

CREATE TABLE categories (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug       text NOT NULL UNIQUE,
  name       text NOT NULL,
  parent_id  uuid REFERENCES categories (id),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Orders are event-sourced: order_events is the source of truth and is append-only.
CREATE TABLE order_events (
  id         bigserial PRIMARY KEY,
  order_id   uuid NOT NULL,
  version    integer NOT NULL CHECK (version > 0),
  type       text NOT NULL,
  payload    jsonb NOT NULL,
  metadata   jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT order_events_order_id_version_key UNIQUE (order_id, version)
);

CREATE FUNCTION reject_mutation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER order_events_append_only
  BEFORE UPDATE OR DELETE ON order_events
  FOR EACH ROW EXECUTE FUNCTION reject_mutation();

CREATE TABLE order_snapshots (
  order_id   uuid NOT NULL,
  version    integer NOT NULL,
  state      jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, version)
);

CREATE TABLE orders (
  id          uuid PRIMARY KEY,
  user_id     uuid NOT NULL REFERENCES users (id),
  status      text NOT NULL,
  total_cents integer NOT NULL CHECK (total_cents >= 0),
  currency    text NOT NULL DEFAULT 'EUR',
  items       jsonb NOT NULL DEFAULT '[]',
  version     integer NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_user_id_created_at_idx ON orders (user_id, created_at);

CREATE TABLE payments (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  order_id        uuid NOT NULL REFERENCES orders (id),
  amount_cents    integer NOT NULL CHECK (amount_cents >= 0),
  currency        text NOT NULL DEFAULT 'EUR',
  status          text NOT NULL,
  provider_ref    text,
  idempotency_key text NOT NULL UNIQUE,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_order_id_idx ON payments (order_id);

CREATE TABLE ledger_accounts (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code       text NOT NULL UNIQUE,
  name       text NOT NULL,
  kind       text NOT NULL CHECK (kind IN ('asset', 'liability', 'equity', 'revenue', 'expense')),
  vendor_id  uuid,
  currency   text NOT NULL DEFAULT 'EUR',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ledger_entries (
  id             bigserial PRIMARY KEY,
  transaction_id uuid NOT NULL,
  account_id     uuid NOT NULL REFERENCES ledger_accounts (id),
  direction      text NOT NULL CHECK (direction IN ('debit', 'credit')),
  amount_cents   integer NOT NULL CHECK (amount_cents > 0),
  currency       text NOT NULL DEFAULT 'EUR',
  order_id       uuid,
  memo           text,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_entries_transaction_id_idx ON ledger_entries (transaction_id);
CREATE INDEX ledger_entries_account_id_idx ON ledger_entries (account_id);

-- Checked at commit (deferred) so a transaction can insert its legs one by one.
CREATE FUNCTION check_ledger_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE imbalance bigint;
BEGIN
  SELECT COALESCE(sum(CASE direction WHEN 'debit' THEN amount_cents ELSE -amount_cents END), 0)
    INTO imbalance FROM ledger_entries WHERE transaction_id = NEW.transaction_id;
  IF imbalance <> 0 THEN
    RAISE EXCEPTION 'ledger transaction % is unbalanced by % cents', NEW.transaction_id, imbalance
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER ledger_entries_balanced
  AFTER INSERT ON ledger_entries DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION check_ledger_balanced();
CREATE TRIGGER ledger_entries_append_only
  BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION reject_mutation();

CREATE TABLE outbox (
  id             bigserial PRIMARY KEY,
  aggregate_type text NOT NULL,
  aggregate_id   text NOT NULL,
  event_type     text NOT NULL,
  payload        jsonb NOT NULL,
  headers        jsonb NOT NULL DEFAULT '{}',
  created_at     timestamptz NOT NULL DEFAULT now(),
  published_at   timestamptz,
  attempts       integer NOT NULL DEFAULT 0
);
CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL;

CREATE TABLE idempotency_keys (
  scope        text NOT NULL,
  key          text NOT NULL,
  request_hash text NOT NULL,
  status_code  integer,
  response     jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at);

CREATE TABLE audit_log (
  id            bigserial PRIMARY KEY,
  actor_user_id uuid,
  action        text NOT NULL,
  target_type   text NOT NULL,
  target_id     text,
  details       jsonb NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id);
CREATE TRIGGER audit_log_append_only
  BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION reject_mutation();

CREATE TABLE catalog_search (
  product_id     uuid PRIMARY KEY,
  vendor_id      uuid NOT NULL,
  vendor_name    text NOT NULL,
  shard          text NOT NULL,
  category_slug  text NOT NULL,
  title          text NOT NULL,
  description    text NOT NULL,
  price_cents    integer NOT NULL,
  currency       text NOT NULL DEFAULT 'EUR',
  image_url      text,
  in_stock       boolean NOT NULL DEFAULT true,
  source_version integer NOT NULL,
  search_vector  tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', description), 'B')
  ) STORED,
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX catalog_search_vendor_id_idx ON catalog_search (vendor_id);
CREATE INDEX catalog_search_category_slug_idx ON catalog_search (category_slug);
CREATE INDEX catalog_search_vector_idx ON catalog_search USING gin (search_vector);
CREATE INDEX catalog_search_title_trgm_idx ON catalog_search USING gin (title gin_trgm_ops);

CREATE TABLE seed_runs (
  name         text PRIMARY KEY,
  seed_number  integer NOT NULL,
  products     integer NOT NULL,
  completed_at timestamptz NOT NULL DEFAULT now()
);

-- Append-only for the app role too (the triggers also stop the owner).
REVOKE UPDATE, DELETE, TRUNCATE ON order_events, audit_log, ledger_entries FROM agora;
