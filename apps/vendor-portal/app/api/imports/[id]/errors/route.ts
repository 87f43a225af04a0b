import { importErrorsCsv } from "@agora/api/vendor-imports";
import { guardedRoute } from "@agora/trpc-next/route-guards";
import { TRPCError } from "@trpc/server";
import { vendorSessionFor } from "../../../../../src/auth/route-session.ts";

export const runtime = "nodejs";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The row-level errors of one of the tenant's imports, as a CSV download. */
export const GET = guardedRoute(
  async (req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> => {
    const auth = await vendorSessionFor(req, ["vendor:read"]);
    if ("response" in auth) return auth.response;
    const { id } = await ctx.params;
    if (!UUID.test(id)) return Response.json({ error: "Unknown import." }, { status: 404 });
    try {
      const csv = await importErrorsCsv(auth.session.vendorId, id);
      return new Response(csv, {
        headers: {
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": `attachment; filename="import-${id}-errors.csv"`,
        },
      });
    } catch (err) {
      if (err instanceof TRPCError && err.code === "NOT_FOUND")
        return Response.json({ error: err.message }, { status: 404 });
      throw err;
    }
  },
);
