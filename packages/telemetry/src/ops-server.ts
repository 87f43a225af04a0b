/**
 * The small internal HTTP server every non-Next process runs for operators: `/metrics`
 * (Prometheus text), `/healthz` (live) and `/readyz` (each dependency with the reason it failed).
 */
import { createServer, type Server } from "node:http";
import { type HealthCheck, healthHandlers } from "./health.ts";
import { metricsHandler } from "./metrics.ts";

export interface OpsServerOptions {
  port: number;
  host?: string;
  checks: Record<string, HealthCheck>;
  /** Per check; default 1 s. */
  timeoutMs?: number;
}

export async function startOpsServer(options: OpsServerOptions): Promise<{ close(): Promise<void>; server: Server }> {
  const health = healthHandlers({ checks: options.checks, timeoutMs: options.timeoutMs ?? 1_000 });
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (path === "/healthz") {
      const live = health.live();
      json(live.status, live.body);
    } else if (path === "/readyz") {
      void health.ready().then((r) => json(r.status, r.body));
    } else if (path === "/metrics") {
      metricsHandler().then(
        ({ contentType, body }) => {
          res.writeHead(200, { "content-type": contentType });
          res.end(body);
        },
        (err: unknown) => json(500, { error: err instanceof Error ? err.message : String(err) }),
      );
    } else {
      json(404, { error: "not found" });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => resolve());
  });
  return {
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
