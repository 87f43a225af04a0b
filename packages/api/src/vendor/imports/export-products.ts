/**
 * CSV export of the tenant's products, one line per product (or variant) and warehouse, the
 * variant's SKU in the `variant` column (re-importable).
 */
import { withTenant } from "@agora/db";
import { csvLine, formatPrice, PRODUCT_CSV_COLUMNS } from "./import-contract.ts";

export async function exportProductsCsv(vendorId: string): Promise<string> {
  const rows = await withTenant(
    vendorId,
    (tx) =>
      tx.$queryRaw<
        {
          sku: string | null;
          id: string;
          title: string;
          description: string;
          category_slug: string;
          price_cents: number;
          currency: string;
          status: string;
          code: string | null;
          on_hand: number | null;
          variant_sku: string | null;
        }[]
      >`
        SELECT p.sku, p.id::text, p.title, p.description, p.category_slug, p.price_cents, p.currency,
               p.status, w.code, s.on_hand, v.sku AS variant_sku
          FROM products p
          LEFT JOIN stock_levels s ON s.product_id = p.id
          LEFT JOIN warehouses w ON w.id = s.warehouse_id
          LEFT JOIN product_variants v ON v.id = s.variant_id
         WHERE p.vendor_id = ${vendorId}::uuid
         ORDER BY p.created_at, p.id, v.sku NULLS FIRST, w.code`,
    { timeout: 60_000 },
  );
  const lines = [csvLine(PRODUCT_CSV_COLUMNS)];
  for (const r of rows)
    lines.push(
      csvLine([
        // The import matches by SKU; a product saved without one exports an empty cell, which
        // the import reports as a row error until the product gets a SKU.
        r.sku ?? "",
        r.title,
        r.description,
        r.category_slug,
        formatPrice(r.price_cents),
        r.currency,
        r.status,
        r.code ?? "",
        r.on_hand ?? "",
        r.variant_sku ?? "",
      ]),
    );
  return `${lines.join("\r\n")}\r\n`;
}
