import { salesPulseStream, vendorSalesChannel } from "@agora/api/sales-pulse";
import { guardedRoute } from "@agora/trpc-next/route-guards";
import { vendorSessionFor } from "../../../../src/auth/route-session.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The signed-in vendor's sales as they are counted, as Server-Sent Events (the dashboard's live refresh). */
export const GET = guardedRoute(async (req: Request): Promise<Response> => {
  const auth = await vendorSessionFor(req, ["vendor:analytics:read"]);
  if ("response" in auth) return auth.response;
  return salesPulseStream(vendorSalesChannel(auth.session.vendorId), req.signal);
});
