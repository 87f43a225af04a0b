/**
 * The collector's HTTP API: OTLP/HTTP JSON receivers (`POST /v1/traces`, `POST /v1/logs`) and the
 * query API the ops console reads (`GET /api/traces`, `/api/traces/<id>`, `/api/logs`,
 * `/api/services`), plus `/healthz`, `/readyz`, `/metrics`. Receivers take the ingest token, the
 * query API the read token (traces carry request inputs: only the console may read them).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { bearerMatches } from "@agora/auth/service-token";
import { counter, healthHandlers, type HealthCheck, metricsHandler } from "@agora/telemetry";
import { z } from "zod";
import { logsFromOtlp, spansFromOtlp } from "./otlp.ts";
import { logSearchSchema, type TelemetryStore, traceSearchSchema } from "./store.ts";

const MAX_BODY_BYTES = 8 * 1024 * 1024;

class BodyTooLargeError extends Error {
  readonly code = "BODY_TOO_LARGE";
}

const received = () =>
  counter({
    name: "telemetry_received_total",
    help: "Spans and log lines accepted by the collector",
    labelNames: ["signal"] as const,
  });

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError(`body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(b);
  }
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

export interface CollectorTokens {
  /** Sent by every shipper with spans and log lines. */
  ingest: string;
  /** Sent by the ops console with queries. */
  read: string;
}

export function createCollectorServer(
  store: TelemetryStore,
  checks: Record<string, HealthCheck>,
  tokens: CollectorTokens,
): Server {
  const health = healthHandlers({ checks, timeoutMs: 1_000 });
  return createServer((req, res) => {
    void route(req, res).catch((err: unknown) => {
      if (err instanceof z.ZodError || err instanceof SyntaxError) {
        send(res, 400, { error: err instanceof z.ZodError ? z.prettifyError(err) : err.message });
      } else if (err instanceof BodyTooLargeError) {
        send(res, 413, { error: err.message });
      } else {
        send(res, 500, { error: err instanceof Error ? err.message : String(err) });
      }
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://collector");
    const query = Object.fromEntries(url.searchParams);
    const path = url.pathname;
    const needs = path.startsWith("/v1/") ? tokens.ingest : path.startsWith("/api/") ? tokens.read : undefined;
    if (needs !== undefined && !bearerMatches(req.headers.authorization, needs)) {
      res.setHeader("www-authenticate", "Bearer");
      return send(res, 401, { error: "a bearer token is required" });
    }
    if (req.method === "POST" && path === "/v1/traces") {
      const spans = spansFromOtlp(await readJson(req));
      await store.addSpans(spans);
      received().inc({ signal: "spans" }, spans.length);
      return send(res, 200, { partialSuccess: {} });
    }
    if (req.method === "POST" && path === "/v1/logs") {
      const logs = logsFromOtlp(await readJson(req));
      await store.addLogs(logs);
      received().inc({ signal: "logs" }, logs.length);
      return send(res, 200, { partialSuccess: {} });
    }
    if (req.method !== "GET") return send(res, 405, { error: "method not allowed" });
    if (path === "/api/traces") return send(res, 200, await store.searchTraces(traceSearchSchema.parse(query)));
    const one = /^\/api\/traces\/([0-9a-f]{32})$/.exec(path);
    if (one?.[1]) return send(res, 200, { traceId: one[1], spans: await store.getTrace(one[1]) });
    if (path === "/api/logs") return send(res, 200, await store.searchLogs(logSearchSchema.parse(query)));
    if (path === "/api/services") return send(res, 200, await store.services());
    if (path === "/healthz") return send(res, 200, health.live().body);
    if (path === "/readyz") {
      const r = await health.ready();
      return send(res, r.status, r.body);
    }
    if (path === "/metrics") {
      const m = await metricsHandler();
      res.writeHead(200, { "content-type": m.contentType });
      res.end(m.body);
      return;
    }
    send(res, 404, { error: "not found" });
  }
}
