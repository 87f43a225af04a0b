-- Catalog reads: what the search projection needs to apply events in order, keyset indexes for
-- category pages, the projection checkpoint (read-model freshness) and product reviews.
-- Must match prisma/core/schema.prisma (drift test).

-- Stock arrives separately from product data; each kind keeps its own last applied position so an
-- older event can never overwrite a newer one (product: source version; stock: shard outbox id).
ALTER TABLE catalog_search ADD COLUMN available integer;
ALTER TABLE catalog_search ADD COLUMN stock_position bigint NOT NULL DEFAULT 0;
ALTER TABLE catalog_search ADD COLUMN status text NOT NULL DEFAULT 'active';

-- Keyset pagination: (category, sort key, product_id) is a total order served by one index scan.
CREATE INDEX catalog_search_category_title_idx ON catalog_search (category_slug, title, product_id);
CREATE INDEX catalog_search_category_price_idx ON catalog_search (category_slug, price_cents, product_id);
-- Typo-tolerant prefix suggestions and word_similarity on titles use the existing trigram index.

CREATE TABLE projection_checkpoints (
  projection    text NOT NULL,
  source        text NOT NULL,
  position      bigint NOT NULL,
  event_at      timestamptz NOT NULL,
  applied_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (projection, source)
);

CREATE TABLE reviews (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  product_id        uuid NOT NULL,
  user_id           uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  rating            integer NOT NULL CHECK (rating BETWEEN 1 AND 5),
  title             text NOT NULL,
  body              text NOT NULL,
  verified_purchase boolean NOT NULL DEFAULT false,
  created_at        timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT reviews_product_id_user_id_key UNIQUE (product_id, user_id)
);
CREATE INDEX reviews_product_id_created_at_idx ON reviews (product_id, created_at);
