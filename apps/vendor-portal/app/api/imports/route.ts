import { MAX_IMPORT_BYTES, startImport } from "@agora/api/vendor-imports";
import { guardedRoute, readMultipartWithin } from "@agora/trpc-next/route-guards";
import { TRPCError } from "@trpc/server";
import { vendorSessionFor } from "../../../src/auth/route-session.ts";

export const runtime = "nodejs";

/** Room for the multipart envelope around the largest accepted CSV. */
const MAX_BODY_BYTES = MAX_IMPORT_BYTES + 64 * 1024;

/**
 * Multipart upload of a products + stock CSV (field `file`) → an `imports` job. The body is read
 * with a bound (413 as soon as it passes it) and must be multipart/form-data (415 otherwise).
 */
export const POST = guardedRoute(async (req: Request): Promise<Response> => {
  const auth = await vendorSessionFor(req, ["vendor:catalog:write", "vendor:stock:write"]);
  if ("response" in auth) return auth.response;
  const form = await readMultipartWithin(req, MAX_BODY_BYTES);
  const file = form.get("file");
  if (!(file instanceof File))
    return Response.json({ error: "Attach the CSV as the form field `file`." }, { status: 400 });
  try {
    const started = await startImport(
      { userId: auth.session.userId, vendorId: auth.session.vendorId },
      { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) },
    );
    return Response.json(started, { status: 202 });
  } catch (err) {
    if (
      err instanceof TRPCError &&
      (err.code === "BAD_REQUEST" || err.code === "PAYLOAD_TOO_LARGE")
    )
      return Response.json(
        { error: err.message },
        { status: err.code === "BAD_REQUEST" ? 400 : 413 },
      );
    throw err;
  }
});
