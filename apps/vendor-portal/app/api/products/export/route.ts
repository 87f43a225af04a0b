import { exportProductsCsv } from "@agora/api/vendor-imports";
import { guardedRoute } from "@agora/trpc-next/route-guards";
import { vendorSessionFor } from "../../../../src/auth/route-session.ts";

export const runtime = "nodejs";

/** The tenant's products and stock as CSV, in the import's own format. */
export const GET = guardedRoute(async (req: Request): Promise<Response> => {
  const auth = await vendorSessionFor(req, ["vendor:read"]);
  if ("response" in auth) return auth.response;
  const csv = await exportProductsCsv(auth.session.vendorId);
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": 'attachment; filename="products.csv"',
    },
  });
});
