/** Where the local autoscaler reads metrics: HAProxy's runtime API, Redis through Sentinel, /proc. */
import { Redis } from "ioredis";
import { runtimeSocketOf } from "../config/haproxy.ts";
import { runtimeCommand } from "../gateway/runtime-api.ts";
import { sentinelConnection, type Topology } from "../topology.ts";
import type { MetricSources } from "./autoscaler.ts";
import { processTicks, readHostCpu } from "./proc-cpu.ts";

export function localMetricSources(t: Topology): MetricSources & { close(): void } {
  let redis: Redis | undefined;
  return {
    // Every HAProxy instance of the edge takes a share of the connections (SO_REUSEPORT): the
    // in-flight count of an instance is the sum over them. One that does not answer (dead,
    // restarting) is left out; none answering fails the read.
    showStats: async () => {
      const answers = await Promise.allSettled(t.haproxyInstances.map((i) => runtimeCommand(runtimeSocketOf(i), "show stat")));
      const stats = answers.flatMap((a) => (a.status === "fulfilled" ? [a.value] : []));
      if (stats.length === 0) throw new Error("no HAProxy instance answered show stat");
      return stats;
    },
    redis: () =>
      (redis ??= (() => {
        const r = new Redis({
          ...sentinelConnection(t),
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
    hostCpu: readHostCpu,
    close: () => redis?.disconnect(),
  };
}
