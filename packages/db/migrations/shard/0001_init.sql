-- Shard cluster, initial schema (applied to every shard). Must match prisma/shard/schema.prisma.
-- Every table carries vendor_id; child tables reference (vendor_id, id) so a row can never point
-- at another tenant's parent.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE vendors (
  id         uuid PRIMARY KEY,
  slug       text NOT NULL UNIQUE,
  name       text NOT NULL,
  status     text NOT NULL DEFAULT 'active' CHECK (status IN ('pending', 'active', 'suspended')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE products (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  vendor_id     uuid NOT NULL REFERENCES vendors (id),
  category_id   uuid NOT NULL,
  category_slug text NOT NULL,
  title         text NOT NULL,
  description   text NOT NULL,
  price_cents   integer NOT NULL CHECK (price_cents >= 0),
  currency      text NOT NULL DEFAULT 'EUR',
  status        text NOT NULL DEFAULT 'active' CHECK (status IN ('draft', 'active', 'archived')),
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT products_vendor_id_id_key UNIQUE (vendor_id, id)
);
CREATE INDEX products_vendor_id_category_slug_idx ON products (vendor_id, category_slug);
CREATE INDEX products_title_trgm_idx ON products USING gin (title gin_trgm_ops);

CREATE TABLE product_variants (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  vendor_id   uuid NOT NULL,
  product_id  uuid NOT NULL,
  sku         text NOT NULL,
  title       text NOT NULL,
  price_cents integer CHECK (price_cents >= 0),
  attributes  jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (vendor_id, product_id) REFERENCES products (vendor_id, id) ON DELETE CASCADE,
  CONSTRAINT product_variants_vendor_id_sku_key UNIQUE (vendor_id, sku)
);
CREATE INDEX product_variants_product_id_idx ON product_variants (product_id);

CREATE TABLE media (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  vendor_id    uuid NOT NULL,
  product_id   uuid NOT NULL,
  kind         text NOT NULL DEFAULT 'image',
  path         text NOT NULL,
  url          text NOT NULL,
  content_type text NOT NULL,
  width        integer,
  height       integer,
  position     integer NOT NULL DEFAULT 0,
  created_at   timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (vendor_id, product_id) REFERENCES products (vendor_id, id) ON DELETE CASCADE
);
CREATE INDEX media_product_id_idx ON media (product_id);

CREATE TABLE warehouses (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  vendor_id  uuid NOT NULL REFERENCES vendors (id),
  code       text NOT NULL,
  name       text NOT NULL,
  city       text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT warehouses_vendor_id_code_key UNIQUE (vendor_id, code),
  CONSTRAINT warehouses_vendor_id_id_key UNIQUE (vendor_id, id)
);

CREATE TABLE stock_levels (
  vendor_id    uuid NOT NULL,
  warehouse_id uuid NOT NULL,
  product_id   uuid NOT NULL,
  on_hand      integer NOT NULL DEFAULT 0,
  reserved     integer NOT NULL DEFAULT 0,
  version      integer NOT NULL DEFAULT 1,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (warehouse_id, product_id),
  FOREIGN KEY (vendor_id, warehouse_id) REFERENCES warehouses (vendor_id, id),
  FOREIGN KEY (vendor_id, product_id) REFERENCES products (vendor_id, id) ON DELETE CASCADE,
  -- the database itself refuses to oversell, whatever the application does
  CONSTRAINT stock_levels_quantities_check CHECK (on_hand >= 0 AND reserved >= 0 AND reserved <= on_hand)
);
CREATE INDEX stock_levels_vendor_id_product_id_idx ON stock_levels (vendor_id, product_id);

CREATE TABLE stock_movements (
  id              bigserial PRIMARY KEY,
  vendor_id       uuid NOT NULL,
  warehouse_id    uuid NOT NULL,
  product_id      uuid NOT NULL,
  delta_on_hand   integer NOT NULL DEFAULT 0,
  delta_reserved  integer NOT NULL DEFAULT 0,
  reason          text NOT NULL CHECK (reason IN ('seed', 'restock', 'reserve', 'release', 'commit', 'adjust', 'move')),
  reference       text,
  idempotency_key text UNIQUE,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stock_movements_vendor_id_id_idx ON stock_movements (vendor_id, id);

CREATE TABLE vendor_orders (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  vendor_id   uuid NOT NULL REFERENCES vendors (id),
  order_id    uuid NOT NULL,
  status      text NOT NULL,
  total_cents integer NOT NULL CHECK (total_cents >= 0),
  currency    text NOT NULL DEFAULT 'EUR',
  items       jsonb NOT NULL DEFAULT '[]',
  version     integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT vendor_orders_order_id_vendor_id_key UNIQUE (order_id, vendor_id)
);
CREATE INDEX vendor_orders_vendor_id_created_at_idx ON vendor_orders (vendor_id, created_at);

CREATE TABLE outbox (
  id             bigserial PRIMARY KEY,
  vendor_id      uuid NOT NULL,
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

CREATE TABLE processed_messages (
  consumer     text NOT NULL,
  message_id   text NOT NULL,
  vendor_id    uuid NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, message_id)
);

REVOKE UPDATE, DELETE, TRUNCATE ON stock_movements FROM agora;
