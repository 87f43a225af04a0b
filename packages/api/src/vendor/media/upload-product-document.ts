/**
 * Adding a PDF (manual, spec sheet) to a product: validate (size, `%PDF-` header), stage the file,
 * render its first page as a JPEG thumbnail (pdftoppm) and count its pages (pdfinfo) in the
 * staging folder, then ONE shard transaction records the row, bumps the product version and writes
 * ProductUpserted, moving the folder into place as its last step. A PDF that poppler cannot render
 * is refused (422) and nothing is left behind.
 */
import { createHash, randomUUID } from "node:crypto";
import { join } from "node:path";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { productFileNames } from "../../media/product-files.ts";
import { type AuditActor, recordAudit } from "../audit-log.ts";
import type { ProductView } from "../product-rows.ts";
import {
  checkDocumentBytes,
  DOCUMENT_THUMBNAIL_WIDTH,
  documentFileName,
  MAX_DOCUMENTS_PER_PRODUCT,
} from "./document-validation.ts";
import { mediaDirs, stageUpload } from "./media-files.ts";
import { MediaToolError, runTool } from "./media-tools.ts";
import {
  changeProductMedia,
  type MediaRow,
  mediaRowSelect,
  mediaRowsOf,
} from "./media-transaction.ts";

const TOOL_TIMEOUT_MS = 20_000;
const productIdSchema = z.uuid();

export interface UploadedDocument {
  media: MediaRow;
  product: ProductView;
}

/** `Pages:  12` of pdfinfo's report, or null when it has none. */
export function pageCountOf(pdfinfo: string): number | null {
  const m = /^Pages:\s+(\d+)\s*$/m.exec(pdfinfo);
  return m ? Number(m[1]) : null;
}

export async function uploadProductDocument(
  actor: AuditActor,
  input: { productId: string; bytes: Uint8Array; fileName?: string; stateDir?: string },
): Promise<UploadedDocument> {
  const productId = productIdSchema.safeParse(input.productId);
  if (!productId.success) throw new TRPCError({ code: "BAD_REQUEST", message: "Unknown product." });
  checkDocumentBytes(input.bytes);
  const fileName = documentFileName(input.fileName);

  const mediaId = randomUUID();
  const key = createHash("sha256").update(input.bytes).update(mediaId).digest("hex").slice(0, 24);
  const names = productFileNames(productId.data, key, "document");
  const staged = await stageUpload(mediaDirs(input.stateDir), mediaId, names.folder, [
    { name: "document.pdf", bytes: input.bytes },
  ]);

  let recorded: { result: MediaRow; product: ProductView };
  try {
    const pdf = join(staged.stagingDir, "document.pdf");
    let pageCount: number | null;
    try {
      pageCount = pageCountOf(await runTool("pdfinfo", [pdf], { timeoutMs: TOOL_TIMEOUT_MS }));
      await runTool(
        "pdftoppm",
        ["-f", "1", "-l", "1", "-singlefile", "-jpeg", "-jpegopt", "quality=80"]
          .concat(["-scale-to-x", String(DOCUMENT_THUMBNAIL_WIDTH), "-scale-to-y", "-1"])
          .concat([pdf, join(staged.stagingDir, "page-1")]),
        { timeoutMs: TOOL_TIMEOUT_MS },
      );
    } catch (err) {
      if (!(err instanceof MediaToolError)) throw err;
      throw new TRPCError({
        code: "UNPROCESSABLE_CONTENT",
        message: "The PDF cannot be read (damaged or password-protected).",
        cause: err,
      });
    }
    recorded = await changeProductMedia(actor.vendorId, productId.data, async (tx) => {
      const existing = await mediaRowsOf(tx, actor.vendorId, productId.data, "document");
      if (existing.length >= MAX_DOCUMENTS_PER_PRODUCT)
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: `A product has at most ${MAX_DOCUMENTS_PER_PRODUCT} documents; delete one first.`,
        });
      const row = await tx.media.create({
        data: {
          id: mediaId,
          vendorId: actor.vendorId,
          productId: productId.data,
          kind: "document",
          path: names.url.slice(1),
          url: names.url,
          contentType: "application/pdf",
          posterUrl: names.posterUrl,
          bytes: input.bytes.byteLength,
          pageCount,
          fileName,
          position: existing.reduce((max, m) => Math.max(max, m.position + 1), 0),
        },
        select: mediaRowSelect,
      });
      await staged.publish();
      return row;
    });
  } catch (err) {
    await staged.discard();
    throw err;
  }
  await recordAudit(actor, {
    action: "product.media.add",
    targetType: "product",
    targetId: productId.data,
    after: { mediaId, url: names.url, version: recorded.product.version },
    details: { kind: "document", bytes: input.bytes.byteLength, fileName },
  });
  return { media: recorded.result, product: recorded.product };
}
