import "server-only";

import {
  BodyTooLargeError,
  guardedRoute,
  readMultipartWithin,
} from "@agora/trpc-next/route-guards";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { vendorSessionFor } from "../auth/route-session.ts";

/** What one upload route accepts and does with the file. */
export interface ProductFileRoute {
  /** The file's own limit; the body may be 64 KiB larger (the multipart envelope). */
  maxBytes: number;
  /** "video", "document": the word of the error messages. */
  noun: string;
  /** 201 when the file is in place on return; 202 when processing goes on (a transcode). */
  status: 201 | 202;
  upload: (
    actor: { userId: string; vendorId: string },
    input: { productId: string; bytes: Uint8Array; fileName: string },
  ) => Promise<Record<string, unknown>>;
}

/**
 * A multipart upload of one product file (field `file`): the session needs catalog write; the
 * body is read within its bound (413 as soon as it passes it); not multipart is 415; the upload
 * function's typed errors become their 4xx with a public message, anything else a 500 with no
 * internals (guardedRoute).
 */
export function productFileRoute(route: ProductFileRoute) {
  const tooLarge = () =>
    Response.json(
      { error: `The ${route.noun} is larger than ${route.maxBytes / 1024 / 1024} MB.` },
      { status: 413 },
    );
  return guardedRoute(
    async (req: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> => {
      const auth = await vendorSessionFor(req, ["vendor:catalog:write"]);
      if ("response" in auth) return auth.response;
      let form: FormData;
      try {
        form = await readMultipartWithin(req, route.maxBytes + 64 * 1024);
      } catch (err) {
        if (err instanceof BodyTooLargeError) return tooLarge();
        throw err;
      }
      const file = form.get("file");
      if (!(file instanceof File))
        return Response.json(
          { error: `Attach the ${route.noun} as the form field \`file\`.` },
          { status: 400 },
        );
      if (file.size > route.maxBytes) return tooLarge();
      try {
        const { id: productId } = await params;
        const body = await route.upload(
          { userId: auth.session.userId, vendorId: auth.session.vendorId },
          { productId, bytes: new Uint8Array(await file.arrayBuffer()), fileName: file.name },
        );
        return Response.json(body, { status: route.status });
      } catch (err) {
        if (err instanceof TRPCError && err.code !== "INTERNAL_SERVER_ERROR")
          return Response.json({ error: err.message }, { status: getHTTPStatusCodeFromError(err) });
        throw err;
      }
    },
  );
}
