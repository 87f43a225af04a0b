/**
 * `tsx src/main.ts telemetry-collector`: receives every process's spans and log lines and keeps
 * them (bounded by age and count, see store.ts) in Redis for the ops console. It does not trace
 * itself: its own spans would feed back into it.
 */
import type { Server } from "node:http";
import type { Server as HttpsServer } from "node:https";
import { z } from "zod";
import {
  listenSchema,
  loadConfig,
  telemetryCollectorSchema,
  telemetryQueryListenSchema,
} from "@agora/config";
import { serviceTlsFiles } from "@agora/config/service-tls";
import { createRedis } from "@agora/redis";
import { createTelemetryStore, DEFAULT_RETENTION } from "./store.ts";
import { createCollectorQueryServer, createCollectorServer } from "./server.ts";

function listen(server: Server | HttpsServer, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
}

const envSchema = z.object({
  TELEMETRY_RETENTION_MINUTES: z.coerce.number().positive().default(DEFAULT_RETENTION.retentionMs / 60_000),
  TELEMETRY_MAX_SPANS: z.coerce.number().int().positive().default(DEFAULT_RETENTION.maxSpans),
  TELEMETRY_MAX_LOGS: z.coerce.number().int().positive().default(DEFAULT_RETENTION.maxLogs),
  TELEMETRY_MAX_TRACES: z.coerce.number().int().positive().default(DEFAULT_RETENTION.maxTraces),
});

export async function startTelemetryCollector(): Promise<{ close: () => Promise<void> }> {
  const env = loadConfig(envSchema.extend(listenSchema.shape));
  const tokens = loadConfig(telemetryCollectorSchema);
  const redis = createRedis({ connectionName: "telemetry-collector" });
  const store = createTelemetryStore(redis, {
    ...DEFAULT_RETENTION,
    retentionMs: env.TELEMETRY_RETENTION_MINUTES * 60_000,
    maxSpans: env.TELEMETRY_MAX_SPANS,
    maxLogs: env.TELEMETRY_MAX_LOGS,
    maxTraces: env.TELEMETRY_MAX_TRACES,
  });
  const { AGORA_TELEMETRY_QUERY_PORT: queryPort } = loadConfig(telemetryQueryListenSchema);
  const tls = serviceTlsFiles();
  if (queryPort !== undefined && !tls)
    throw new Error("AGORA_TELEMETRY_QUERY_PORT needs AGORA_TLS_CA_FILE/CERT_FILE/KEY_FILE (the query API is mutual TLS only)");
  const checks = { redis: async () => void (await redis.ping()) };
  const collectorTokens = { ingest: tokens.AGORA_TELEMETRY_INGEST_TOKEN, read: tokens.AGORA_TELEMETRY_READ_TOKEN };
  // With a query port, the plain port only takes spans and logs in; reads need a client certificate.
  const server = createCollectorServer(store, checks, collectorTokens, {
    plane: queryPort === undefined ? "all" : "ingest",
  });
  const query =
    queryPort !== undefined && tls ? createCollectorQueryServer(store, checks, collectorTokens, tls) : undefined;
  // Age-based trimming also runs when nothing arrives.
  const sweep = setInterval(() => {
    store.trim().catch((err: unknown) => {
      // Redis mid-failover: the next sweep (or write) trims instead.
      process.stderr.write(`${JSON.stringify({ level: "warn", msg: "telemetry trim failed", err: String(err) })}\n`);
    });
  }, 30_000);
  await listen(server, env.PORT, env.HOST);
  if (query && queryPort !== undefined) await listen(query, queryPort, env.HOST);
  return {
    close: async () => {
      clearInterval(sweep);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (query) {
        const closed = new Promise<void>((resolve) => query.close(() => resolve()));
        query.closeAllConnections();
        await closed;
      }
      redis.disconnect();
    },
  };
}
