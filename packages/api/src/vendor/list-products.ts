/** `vendor.products.list`: the tenant's products, newest first, keyset-paginated. */
import { withTenant } from "@agora/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { ListProductsInput } from "./products.schema.ts";
import { type ProductView, productSelect, toProductView } from "./product-rows.ts";

export interface ProductPage {
  items: ProductView[];
  nextCursor: string | null;
}

/**
 * The cursor is the last row's id; the database compares (created_at, id) against that row's own
 * values, so microsecond timestamps never get truncated to JavaScript milliseconds.
 */
export async function listProducts(
  vendorId: string,
  input: ListProductsInput,
): Promise<ProductPage> {
  const limit = input?.limit ?? 25;
  const status = input?.status ?? "all";
  const after = input?.cursor;
  if (after !== undefined && !z.uuid().safeParse(after).success)
    throw new TRPCError({ code: "BAD_REQUEST", message: "Invalid cursor." });
  const pattern = input?.q ? `%${input.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = await withTenant(vendorId, async (tx) => {
    const ids = await tx.$queryRawUnsafe<{ id: string }[]>(
      `SELECT p.id::text FROM products p
        WHERE p.vendor_id = $1::uuid
          AND ($2::text = 'all' OR p.status = $2::text)
          AND ($3::text IS NULL OR p.title ILIKE $3::text OR p.sku ILIKE $3::text)
          AND ($4::uuid IS NULL OR (p.created_at, p.id) <
               (SELECT c.created_at, c.id FROM products c WHERE c.id = $4::uuid))
        ORDER BY p.created_at DESC, p.id DESC
        LIMIT $5`,
      vendorId,
      status,
      pattern,
      after ?? null,
      limit + 1,
    );
    const found = await tx.product.findMany({
      where: { vendorId, id: { in: ids.map((r) => r.id) } },
      select: productSelect,
    });
    const byId = new Map(found.map((p) => [p.id, p]));
    return ids.flatMap((r) => {
      const p = byId.get(r.id);
      return p ? [p] : [];
    });
  });
  const items = rows.slice(0, limit).map(toProductView);
  return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
}
