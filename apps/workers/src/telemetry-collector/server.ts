/**
 * The collector's HTTP API: OTLP/HTTP JSON receivers (`POST /v1/traces`, `POST /v1/logs`) and the
 * query API the ops console reads (`GET /api/traces`, `/api/traces/<id>`, `/api/logs`,
 * `/api/services`), plus `/healthz`, `/readyz`, `/metrics`. Receivers take the ingest token, the
 * query API the read token (traces carry request inputs: only the console may read them).
 *
 * The collector process serves two planes on two ports: ingest (plain HTTP; every process ships
 * here) and query (HTTPS with mutual TLS: only a client presenting a certificate of the state
 * folder's CA whose service name is a reader gets an answer). `plane: "all"` (tests) serves both.
 */
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { TLSSocket } from "node:tls";
import { mutualTlsServerOptions, type ServiceTlsFiles, watchServiceTls } from "@agora/config/service-tls";
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

export type CollectorPlane = "all" | "ingest" | "query";

export interface CollectorPlaneOptions {
  plane?: CollectorPlane;
  /**
   * On the query plane: the service names (client certificate subjects) allowed to read. A
   * process that ships telemetry has a certificate too, but is no reader.
   */
  readers?: readonly string[];
}

export function createCollectorServer(
  store: TelemetryStore,
  checks: Record<string, HealthCheck>,
  tokens: CollectorTokens,
  opts: CollectorPlaneOptions = {},
): Server {
  return createServer(collectorHandler(store, checks, tokens, opts));
}

/** Service identities that may read traces and logs (they hold request inputs). */
export const TELEMETRY_READERS = ["ops-console", "test-runner"] as const;

/**
 * The query plane: HTTPS (TLS 1.3) with the collector's service identity, no handshake without a
 * client certificate of the same CA, reads only for `readers`. A rotated pair on disk is taken
 * for new handshakes (open connections keep theirs); `close` also stops watching it.
 */
export function createCollectorQueryServer(
  store: TelemetryStore,
  checks: Record<string, HealthCheck>,
  tokens: CollectorTokens,
  tls: ServiceTlsFiles,
  readers: readonly string[] = TELEMETRY_READERS,
): HttpsServer {
  const server = createHttpsServer(
    mutualTlsServerOptions(tls),
    collectorHandler(store, checks, tokens, { plane: "query", readers }),
  );
  const unwatch = watchServiceTls(tls, (m) => server.setSecureContext(m));
  server.on("close", unwatch);
  return server;
}

/** The request handler of one plane (the query plane's is served by an HTTPS server). */
export function collectorHandler(
  store: TelemetryStore,
  checks: Record<string, HealthCheck>,
  tokens: CollectorTokens,
  opts: CollectorPlaneOptions = {},
): RequestListener {
  const plane = opts.plane ?? "all";
  const health = healthHandlers({ checks, timeoutMs: 1_000 });
  return (req, res) => {
    void route(req, res).catch((err: unknown) => {
      if (err instanceof z.ZodError || err instanceof SyntaxError) {
        send(res, 400, { error: err instanceof z.ZodError ? z.prettifyError(err) : err.message });
      } else if (err instanceof BodyTooLargeError) {
        send(res, 413, { error: err.message });
      } else {
        send(res, 500, { error: err instanceof Error ? err.message : String(err) });
      }
    });
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://collector");
    const query = Object.fromEntries(url.searchParams);
    const path = url.pathname;
    if ((plane === "ingest" && path.startsWith("/api/")) || (plane === "query" && path.startsWith("/v1/")))
      return send(res, 404, { error: `not served on the ${plane} port` });
    if (plane === "query" && path.startsWith("/api/")) {
      // The TLS layer already refused a client without a certificate of our CA; this is who it is.
      const subject = (req.socket as TLSSocket).getPeerCertificate?.()?.subject?.CN;
      const cn = Array.isArray(subject) ? subject[0] : subject;
      if (!cn || !(opts.readers ?? []).includes(cn))
        return send(res, 403, { error: "this service identity may not read telemetry" });
    }
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
