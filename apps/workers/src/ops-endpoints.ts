/**
 * `/metrics`, `/healthz`, `/readyz` of a worker process on its `t.apps.workerMetrics[<name>]` port.
 * Readiness checks the dependencies every pool needs: Redis (queues) and the core primary.
 */
import { core } from "@agora/db";
import { topology, WORKER_PROCESSES, type WorkerProcessName } from "@agora/infra-local/topology";
import { createRedis } from "@agora/redis";
import { startOpsServer } from "@agora/telemetry";

function isWorkerProcess(name: string): name is WorkerProcessName {
  return (WORKER_PROCESSES as readonly string[]).includes(name);
}

/** Starts the endpoints when `name` has a port in the topology; otherwise does nothing. */
export async function startWorkerOpsEndpoints(
  name: string,
): Promise<{ close: () => Promise<void> } | undefined> {
  if (!isWorkerProcess(name)) return undefined;
  const t = topology();
  const redis = createRedis({ connectionName: `ops:${name}`, maxRetriesPerRequest: 1 });
  const server = await startOpsServer({
    port: t.apps.workerMetrics[name],
    host: t.host,
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
