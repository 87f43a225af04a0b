import { getSession } from "@agora/auth";
import { PLATFORM_SALES_CHANNEL, salesPulseStream } from "@agora/api/sales-pulse";
import { guardedRoute } from "@agora/trpc-next/route-guards";
import { authConfig, mayUseApp } from "../../../../src/auth/config.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Platform-wide sales as they are counted, as Server-Sent Events (the live sales card). */
export const GET = guardedRoute(async (req: Request): Promise<Response> => {
  const session = await getSession(req, authConfig());
  if (!mayUseApp(session))
    return Response.json({ error: "Sign in as an operator or admin." }, { status: 401 });
  return salesPulseStream(PLATFORM_SALES_CHANNEL, req.signal);
});
