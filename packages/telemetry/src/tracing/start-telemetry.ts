/**
 * `startTelemetry({ service })`: the one place a process turns on tracing (OpenTelemetry SDK,
 * OTLP/HTTP JSON to our collector) and log shipping. Call it before the process opens pg/Redis
 * connections (first import of the entry file, or Next's `instrumentation.ts`); a second call is a
 * no-op. Sentry, when wired, must use `skipOpenTelemetrySetup` so this stays the only provider.
 */
import { createRequire, syncBuiltinESMExports } from "node:module";
import { trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { IORedisInstrumentation } from "@opentelemetry/instrumentation-ioredis";
import { PgInstrumentation } from "@opentelemetry/instrumentation-pg";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { PrismaInstrumentation } from "@prisma/instrumentation";
import { loadConfig, telemetrySchema } from "@agora/config";
import { createLogShipper, installLogShipper, type LogShipper } from "../log-shipper.ts";
import { isIncomingNoise, isOutgoingNoise } from "./noise.ts";
import { pgEndpoints } from "./pg-endpoints.ts";
import { ErrorKeepingProcessor, ErrorKeepingSampler, Reservoir, sampleRateFromEnv } from "./sampler.ts";

export interface StartTelemetryOptions {
  /** `service.name` on every span and log line: `storefront`, `workers-sagas`, `payment-sim`, … */
  service: string;
  /** Collector base URL; defaults to `AGORA_TELEMETRY_URL` (unset: telemetry off). */
  collectorUrl?: string;
  /** Bearer token of the collector's receivers; defaults to `AGORA_TELEMETRY_INGEST_TOKEN`. */
  ingestToken?: string;
  /** Head-sampling ratio of new traces; defaults to `AGORA_TRACE_SAMPLE_RATE` (else 1). */
  sampleRate?: number;
  /** Ship log lines to the collector (default true). */
  shipLogs?: boolean;
}

export interface Telemetry {
  service: string;
  collectorUrl: string;
  /** Exports what is buffered (spans and log lines); tests call it before querying the collector. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

const STATE_KEY = Symbol.for("@agora/telemetry/started");
const slot = globalThis as typeof globalThis & { [STATE_KEY]?: Telemetry };

/** `AGORA_TELEMETRY_URL` without a trailing slash; undefined when telemetry is off. */
export function collectorUrlFromEnv(): string | undefined {
  return loadConfig(telemetrySchema).AGORA_TELEMETRY_URL;
}

export function startTelemetry(options: StartTelemetryOptions): Telemetry {
  const existing = slot[STATE_KEY];
  if (existing) return existing;
  const env = loadConfig(telemetrySchema);
  const collectorUrl = options.collectorUrl ?? env.AGORA_TELEMETRY_URL;
  if (!collectorUrl) {
    const off: Telemetry = {
      service: options.service,
      collectorUrl: "",
      flush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
    slot[STATE_KEY] = off;
    return off;
  }
  const collectorOrigin = new URL(collectorUrl).origin;
  const rate = options.sampleRate ?? sampleRateFromEnv();

  const ingestToken = options.ingestToken ?? env.AGORA_TELEMETRY_INGEST_TOKEN;
  const auth = ingestToken ? { authorization: `Bearer ${ingestToken}` } : undefined;
  const exporter = new OTLPTraceExporter({
    url: `${collectorUrl}/v1/traces`,
    headers: auth,
    timeoutMillis: 3_000,
  });
  const batch = new BatchSpanProcessor(exporter, {
    maxQueueSize: 4_096, // bounded: spans beyond it are dropped, the process never blocks
    scheduledDelayMillis: 1_000,
  });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": options.service }),
    sampler: new ErrorKeepingSampler(rate, new Reservoir(env.AGORA_TRACE_RESERVOIR_PER_SECOND ?? 0)),
    spanProcessors: [new ErrorKeepingProcessor(batch)],
  });
  provider.register();

  const endpoints = pgEndpoints();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => isIncomingNoise(req.url ?? ""),
        // The edge's request id (HAProxy sets X-Request-Id) on the server span, so a trace can be
        // found from the id a client or the edge's answer names.
        headersToSpanAttributes: { server: { requestHeaders: ["x-request-id"] } },
        // The exporters' own requests would otherwise trace themselves forever.
        ignoreOutgoingRequestHook: (req) =>
          `${req.hostname ?? req.host ?? ""}:${String(req.port ?? "")}` === new URL(collectorUrl).host ||
          isOutgoingNoise(req.path ?? ""),
      }),
      new UndiciInstrumentation({
        ignoreRequestHook: (req) => req.origin === collectorOrigin || isOutgoingNoise(req.path),
      }),
      new PgInstrumentation({
        requireParentSpan: true, // pool housekeeping outside any request is noise
        requestHook: (span, info) => {
          const endpoint = info.connection.port ? endpoints.get(info.connection.port) : undefined;
          if (!endpoint) return;
          span.setAttribute("agora.cluster", endpoint.cluster);
          span.setAttribute("agora.role", endpoint.role);
        },
      }),
      // BullMQ polls Redis constantly; only commands inside a traced operation are worth a span.
      new IORedisInstrumentation({ requireParentSpan: true }),
      // Prisma's in-process steps (turning arguments into SQL and rows back into objects) are a
      // span each per query, a fifth of a checkout trace's ~520 spans, each exported, stored and
      // replicated. Its `db_query` span is the same statement the pg instrumentation records one
      // level down (same SQL, same time, but without the cluster and role), and its start/commit
      // spans are pg's BEGIN and COMMIT: one span per statement, pg's, under Prisma's operation
      // or transaction span (a checkout trace: 236–253 spans, docs/performance.md).
      new PrismaInstrumentation({
        ignoreSpanTypes: [
          "prisma:client:serialize",
          "prisma:client:deserialize",
          "prisma:client:compile",
          "prisma:client:db_query",
          "prisma:client:start_transaction",
          "prisma:client:commit_transaction",
        ],
      }),
    ],
  });

  // ESM `import { createServer } from "node:http"` binds the unpatched function: load the
  // builtins through require (which the instrumentation hooks) and push the patched exports to ESM.
  const require = createRequire(import.meta.url);
  require("node:http");
  require("node:https");
  syncBuiltinESMExports();

  let shipper: LogShipper | undefined;
  if (options.shipLogs !== false) {
    shipper = createLogShipper({
      url: `${collectorUrl}/v1/logs`,
      service: options.service,
      headers: auth,
    });
    installLogShipper(shipper);
  }

  const telemetry: Telemetry = {
    service: options.service,
    collectorUrl,
    async flush() {
      await provider.forceFlush();
      await shipper?.flush();
    },
    async shutdown() {
      // A collector that is down (killed from the chaos page, or stopped first) must not turn a
      // clean stop into a crash: what could not be delivered is dropped.
      await provider.shutdown().catch(() => undefined);
      await shipper?.close().catch(() => undefined);
      installLogShipper(undefined);
      slot[STATE_KEY] = undefined;
    },
  };
  slot[STATE_KEY] = telemetry;
  return telemetry;
}

/** The telemetry `startTelemetry` started in this process, if any. */
export function runningTelemetry(): Telemetry | undefined {
  return slot[STATE_KEY];
}

export const agoraTracer = () => trace.getTracer("agora");
