/**
 * `GET /api/metrics` of every Next app: Prometheus text for this instance (tRPC RED, pools,
 * breakers, Node process metrics), only for a scraper that sends AGORA_METRICS_TOKEN. The HTTP
 * edge also refuses the path from outside (infra/local/src/config/haproxy.ts); the token is what
 * protects an instance reached directly.
 */
import { bearerMatches } from "@agora/auth/service-token";
import { loadConfig, metricsTokenSchema } from "@agora/config";
import { metricsHandler } from "@agora/telemetry";

export async function metricsRoute(req: Request): Promise<Response> {
  const { AGORA_METRICS_TOKEN } = loadConfig(metricsTokenSchema);
  if (!bearerMatches(req.headers.get("authorization"), AGORA_METRICS_TOKEN))
    return new Response("a bearer token is required\n", {
      status: 401,
      headers: { "www-authenticate": "Bearer", "cache-control": "no-store" },
    });
  const { contentType, body } = await metricsHandler();
  return new Response(body, {
    headers: { "content-type": contentType, "cache-control": "no-store" },
  });
}
