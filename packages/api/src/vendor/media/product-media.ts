/**
 * A product's media in the vendor portal: list (images, videos with their transcode progress,
 * documents), reorder images (the first is the primary image, the one cards and search show) and
 * delete any of them. A delete commits first, then removes the files and purges
 * every URL of the image from the CDN edge, so the next request is a MISS that finds nothing:
 * pages still showing the image lose it at once, which is what a vendor removing a wrong or
 * unlicensed photo wants.
 */
import { withTenant } from "@agora/db";
import { TRPCError } from "@trpc/server";
import { parseProductFileUrl } from "../../media/product-files.ts";
import { allUrlsOf, parseUploadUrl } from "../../media/responsive-image.ts";
import { type AuditActor, recordAudit } from "../audit-log.ts";
import type { ProductView } from "../product-rows.ts";
import { purgeFromEdge, type PurgeResult } from "./edge-purge.ts";
import { mediaDirs, removeMedia } from "./media-files.ts";
import type { ReorderMediaInput } from "./media.schema.ts";
import {
  changeProductMedia,
  type MediaKind,
  type MediaRow,
  mediaRowSelect,
  mediaRowsOf,
} from "./media-transaction.ts";
import { transcodeProgress } from "./video-transcode-state.ts";

export interface ProductImage extends MediaRow {
  /** Smallest rendition (the stored URL for seeded images), for the editor's thumbnails. */
  thumbnailUrl: string;
}

export interface ProductMediaList {
  /** In order; the first is the primary image. */
  images: ProductImage[];
  /** Videos with their transcode state; `progress` (0–100) while one is processing. */
  videos: (MediaRow & { progress: number | null })[];
  documents: MediaRow[];
}

export async function listProductMedia(
  vendorId: string,
  productId: string,
): Promise<ProductMediaList> {
  const rows = await withTenant(vendorId, async (tx) => {
    const exists = await tx.product.findFirst({
      where: { id: productId, vendorId },
      select: { id: true },
    });
    if (!exists)
      throw new TRPCError({ code: "NOT_FOUND", message: `No product ${productId} in your shop.` });
    return {
      images: await mediaRowsOf(tx, vendorId, productId, "image"),
      videos: await mediaRowsOf(tx, vendorId, productId, "video"),
      documents: await mediaRowsOf(tx, vendorId, productId, "document"),
    };
  });
  const progress = await transcodeProgress(
    rows.videos.filter((v) => v.status === "processing").map((v) => v.id),
  );
  return {
    images: rows.images.map((m) => ({
      ...m,
      thumbnailUrl: parseUploadUrl(m.url)?.webp[0]?.url ?? m.url,
    })),
    videos: rows.videos.map((v) => ({
      ...v,
      progress: v.status === "processing" ? (progress.get(v.id) ?? 0) : null,
    })),
    documents: rows.documents,
  };
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

/** Every URL a media row serves, and the upload folder to remove (null: a single seeded file). */
function filesOf(row: MediaRow): { urls: string[]; folder: string | null } {
  const image = parseUploadUrl(row.url);
  if (image) return { urls: allUrlsOf(image), folder: image.folder };
  const file = parseProductFileUrl(row.url);
  if (file) return { urls: [file.url, file.posterUrl], folder: file.folder };
  return { urls: [row.url], folder: null };
}

/**
 * Deletes an image, a video (also one still being transcoded: its job then finds no row and
 * discards its output) or a document.
 */
export async function deleteProductMedia(
  actor: AuditActor,
  input: { productId: string; mediaId: string },
  opts: { stateDir?: string; originUrl?: string } = {},
): Promise<DeletedImage> {
  const { result: removed, product } = await changeProductMedia(
    actor.vendorId,
    input.productId,
    async (tx, images) => {
      const row = await tx.media.findFirst({
        where: { id: input.mediaId, productId: input.productId },
        select: mediaRowSelect,
      });
      if (!row)
        throw new TRPCError({ code: "NOT_FOUND", message: "No such media on this product." });
      await tx.media.delete({ where: { id: row.id } });
      // Close the gap so positions stay 0..n-1 per kind (image position 0 = primary).
      const siblings =
        row.kind === "image"
          ? images
          : await mediaRowsOf(tx, actor.vendorId, input.productId, row.kind as MediaKind);
      for (const [position, m] of siblings.filter((m) => m.id !== row.id).entries())
        if (m.position !== position)
          await tx.media.update({ where: { id: m.id }, data: { position } });
      return row;
    },
  );
  const { urls, folder } = filesOf(removed);
  const dirs = mediaDirs(opts.stateDir);
  if (folder) await removeMedia(dirs, folder, true);
  else if (removed.url.startsWith("/media/")) await removeMedia(dirs, removed.url, false);
  // Only published files can be at the edge.
  const purge = removed.status === "processing" ? [] : await purgeFromEdge(urls, opts.originUrl);
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
