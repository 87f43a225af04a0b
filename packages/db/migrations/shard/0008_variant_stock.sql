-- Stock per product variant per warehouse. Must match prisma/shard/schema.prisma (drift test).
--
-- stock_levels and stock_movements get a NULLABLE variant_id: NULL is the product's own stock
-- (a product sold without picking a variant), a value is one variant's stock. Chosen over a
-- default variant per product because every existing row, every product without variants and every
-- in-flight reservation (vendor_orders.items allocations name no variant) stays valid as it is:
-- nothing is rewritten, no synthetic variant appears in catalogs, exports or the product editor.
-- Existing rows are migrated by keeping them product-level (variant_id NULL); a vendor who starts
-- tracking a variant books its units onto the variant (adjust or import with the variant column).
-- A row is unique per (warehouse, product, variant) with NULL counted as a value
-- (NULLS NOT DISTINCT, Postgres 15), so a product has at most one product-level row per warehouse.

-- A variant is referenced together with its product and tenant, so a stock row can never name
-- another product's (or tenant's) variant.
ALTER TABLE product_variants
  ADD CONSTRAINT product_variants_vendor_id_product_id_id_key UNIQUE (vendor_id, product_id, id);

ALTER TABLE stock_levels ADD COLUMN variant_id uuid;
-- The variant's stock goes with it only when it holds nothing (save-product clears empty rows
-- first); a variant that still holds or reserves units cannot be deleted.
ALTER TABLE stock_levels ADD CONSTRAINT stock_levels_variant_fkey
  FOREIGN KEY (vendor_id, product_id, variant_id)
  REFERENCES product_variants (vendor_id, product_id, id);

-- The primary key cannot hold a nullable column: a surrogate id becomes the key (filled for
-- existing rows by the volatile default) and the natural key is the NULLS NOT DISTINCT unique.
ALTER TABLE stock_levels ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE stock_levels DROP CONSTRAINT stock_levels_pkey;
ALTER TABLE stock_levels ADD CONSTRAINT stock_levels_pkey PRIMARY KEY (id);
ALTER TABLE stock_levels ADD CONSTRAINT stock_levels_warehouse_id_product_id_variant_id_key
  UNIQUE NULLS NOT DISTINCT (warehouse_id, product_id, variant_id);
CREATE INDEX stock_levels_vendor_id_product_id_variant_id_idx
  ON stock_levels (vendor_id, product_id, variant_id);
DROP INDEX stock_levels_vendor_id_product_id_idx;

-- The movement log keeps the variant it moved; no foreign key: the log outlives deleted variants.
ALTER TABLE stock_movements ADD COLUMN variant_id uuid;
