-- Catalogs seeded before products carried their own SKU gave every product a placeholder variant
-- titled 'Standard' that never held stock: the vendor's stock page listed each product twice (its
-- own stock and the empty placeholder) and flagged the placeholder low in every warehouse. This
-- removes the placeholders and keeps their SKU on the product.
--
-- A variant is a placeholder only when all of these hold, so nothing a vendor made is touched:
-- it is its product's only variant, titled 'Standard', with no price and no attributes of its own,
-- its SKU has the seed's '<VENDOR>-<first 8 characters of the product id>' form, and it neither
-- holds nor reserves a unit in any warehouse. Running it again finds nothing.
CREATE TEMP VIEW placeholder_variants AS
SELECT v.vendor_id, v.product_id, v.id, v.sku
  FROM product_variants v
 WHERE v.title = 'Standard'
   AND v.price_cents IS NULL
   AND v.attributes = '{}'::jsonb
   AND v.sku LIKE '%-' || upper(left(v.product_id::text, 8))
   AND NOT EXISTS (SELECT 1 FROM product_variants o WHERE o.product_id = v.product_id AND o.id <> v.id)
   AND NOT EXISTS (SELECT 1 FROM stock_levels s
                    WHERE s.variant_id = v.id AND (s.on_hand <> 0 OR s.reserved <> 0));

-- The SKU moves to the product (imports upsert by it) unless the product has one or another
-- product of the vendor uses it. The version bump makes an editor open on the old shape conflict.
UPDATE products p
   SET sku = ph.sku, version = p.version + 1, updated_at = now()
  FROM placeholder_variants ph
 WHERE p.id = ph.product_id AND p.sku IS NULL
   AND NOT EXISTS (SELECT 1 FROM products o WHERE o.vendor_id = p.vendor_id AND o.sku = ph.sku);

-- Empty stock rows first (the foreign key keeps a variant while a stock row names it).
DELETE FROM stock_levels s USING placeholder_variants ph WHERE s.variant_id = ph.id;
DELETE FROM product_variants v USING placeholder_variants ph WHERE v.id = ph.id;

DROP VIEW placeholder_variants;
