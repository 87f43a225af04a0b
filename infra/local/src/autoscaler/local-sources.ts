/** Where the local autoscaler reads metrics: HAProxy's runtime API, Redis through Sentinel, /proc. */
import { Redis } from "ioredis";
import { haproxyRuntimeSocket } from "../config/haproxy.ts";
import { runtimeCommand } from "../gateway/runtime-api.ts";
import { secrets, sentinelAddresses, type Topology } from "../topology.ts";
import type { MetricSources } from "./autoscaler.ts";
import { processTicks } from "./proc-cpu.ts";

export function localMetricSources(t: Topology): MetricSources & { close(): void } {
  let redis: Redis | undefined;
  return {
    showStat: () => runtimeCommand(haproxyRuntimeSocket(t), "show stat"),
    redis: () =>
      (redis ??= (() => {
        const r = new Redis({
          sentinels: sentinelAddresses(t),
          name: t.redis.masterName,
          password: secrets(t).redisPassword,
          sentinelPassword: secrets(t).redisPassword,
          connectionName: "supervisor:autoscaler",
          // A metrics read fails fast (the tick logs it and tries again next time).
          maxRetriesPerRequest: 1,
          commandTimeout: 2_000,
        });
        r.on("error", () => {
          // Failed reads reject the tick's command and are logged there; a listener keeps Node up.
        });
        return r;
      })()),
    ticks: processTicks,
    close: () => redis?.disconnect(),
  };
}
