/**
 * `tsx src/main.ts telemetry-collector`: receives every process's spans and log lines and keeps
 * them (bounded by age and count, see store.ts) in Redis for the ops console. It does not trace
 * itself: its own spans would feed back into it.
 */
import { z } from "zod";
import { listenSchema, loadConfig, telemetryCollectorSchema } from "@agora/config";
import { createRedis } from "@agora/redis";
import { createTelemetryStore, DEFAULT_RETENTION } from "./store.ts";
import { createCollectorServer } from "./server.ts";

const envSchema = z.object({
  TELEMETRY_RETENTION_MINUTES: z.coerce.number().positive().default(DEFAULT_RETENTION.retentionMs / 60_000),
  TELEMETRY_MAX_SPANS: z.coerce.number().int().positive().default(DEFAULT_RETENTION.maxSpans),
  TELEMETRY_MAX_LOGS: z.coerce.number().int().positive().default(DEFAULT_RETENTION.maxLogs),
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
  });
  const server = createCollectorServer(
    store,
    { redis: async () => void (await redis.ping()) },
    { ingest: tokens.AGORA_TELEMETRY_INGEST_TOKEN, read: tokens.AGORA_TELEMETRY_READ_TOKEN },
  );
  // Age-based trimming also runs when nothing arrives.
  const sweep = setInterval(() => {
    store.trim().catch((err: unknown) => {
      // Redis mid-failover: the next sweep (or write) trims instead.
      process.stderr.write(`${JSON.stringify({ level: "warn", msg: "telemetry trim failed", err: String(err) })}\n`);
    });
  }, 30_000);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.PORT, env.HOST, () => resolve());
  });
  return {
    close: async () => {
      clearInterval(sweep);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
    },
  };
}
