// Prometheus text for this instance (tRPC RED, pools, breakers, Node process metrics). Under /api/
// because the ops console's /metrics is its charts page; scraped by the ops console itself.
import { metricsHandler } from "@agora/telemetry";
import { guardedRoute } from "@agora/trpc-next/route-guards";

export const dynamic = "force-dynamic";

export const GET = guardedRoute(async () => {
  const { contentType, body } = await metricsHandler();
  return new Response(body, {
    headers: { "content-type": contentType, "cache-control": "no-store" },
  });
});
