/**
 * The edge's redundant instances as the supervisor and the chaos controls see them: HAProxy ×N
 * and nginx CDN ×N, each with a start and a readiness check of its own (the shared ports cannot
 * tell the instances apart; each has its own stats or status port). With two regions also the
 * region link — every connection between sites, etcd's quorum across eu, us and the witness
 * included, goes through it — and us's arbiter: the supervisor restarts them the same way.
 */
import { seedDatabaseStates, startCdnInstance, startHaproxyInstance, waitHaproxyInstance } from "../launcher.ts";
import { cdnPaths } from "../config/nginx.ts";
import { cdnInstanceHealthy } from "../probes/cdn.ts";
import { type ProcessRecord } from "../processes/registry.ts";
import { REGION_ARBITER, REGION_LINK, startRegionArbiter, startRegionLink, waitRegionLink } from "../regions/region-servers.ts";
import { waitFor } from "../processes/wait.ts";
import type { Topology } from "../topology.ts";
import { edgeTag, killStrays } from "./strays.ts";

export interface EdgeProcess {
  name: string;
  kind: "haproxy" | "nginx" | "app";
  logFile: string;
  /** Starts it (after killing what a crashed predecessor left behind). */
  start(): Promise<ProcessRecord>;
  /** Resolves once this instance serves: HAProxy routes every database backend, nginx answers /healthz. */
  waitReady(timeoutMs?: number): Promise<void>;
}

export function edgeProcesses(t: Topology): EdgeProcess[] {
  return [
    ...t.haproxyInstances.map(
      (i): EdgeProcess => ({
        name: i.name,
        kind: "haproxy",
        logFile: i.logFile,
        start: async () => {
          killStrays(edgeTag(t.stateDir, i.name));
          // Routes to the current primaries from its first connection (a sibling's states).
          await seedDatabaseStates(t, i);
          return startHaproxyInstance(t, i);
        },
        waitReady: (timeoutMs = 30_000) => waitHaproxyInstance(t, i, undefined, timeoutMs),
      }),
    ),
    ...t.cdnInstances.map(
      (i): EdgeProcess => ({
        name: i.name,
        kind: "nginx",
        logFile: cdnPaths(t, i.name).errorLog,
        start: async () => {
          killStrays(edgeTag(t.stateDir, i.name));
          return startCdnInstance(t, i.name);
        },
        waitReady: async (timeoutMs = 15_000) => {
          await waitFor(`${i.name} /healthz`, () => cdnInstanceHealthy(t, i), {
            timeoutMs,
            process: i.name,
            logFile: cdnPaths(t, i.name).errorLog,
          });
        },
      }),
    ),
    ...t.remoteRegions.flatMap((r): EdgeProcess[] => [
      {
        name: REGION_LINK,
        kind: "app",
        logFile: r.link.logFile,
        start: async () => startRegionLink(t, r),
        waitReady: (timeoutMs) => waitRegionLink(t, r, timeoutMs),
      },
      {
        name: REGION_ARBITER,
        kind: "app",
        logFile: r.arbiter.logFile,
        start: async () => startRegionArbiter(t, r),
        // It reads etcd once a second from its start; nothing to wait for.
        waitReady: async () => {},
      },
    ]),
  ];
}

export function edgeProcess(t: Topology, name: string): EdgeProcess | undefined {
  return edgeProcesses(t).find((p) => p.name === name);
}
