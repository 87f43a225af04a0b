import { MAX_DOCUMENT_BYTES, uploadProductDocument } from "@agora/api/vendor-media";
import { productFileRoute } from "../../../../../src/products/product-file-route.ts";

export const runtime = "nodejs";

/** Multipart upload of one PDF (field `file`) → the file, its first-page thumbnail and a row. */
export const POST = productFileRoute({
  maxBytes: MAX_DOCUMENT_BYTES,
  noun: "document",
  status: 201,
  upload: async (actor, input) => {
    const { media, product } = await uploadProductDocument(actor, input);
    return {
      mediaId: media.id,
      url: media.url,
      thumbnailUrl: media.posterUrl,
      pageCount: media.pageCount,
      version: product.version,
    };
  },
});
