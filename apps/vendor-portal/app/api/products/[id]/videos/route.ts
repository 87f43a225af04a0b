import { MAX_VIDEO_BYTES, uploadProductVideo } from "@agora/api/vendor-media";
import { productFileRoute } from "../../../../../src/products/product-file-route.ts";

export const runtime = "nodejs";

/**
 * Multipart upload of one product video (field `file`: MP4, WebM or QuickTime) → a media row in
 * `processing` and a queued transcode job; 202 because the playable files come later.
 */
export const POST = productFileRoute({
  maxBytes: MAX_VIDEO_BYTES,
  noun: "video",
  status: 202,
  upload: async (actor, input) => {
    const { media, product } = await uploadProductVideo(actor, input);
    return { mediaId: media.id, url: media.url, status: media.status, version: product.version };
  },
});
