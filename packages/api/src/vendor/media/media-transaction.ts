/**
 * The shared shape of every media change: in one shard transaction under the tenant, lock the
 * product row, change its media rows, bump the product's version (so read models take the new
 * primary image over older events) and write `ProductUpserted` to the outbox.
 */
import { type ShardTransaction, withTenant } from "@agora/db";
import { TRPCError } from "@trpc/server";
import { announceProduct } from "../product-events.ts";
import { loadProduct, type ProductView } from "../product-rows.ts";

export interface MediaRow {
  id: string;
  url: string;
  path: string;
  contentType: string;
  width: number | null;
  height: number | null;
  position: number;
}

export const mediaRowSelect = {
  id: true,
  url: true,
  path: true,
  contentType: true,
  width: true,
  height: true,
  position: true,
} as const;

export async function mediaRowsOf(
  tx: ShardTransaction,
  vendorId: string,
  productId: string,
): Promise<MediaRow[]> {
  return tx.media.findMany({
    where: { vendorId, productId },
    select: mediaRowSelect,
    orderBy: [{ position: "asc" }, { createdAt: "asc" }],
  });
}

/**
 * Runs `change` with the product locked and announces the result. Another tenant's product is
 * invisible under row-level security, so it is NOT_FOUND exactly like a missing one.
 */
export async function changeProductMedia<T>(
  vendorId: string,
  productId: string,
  change: (tx: ShardTransaction, media: MediaRow[]) => Promise<T>,
): Promise<{ result: T; product: ProductView }> {
  return withTenant(vendorId, async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM products WHERE id = ${productId}::uuid AND vendor_id = ${vendorId}::uuid FOR UPDATE`;
    if (locked.length === 0)
      throw new TRPCError({ code: "NOT_FOUND", message: `No product ${productId} in your shop.` });
    const result = await change(tx, await mediaRowsOf(tx, vendorId, productId));
    await tx.product.update({
      where: { vendorId_id: { vendorId, id: productId } },
      data: { version: { increment: 1 } },
    });
    const product = await loadProduct(tx, vendorId, productId);
    await announceProduct(tx, vendorId, product);
    return { result, product };
  });
}
