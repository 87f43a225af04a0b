/**
 * What the second region costs on this machine: resident memory and CPU of each of its processes
 * (with their children: Patroni's Postgres, Next.js's workers), sampled over a window, beside the
 * memory of everything else the topology runs. `npm run region -- cost` prints it; ADR 0010 keeps
 * the numbers the default is decided on.
 */
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { CLOCK_TICKS_PER_SECOND, parseProcStatTicks } from "../autoscaler/proc-cpu.ts";
import { descendants, isOurs, readRegistry, rssKb } from "../processes/registry.ts";
import { FAILOVER_WORKERS, failoverWorkerName, type Topology } from "../topology.ts";
import { GLOBAL_EDGE } from "./global-edge.ts";
import { REGION_LINK } from "./region-servers.ts";

export interface ProcessCost {
  name: string;
  rssKb: number;
  cpuMillicores: number;
}

export interface RegionCost {
  windowMs: number;
  /** The remote region's processes (its Redis, Sentinels, standby, storefront and the link). */
  region: ProcessCost[];
  regionRssKb: number;
  regionMillicores: number;
  /** Everything else of the topology, for scale. */
  restRssKb: number;
  restMillicores: number;
}

/**
 * A process with its children, less the processes registered under names of their own (the
 * supervisor is the parent of the apps it runs: counted once each, not again under it).
 */
export function ownTree(pid: number, registered: ReadonlySet<number>): number[] {
  return [pid, ...descendants(pid, registered)];
}

function ticksOf(pids: number[]): number {
  let sum = 0;
  for (const p of pids) {
    try {
      sum += parseProcStatTicks(readFileSync(`/proc/${p}/stat`, "utf8"));
    } catch (err) {
      // Exited between listing and reading (a backend, a worker): it uses no more CPU.
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
  return sum;
}

/** The names of the remote regions' processes (as in pids.json). */
export function regionProcessNames(t: Topology): Set<string> {
  return new Set([
    REGION_LINK,
    GLOBAL_EDGE,
    ...t.remoteRegions.flatMap((r) => [
      ...r.redis.nodes.map((n) => n.name),
      ...r.redis.sentinels.map((n) => n.name),
      ...r.coreStandby.nodes.map((m) => m.name),
      ...r.storefront.map((_, i) => `storefront-${r.name}-${i + 1}`),
      // Running only after a region failover (failover-workers.ts).
      ...FAILOVER_WORKERS.map((w) => failoverWorkerName(r, w)),
    ]),
  ]);
}

export async function regionCost(t: Topology, windowMs = 30_000): Promise<RegionCost> {
  const names = regionProcessNames(t);
  const recs = readRegistry(t.pidFile).filter(isOurs);
  const registered = new Set(recs.map((r) => r.pid));
  const before = new Map(
    recs.map((r) => [r.name, { at: Date.now(), ticks: ticksOf(ownTree(r.pid, registered)) }]),
  );
  await sleep(windowMs);
  const costs = recs.map((r): ProcessCost & { inRegion: boolean } => {
    const pids = ownTree(r.pid, registered);
    const b = before.get(r.name)!;
    const seconds = (Date.now() - b.at) / 1000;
    return {
      name: r.name,
      inRegion: names.has(r.name),
      rssKb: pids.reduce((s, p) => s + rssKb(p), 0),
      cpuMillicores: Math.max(0, Math.round(((ticksOf(pids) - b.ticks) / CLOCK_TICKS_PER_SECOND / seconds) * 1000)),
    };
  });
  const region = costs.filter((c) => c.inRegion).map((c) => ({ name: c.name, rssKb: c.rssKb, cpuMillicores: c.cpuMillicores }));
  const rest = costs.filter((c) => !c.inRegion);
  const sum = (xs: ProcessCost[], k: "rssKb" | "cpuMillicores") => xs.reduce((s, x) => s + x[k], 0);
  return {
    windowMs,
    region,
    regionRssKb: sum(region, "rssKb"),
    regionMillicores: sum(region, "cpuMillicores"),
    restRssKb: sum(rest, "rssKb"),
    restMillicores: sum(rest, "cpuMillicores"),
  };
}
