/**
 * A product's images in the vendor portal: list, reorder (the first is the primary image, the one
 * cards and search show) and delete. A delete commits first, then removes the files and purges
 * every URL of the image from the CDN edge, so the next request is a MISS that finds nothing:
 * pages still showing the image lose it at once, which is what a vendor removing a wrong or
 * unlicensed photo wants.
 */
import { withTenant } from "@agora/db";
import { TRPCError } from "@trpc/server";
import { allUrlsOf, parseUploadUrl } from "../../media/responsive-image.ts";
import { type AuditActor, recordAudit } from "../audit-log.ts";
import type { ProductView } from "../product-rows.ts";
import { purgeFromEdge, type PurgeResult } from "./edge-purge.ts";
import { mediaDirs, removeMedia } from "./media-files.ts";
import type { ReorderMediaInput } from "./media.schema.ts";
import { changeProductMedia, type MediaRow, mediaRowsOf } from "./media-transaction.ts";

export interface ProductImage extends MediaRow {
  /** Smallest rendition (the stored URL for seeded images), for the editor's thumbnails. */
  thumbnailUrl: string;
}

export async function listProductMedia(
  vendorId: string,
  productId: string,
): Promise<ProductImage[]> {
  const rows = await withTenant(vendorId, async (tx) => {
    const exists = await tx.product.findFirst({
      where: { id: productId, vendorId },
      select: { id: true },
    });
    if (!exists)
      throw new TRPCError({ code: "NOT_FOUND", message: `No product ${productId} in your shop.` });
    return mediaRowsOf(tx, vendorId, productId);
  });
  return rows.map((m) => ({ ...m, thumbnailUrl: parseUploadUrl(m.url)?.webp[0]?.url ?? m.url }));
}

export async function reorderProductMedia(
  actor: AuditActor,
  input: ReorderMediaInput,
): Promise<{ media: MediaRow[]; product: ProductView }> {
  const { result, product } = await changeProductMedia(
    actor.vendorId,
    input.productId,
    async (tx, current) => {
      const known = new Set(current.map((m) => m.id));
      if (current.length !== input.mediaIds.length || input.mediaIds.some((id) => !known.has(id)))
        throw new TRPCError({
          code: "CONFLICT",
          message: "The product's images changed meanwhile; reload and try again.",
        });
      for (const [position, id] of input.mediaIds.entries())
        await tx.media.update({ where: { id }, data: { position } });
      return mediaRowsOf(tx, actor.vendorId, input.productId);
    },
  );
  await recordAudit(actor, {
    action: "product.media.reorder",
    targetType: "product",
    targetId: input.productId,
    after: { mediaIds: input.mediaIds, imageUrl: product.imageUrl, version: product.version },
  });
  return { media: result, product };
}

export interface DeletedImage {
  product: ProductView;
  /** Edge purge of every URL the image served (renditions and fallback). */
  purge: PurgeResult[];
}

export async function deleteProductMedia(
  actor: AuditActor,
  input: { productId: string; mediaId: string },
  opts: { stateDir?: string; originUrl?: string } = {},
): Promise<DeletedImage> {
  const { result: removed, product } = await changeProductMedia(
    actor.vendorId,
    input.productId,
    async (tx, current) => {
      const row = current.find((m) => m.id === input.mediaId);
      if (!row)
        throw new TRPCError({ code: "NOT_FOUND", message: "No such image on this product." });
      await tx.media.delete({ where: { id: row.id } });
      // Close the gap so positions stay 0..n-1 (position 0 = primary).
      for (const [position, m] of current.filter((m) => m.id !== row.id).entries())
        if (m.position !== position)
          await tx.media.update({ where: { id: m.id }, data: { position } });
      return row;
    },
  );
  const upload = parseUploadUrl(removed.url);
  const urls = upload ? allUrlsOf(upload) : [removed.url];
  const dirs = mediaDirs(opts.stateDir);
  if (upload) await removeMedia(dirs, upload.folder, true);
  else if (removed.url.startsWith("/media/")) await removeMedia(dirs, removed.url, false);
  const purge = await purgeFromEdge(urls, opts.originUrl);
  await recordAudit(actor, {
    action: "product.media.delete",
    targetType: "product",
    targetId: input.productId,
    before: removed,
    after: { imageUrl: product.imageUrl, version: product.version },
    details: { purge },
  });
  return { product, purge };
}
