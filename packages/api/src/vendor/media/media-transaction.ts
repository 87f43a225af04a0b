/**
 * The shared shape of every media change: in one shard transaction under the tenant, lock the
 * product row, change its media rows, bump the product's version (so read models take the new
 * primary image over older events) and write `ProductUpserted` to the outbox.
 */
import { type ShardTransaction, withTenant } from "@agora/db";
import { TRPCError } from "@trpc/server";
import { announceProduct } from "../product-events.ts";
import { loadProduct, type ProductView } from "../product-rows.ts";

export type MediaKind = "image" | "video" | "document";

export interface MediaRow {
  id: string;
  kind: string;
  /** processing (a video being transcoded) | ready | failed */
  status: string;
  url: string;
  path: string;
  contentType: string;
  width: number | null;
  height: number | null;
  position: number;
  bytes: number | null;
  /** A video's poster frame, a document's first-page thumbnail. */
  posterUrl: string | null;
  durationMs: number | null;
  pageCount: number | null;
  fileName: string | null;
}

export const mediaRowSelect = {
  id: true,
  kind: true,
  status: true,
  url: true,
  path: true,
  contentType: true,
  width: true,
  height: true,
  position: true,
  bytes: true,
  posterUrl: true,
  durationMs: true,
  pageCount: true,
  fileName: true,
} as const;

/** The product's media of one kind (images by default: what reorder and the primary image use). */
export async function mediaRowsOf(
  tx: ShardTransaction,
  vendorId: string,
  productId: string,
  kind: MediaKind = "image",
): Promise<MediaRow[]> {
  return tx.media.findMany({
    where: { vendorId, productId, kind },
    select: mediaRowSelect,
    orderBy: [{ position: "asc" }, { createdAt: "asc" }],
  });
}

/**
 * Runs `change` with the product locked (given its images) and announces the result. Another
 * tenant's product is invisible under row-level security, so it is NOT_FOUND like a missing one.
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
