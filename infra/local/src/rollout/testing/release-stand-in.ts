/**
 * A storefront stand-in for rollout tests, as a real process: registers in the service registry
 * the way the storefront does (registerFromEnv: AGORA_RELEASE as its version, readiness = its own
 * /readyz, SIGTERM drains), serves `catalog.product` through the release's real fault flag
 * (@agora/api/release-fault), a `checkout.place` that always succeeds, and the same tRPC RED
 * metrics on /api/metrics (bearer AGORA_METRICS_TOKEN). It stands in for `next start` so a
 * rollout test does not need a production build of the storefront.
 */
import { createServer } from "node:http";
import { productReadFault } from "@agora/api/release-fault";
import { listenSchema, loadConfig, metricsTokenSchema, releaseSchema } from "@agora/config";
import { registerFromEnv } from "@agora/registry";
import { isDraining } from "@agora/registry/drain";
import { metricsHandler, redMetrics } from "@agora/telemetry";
import { TRPCError } from "@trpc/server";

const { listen, release, token } = loadConfig({ listen: listenSchema, release: releaseSchema, token: metricsTokenSchema });
const red = redMetrics("trpc");
const version = release.AGORA_RELEASE ?? "dev";

async function procedure(name: string, fn: () => Promise<unknown>): Promise<{ status: number; body: unknown }> {
  const stop = red.duration.startTimer({ procedure: name });
  try {
    const data = await fn();
    stop({ status: "ok" });
    red.requests.inc({ procedure: name, status: "ok" });
    return { status: 200, body: { result: { data } } };
  } catch (err) {
    const code = err instanceof TRPCError ? err.code : "INTERNAL_SERVER_ERROR";
    stop({ status: "error" });
    red.requests.inc({ procedure: name, status: "error", error: code });
    return { status: code === "INTERNAL_SERVER_ERROR" ? 500 : 400, body: { error: { code } } };
  }
}

const server = createServer((req, res) => {
  const path = (req.url ?? "").split("?")[0];
  res.setHeader("x-release", version);
  res.setHeader("x-instance", listen.AGORA_SERVICE_NAME ?? "");
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  if (path === "/healthz") return send(200, { ok: true });
  if (path === "/readyz") return send(isDraining() ? 503 : 200, { release: version, ready: !isDraining() });
  if (path === "/api/metrics") {
    if (req.headers.authorization !== `Bearer ${token.AGORA_METRICS_TOKEN}`) return send(401, {});
    void metricsHandler().then((m) => {
      res.writeHead(200, { "content-type": m.contentType });
      res.end(m.body);
    });
    return;
  }
  const product = path === "/api/trpc/catalog.product";
  const checkout = path === "/api/trpc/checkout.place";
  if (!product && !checkout) return send(404, {});
  void procedure(product ? "catalog.product" : "checkout.place", async () => {
    if (product) productReadFault();
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 10));
    return { ok: true, release: version };
  }).then((r) => send(r.status, r.body));
});
server.listen(listen.PORT, listen.HOST, () => {
  registerFromEnv({ service: "storefront", exitOnSignal: true, log: () => {} });
});
