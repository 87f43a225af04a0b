/**
 * One warehouse's stock, one line per product variant (and per product for its own stock), with
 * the low-stock flag of each line's threshold. A product's own line is listed when the product
 * has no variants or holds product-level stock anywhere (stock from before it had variants);
 * every variant gets a line, stocked or not.
 */
import { withTenant } from "@agora/db";
import type { z } from "zod";
import type { listStockInput } from "./stock.schema.ts";

/** Where the low flag starts when a line has no row yet (the column's default). */
const DEFAULT_THRESHOLD = 5;
/** Sorts a product's own line before its variants' in the keyset order. */
const NO_VARIANT = "00000000-0000-0000-0000-000000000000";

export interface StockRow {
  warehouseId: string;
  productId: string;
  /** Null: the product's own stock. */
  variantId: string | null;
  title: string;
  sku: string | null;
  variantTitle: string | null;
  variantSku: string | null;
  onHand: number;
  reserved: number;
  available: number;
  lowStockThreshold: number;
  low: boolean;
  version: number;
}

interface Raw {
  product_id: string;
  variant_id: string | null;
  title: string;
  sku: string | null;
  variant_title: string | null;
  variant_sku: string | null;
  on_hand: number | null;
  reserved: number | null;
  version: number | null;
  low_stock_threshold: number | null;
}

const cursorOf = (r: StockRow) => (r.variantId ? `${r.productId}/${r.variantId}` : r.productId);

export async function listStock(
  vendorId: string,
  input: z.infer<typeof listStockInput>,
): Promise<{ items: StockRow[]; nextCursor: string | null }> {
  const [afterProduct = null, afterVariant = NO_VARIANT] = input.cursor?.split("/") ?? [];
  const rows = await withTenant(
    vendorId,
    (tx) => tx.$queryRaw<Raw[]>`
      WITH lines AS (
        SELECT p.id AS product_id, NULL::uuid AS variant_id
          FROM products p
         WHERE p.vendor_id = ${vendorId}::uuid AND p.status <> 'archived'
           AND (NOT EXISTS (SELECT 1 FROM product_variants v WHERE v.vendor_id = p.vendor_id AND v.product_id = p.id)
                OR EXISTS (SELECT 1 FROM stock_levels s
                            WHERE s.vendor_id = p.vendor_id AND s.product_id = p.id AND s.variant_id IS NULL))
        UNION ALL
        SELECT v.product_id, v.id
          FROM product_variants v JOIN products p ON p.vendor_id = v.vendor_id AND p.id = v.product_id
         WHERE v.vendor_id = ${vendorId}::uuid AND p.status <> 'archived'
      )
      SELECT l.product_id::text, l.variant_id::text, p.title, p.sku, v.title AS variant_title,
             v.sku AS variant_sku, s.on_hand, s.reserved, s.version, s.low_stock_threshold
        FROM lines l
        JOIN products p ON p.id = l.product_id
        LEFT JOIN product_variants v ON v.id = l.variant_id
        LEFT JOIN stock_levels s
          ON s.product_id = l.product_id AND s.warehouse_id = ${input.warehouseId}::uuid
         AND s.variant_id IS NOT DISTINCT FROM l.variant_id
       WHERE (${afterProduct}::uuid IS NULL
              OR (l.product_id, coalesce(l.variant_id, ${NO_VARIANT}::uuid))
                 > (${afterProduct}::uuid, ${afterVariant}::uuid))
         AND (NOT ${input.lowOnly}
              OR coalesce(s.on_hand - s.reserved, 0) <= coalesce(s.low_stock_threshold, ${DEFAULT_THRESHOLD}))
       ORDER BY l.product_id, coalesce(l.variant_id, ${NO_VARIANT}::uuid)
       LIMIT ${input.limit + 1}`,
  );
  const items = rows.slice(0, input.limit).map((r): StockRow => {
    const onHand = r.on_hand ?? 0;
    const reserved = r.reserved ?? 0;
    const threshold = r.low_stock_threshold ?? DEFAULT_THRESHOLD;
    return {
      warehouseId: input.warehouseId,
      productId: r.product_id,
      variantId: r.variant_id,
      title: r.title,
      sku: r.sku,
      variantTitle: r.variant_title,
      variantSku: r.variant_sku,
      onHand,
      reserved,
      available: onHand - reserved,
      lowStockThreshold: threshold,
      low: onHand - reserved <= threshold,
      version: r.version ?? 0,
    };
  });
  return {
    items,
    nextCursor: rows.length > input.limit ? cursorOf(items[items.length - 1]!) : null,
  };
}
