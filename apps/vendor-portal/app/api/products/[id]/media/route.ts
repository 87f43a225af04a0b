import { MAX_IMAGE_BYTES, uploadProductImage } from "@agora/api/vendor-media";
import {
  BodyTooLargeError,
  guardedRoute,
  readMultipartWithin,
} from "@agora/trpc-next/route-guards";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { vendorSessionFor } from "../../../../../src/auth/route-session.ts";

export const runtime = "nodejs";

/** Room for the multipart envelope around the largest accepted image. */
const MAX_BODY_BYTES = MAX_IMAGE_BYTES + 64 * 1024;

const tooLarge = () =>
  Response.json(
    { error: `The image is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB.` },
    { status: 413 },
  );

/**
 * Multipart upload of one product image (field `file`) → resized renditions + a media row. The
 * body is read with a bound (413 as soon as it passes it; the function checks the file's own size
 * again) and must be multipart/form-data (415 otherwise).
 */
export const POST = guardedRoute(
  async (req: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> => {
    const auth = await vendorSessionFor(req, ["vendor:catalog:write"]);
    if ("response" in auth) return auth.response;
    let form: FormData;
    try {
      form = await readMultipartWithin(req, MAX_BODY_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLargeError) return tooLarge();
      throw err;
    }
    const file = form.get("file");
    if (!(file instanceof File))
      return Response.json(
        { error: "Attach the image as the form field `file`." },
        { status: 400 },
      );
    if (file.size > MAX_IMAGE_BYTES) return tooLarge();
    try {
      const { id: productId } = await params;
      const uploaded = await uploadProductImage(
        { userId: auth.session.userId, vendorId: auth.session.vendorId },
        { productId, bytes: new Uint8Array(await file.arrayBuffer()) },
      );
      return Response.json(
        {
          mediaId: uploaded.media.id,
          url: uploaded.media.url,
          renditions: uploaded.urls,
          version: uploaded.product.version,
        },
        { status: 201 },
      );
    } catch (err) {
      if (err instanceof TRPCError && err.code !== "INTERNAL_SERVER_ERROR")
        return Response.json({ error: err.message }, { status: getHTTPStatusCodeFromError(err) });
      throw err;
    }
  },
);
