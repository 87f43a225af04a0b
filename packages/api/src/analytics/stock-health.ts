/**
 * Stock health per product, from the vendor's shard under its tenant: units on hand and reserved
 * over all warehouses (and variants), against the product's low-stock threshold (the highest of
 * its warehouses', 5 when none is set). Worst first: out of stock, then low, then by cover.
 */
import { withTenant } from "@agora/db";
import type { z } from "zod";
import type { stockHealthInput } from "./analytics.schema.ts";

const DEFAULT_THRESHOLD = 5;

export type StockHealthStatus = "out" | "low" | "ok";

export interface StockHealthRow {
  productId: string;
  title: string;
  onHand: number;
  reserved: number;
  available: number;
  threshold: number;
  status: StockHealthStatus;
}

export function stockStatus(available: number, threshold: number): StockHealthStatus {
  if (available <= 0) return "out";
  return available <= threshold ? "low" : "ok";
}

export async function stockHealth(
  vendorId: string,
  input: z.infer<typeof stockHealthInput>,
): Promise<{ counts: Record<StockHealthStatus, number>; products: StockHealthRow[] }> {
  const rows = await withTenant(
    vendorId,
    (tx) =>
      tx.$queryRaw<
        {
          product_id: string;
          title: string;
          on_hand: bigint;
          reserved: bigint;
          threshold: number | null;
        }[]
      >`
      SELECT p.id::text AS product_id, p.title,
             coalesce(sum(s.on_hand), 0) AS on_hand, coalesce(sum(s.reserved), 0) AS reserved,
             max(s.low_stock_threshold) AS threshold
        FROM products p LEFT JOIN stock_levels s ON s.product_id = p.id
       WHERE p.vendor_id = ${vendorId}::uuid AND p.status <> 'archived'
       GROUP BY p.id, p.title`,
  );
  const products = rows.map((r): StockHealthRow => {
    const onHand = Number(r.on_hand);
    const reserved = Number(r.reserved);
    const threshold = r.threshold ?? DEFAULT_THRESHOLD;
    return {
      productId: r.product_id,
      title: r.title,
      onHand,
      reserved,
      available: onHand - reserved,
      threshold,
      status: stockStatus(onHand - reserved, threshold),
    };
  });
  const rank: Record<StockHealthStatus, number> = { out: 0, low: 1, ok: 2 };
  products.sort(
    (a, b) =>
      rank[a.status] - rank[b.status] ||
      a.available / Math.max(1, a.threshold) - b.available / Math.max(1, b.threshold) ||
      a.title.localeCompare(b.title),
  );
  const counts = { out: 0, low: 0, ok: 0 };
  for (const p of products) counts[p.status] += 1;
  return { counts, products: products.slice(0, input.limit) };
}
