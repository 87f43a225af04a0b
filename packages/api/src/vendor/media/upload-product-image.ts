/**
 * Adding an image to a product: validate (size, magic bytes, decodable, dimensions), render the
 * responsive renditions, stage the files, then ONE shard transaction records the media row, bumps
 * the product version and writes ProductUpserted — moving the files into place as its last step.
 * A failure anywhere removes the files again; the audit entry follows the commit (core is another
 * cluster).
 */
import { createHash, randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { uploadNames } from "../../media/responsive-image.ts";
import { type AuditActor, recordAudit } from "../audit-log.ts";
import type { ProductView } from "../product-rows.ts";
import { checkImageBytes, MAX_IMAGES_PER_PRODUCT } from "./image-validation.ts";
import { mediaDirs, stageUpload } from "./media-files.ts";
import { changeProductMedia, type MediaRow, mediaRowSelect } from "./media-transaction.ts";
import { renderRenditions } from "./render-renditions.ts";

export interface UploadedImage {
  media: MediaRow;
  /** Every URL the upload serves (WebP renditions, then the JPEG fallback). */
  urls: { url: string; width: number; height: number; contentType: string }[];
  product: ProductView;
}

const productIdSchema = z.uuid();

export async function uploadProductImage(
  actor: AuditActor,
  input: { productId: string; bytes: Uint8Array; stateDir?: string },
): Promise<UploadedImage> {
  const productId = productIdSchema.safeParse(input.productId);
  if (!productId.success) throw new TRPCError({ code: "BAD_REQUEST", message: "Unknown product." });
  const format = checkImageBytes(input.bytes);
  const rendered = await renderRenditions(input.bytes, format);

  const mediaId = randomUUID();
  // Content hash salted with the upload's id: the same file uploaded again still gets new URLs,
  // so a URL's bytes never change and the edge may keep them for a year.
  const key = createHash("sha256").update(input.bytes).update(mediaId).digest("hex").slice(0, 24);
  const widest = rendered.webp.at(-1)!.width;
  const names = uploadNames(productId.data, key, widest);
  const file = (url: string) => url.slice(url.lastIndexOf("/") + 1);
  const dirs = mediaDirs(input.stateDir);
  const staged = await stageUpload(dirs, mediaId, names.folder, [
    ...rendered.webp.map((r, i) => ({ name: file(names.webp[i]!.url), bytes: r.bytes })),
    { name: file(names.fallback.url), bytes: rendered.fallback.bytes },
  ]);

  let recorded: { result: MediaRow; product: ProductView };
  try {
    recorded = await changeProductMedia(actor.vendorId, productId.data, async (tx, existing) => {
      if (existing.length >= MAX_IMAGES_PER_PRODUCT)
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: `A product has at most ${MAX_IMAGES_PER_PRODUCT} images; delete one first.`,
        });
      const row = await tx.media.create({
        data: {
          id: mediaId,
          vendorId: actor.vendorId,
          productId: productId.data,
          kind: "image",
          path: names.fallback.url.slice(1), // relative to the state folder
          url: names.fallback.url,
          contentType: "image/jpeg",
          width: rendered.fallback.width,
          height: rendered.fallback.height,
          position: existing.reduce((max, m) => Math.max(max, m.position + 1), 0),
        },
        select: mediaRowSelect,
      });
      // Last step: a failed move rolls the rows back; a failed commit is cleaned up below.
      await staged.publish();
      return row;
    });
  } catch (err) {
    await staged.discard();
    throw err;
  }

  const urls = [
    ...rendered.webp.map((r, i) => ({
      url: names.webp[i]!.url,
      width: r.width,
      height: r.height,
      contentType: "image/webp",
    })),
    {
      url: names.fallback.url,
      width: rendered.fallback.width,
      height: rendered.fallback.height,
      contentType: "image/jpeg",
    },
  ];
  await recordAudit(actor, {
    action: "product.media.add",
    targetType: "product",
    targetId: productId.data,
    after: { mediaId, url: names.fallback.url, version: recorded.product.version },
    details: { bytes: input.bytes.byteLength, original: rendered.original, renditions: urls },
  });
  return { media: recorded.result, urls, product: recorded.product };
}
