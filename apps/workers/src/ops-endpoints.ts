/**
 * `/metrics`, `/healthz`, `/readyz` of a worker process on `HOST`:`AGORA_METRICS_PORT` (unset: no
 * ops endpoint). Readiness checks the dependencies every pool needs: Redis (queues) and the core primary.
 */
import { core } from "@agora/db";
import { listenSchema, loadConfig, metricsPortSchema } from "@agora/config";
import { createRedis } from "@agora/redis";
import { startOpsServer } from "@agora/telemetry";

/** Starts the endpoints when AGORA_METRICS_PORT is set; otherwise does nothing. */
export async function startWorkerOpsEndpoints(
  name: string,
): Promise<{ close: () => Promise<void> } | undefined> {
  const env = loadConfig(listenSchema.pick({ HOST: true }).extend(metricsPortSchema.shape));
  if (env.AGORA_METRICS_PORT === undefined) return undefined;
  const redis = createRedis({ connectionName: `ops:${name}`, maxRetriesPerRequest: 1 });
  const server = await startOpsServer({
    port: env.AGORA_METRICS_PORT,
    host: env.HOST,
    checks: {
      redis: async () => void (await redis.ping()),
      "postgres-core": async () => void (await core().primary.$queryRawUnsafe("SELECT 1")),
    },
  });
  return {
    close: async () => {
      await server.close();
      redis.disconnect();
    },
  };
}
