-- Tenant isolation with row-level security on every shard table that carries a tenant, plus what
-- the vendor portal's catalog needs (variant stock, low-stock thresholds, import idempotency).
-- Rationale and the platform-job rule: docs/adr/0004-tenant-isolation-rls.md.
-- Must match prisma/shard/schema.prisma (drift test).

-- ---- catalog additions ----------------------------------------------------------------------
-- Stock is kept per product (the saga reserves per product); a variant's own count would need a
-- second key in stock_levels and in every reservation, so variants share their product's stock.
ALTER TABLE stock_levels ADD COLUMN low_stock_threshold integer NOT NULL DEFAULT 5
  CHECK (low_stock_threshold >= 0);
-- 'transfer' and 'import' movements come from the vendor portal.
ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_reason_check;
ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_reason_check
  CHECK (reason IN ('seed', 'restock', 'reserve', 'release', 'commit', 'adjust', 'move',
                    'transfer', 'import'));
-- Keyset pagination of a vendor's products (newest first).
CREATE INDEX products_vendor_id_created_at_id_idx ON products (vendor_id, created_at DESC, id DESC);
-- Product-level SKU: what a CSV import upserts by (one row per product, unique per vendor).
ALTER TABLE products ADD COLUMN sku text;
CREATE UNIQUE INDEX products_vendor_id_sku_key ON products (vendor_id, sku);

-- ---- row-level security ---------------------------------------------------------------------
-- A row is visible and writable when it belongs to the tenant named by the transaction-local
-- setting agora.vendor_id, or when the transaction declared itself a platform job
-- (agora.scope = 'platform': outbox relay, seed, vendor moves). Neither set → no rows at all.
-- current_setting(..., true) returns NULL (or '' after a reset) when unset, so the comparison
-- is never true by accident.
CREATE FUNCTION agora_row_visible(row_vendor uuid) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(current_setting('agora.scope', true), '') = 'platform'
      OR row_vendor = nullif(current_setting('agora.vendor_id', true), '')::uuid
$$;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['products', 'product_variants', 'media', 'warehouses', 'stock_levels',
                           'stock_movements', 'vendor_orders', 'outbox', 'processed_messages']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    -- FORCE: the policies hold even for the table owner (only superusers bypass them).
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (agora_row_visible(vendor_id)) WITH CHECK (agora_row_visible(vendor_id))',
      t);
  END LOOP;
END
$$;

-- The tenant row itself: keyed by id rather than vendor_id.
ALTER TABLE vendors ENABLE ROW LEVEL SECURITY;
ALTER TABLE vendors FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON vendors USING (agora_row_visible(id)) WITH CHECK (agora_row_visible(id));

-- Platform-wide aggregates that need no rows (the catalog overview's product counts) go through
-- this function: it runs as its owner and returns counts only, never another tenant's data.
CREATE FUNCTION vendor_product_counts() RETURNS TABLE (vendor_id uuid, products bigint)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT p.vendor_id, count(*) FROM products p GROUP BY p.vendor_id
$$;
REVOKE ALL ON FUNCTION vendor_product_counts() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION vendor_product_counts() TO agora;
