/**
 * The core region's replication heartbeat (packages/db/src/regions/replication-heartbeat.ts): one
 * stamp a second on the core primary, replicated to every copy of core, so a copy in another region
 * can tell how old it is. Only the core region beats; every process there may (an upsert of the
 * same row, so two beating processes are harmless and no election is needed).
 */
import { beatReplicationHeartbeat } from "@agora/db";
import { createLogger } from "@agora/telemetry";

const log = createLogger({ service: "replication-heartbeat" });

export interface ReplicationHeartbeat {
  close(): void;
}

export function startReplicationHeartbeat(opts: { region: string; everyMs: number }): ReplicationHeartbeat {
  let failing = false;
  const timer = setInterval(() => {
    beatReplicationHeartbeat(opts.region).then(
      () => {
        if (failing) log.info({ region: opts.region }, "replication heartbeat written again");
        failing = false;
      },
      (err: Error) => {
        // A failover or an outage: the copies' age grows meanwhile, which is exactly what they should see.
        if (!failing) log.warn({ region: opts.region, err: err.message }, "replication heartbeat not written");
        failing = true;
      },
    );
  }, opts.everyMs);
  timer.unref();
  return { close: () => clearInterval(timer) };
}
