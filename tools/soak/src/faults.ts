/**
 * The fault menu: every kind the nemesis can inject into the local topology, each with its inverse.
 * A kind is a row of FAULT_KINDS (targets from the topology, inject, heal). Node faults go through
 * the ops console's own node-faults (infra/local/src/chaos), network faults through the TCP fault
 * proxies in front of each cluster, payment outages through the simulator's fault admin, and —
 * when the topology runs two regions — region faults through the region link: the regions cut
 * apart, the link slowed, one region cut off from the witness. Not on the menu: isolating eu from
 * both others, which promotes us (an automatic region failover) and is undone only by a failback.
 */
import { applyNodeAction } from "@agora/infra-local/chaos";
import { processEnv } from "@agora/infra-local/env";
import { serviceFetch } from "@agora/infra-local/security";
import { patroniClusterFromAny, sentinelMaster } from "@agora/infra-local/probes";
import { regionLink, setRegionLink } from "@agora/infra-local/regions";
import type { Topology } from "@agora/infra-local/topology";
import type { MenuEntry, PlannedFault } from "./schedule.ts";

export interface FaultContext {
  t: Topology;
  /** What `inject` chose (e.g. which member was primary), handed back to `heal`. */
  memo: Map<PlannedFault, string>;
}

export interface FaultKind {
  kind: string;
  targets(t: Topology): string[];
  group(target: string): string;
  /** Returns what was hit, for the history. */
  inject(ctx: FaultContext, f: PlannedFault): Promise<string>;
  heal(ctx: FaultContext, f: PlannedFault): Promise<void>;
}

const HTTP_TIMEOUT_MS = 5_000;

/** The product's own processes (not the servers, not the simulators the checker reads). */
export function productProcesses(t: Topology): string[] {
  return [
    ...t.apps.storefront.map((_, i) => `storefront-${i + 1}`),
    ...t.apps.inventory.map((_, i) => `inventory-${i + 1}`),
    "workers-sagas",
    "workers-payments",
    "outbox-relay",
    "workers-maintenance",
    "workers-projections",
  ];
}

async function adminCall(url: string, method: "PUT" | "DELETE", body?: unknown, token?: string): Promise<void> {
  // The simulator's admin API is https with mutual TLS (the test runner's certificate).
  const res = await serviceFetch(url, {
    method,
    headers: {
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`${method} ${url}: HTTP ${res.status}`);
}

const proxyUrl = (t: Topology, cluster: string) => `http://${t.host}:${t.faultProxyAdmin}/faults/${cluster}`;

function payments(t: Topology): { url: string; token: string } {
  const env = processEnv(t, "test-runner");
  const url = env.AGORA_PAYMENT_PROVIDER_URL;
  const token = env.AGORA_PAYMENT_SIM_ADMIN_TOKEN;
  if (!url || !token) throw new Error("the topology's environment has no payment simulator admin");
  return { url, token };
}

async function pgLeader(t: Topology, cluster: string): Promise<string> {
  const c = t.clusters.find((x) => x.name === cluster);
  if (!c) throw new Error(`no cluster ${cluster}`);
  const leader = (await patroniClusterFromAny(c))?.leader;
  if (!leader) throw new Error(`${cluster} has no leader to fault`);
  return leader;
}

async function redisPrimary(t: Topology): Promise<string> {
  for (const s of t.redis.sentinels) {
    const m = await sentinelMaster(t, s.port).catch(() => undefined);
    const node = m && t.redis.nodes.find((n) => n.port === m.port);
    if (node) return node.name;
  }
  throw new Error("no Sentinel names a Redis primary");
}

const clusterNames = (t: Topology) => t.clusters.map((c) => c.name);

function nodeFault(kind: string, action: "kill" | "pause", targets: (t: Topology) => string[], pick: (ctx: FaultContext, target: string) => Promise<string>, group: (target: string) => string): FaultKind {
  return {
    kind,
    targets,
    group,
    async inject(ctx, f) {
      const node = await pick(ctx, f.target);
      ctx.memo.set(f, node);
      await applyNodeAction(ctx.t, node, action);
      return node;
    },
    async heal(ctx, f) {
      const node = ctx.memo.get(f);
      if (node) await applyNodeAction(ctx.t, node, action === "kill" ? "restart" : "resume");
    },
  };
}

const itself = async (_: FaultContext, target: string) => target;
const pgGroup = (cluster: string) => `pg:${cluster}`;

/** The remote regions' names, or none (one region: the region kinds have no targets). */
const remoteRegions = (t: Topology) => t.remoteRegions.map((r) => r.name);
const REGION_GROUP = () => "region-link";
const SLOW_LINK_RTT_MS = 400;

export const FAULT_KINDS: FaultKind[] = [
  nodeFault("process-kill", "kill", productProcesses, itself, (p) => p),
  nodeFault("process-pause", "pause", productProcesses, itself, (p) => p),
  nodeFault("postgres-primary-kill", "kill", clusterNames, (ctx, c) => pgLeader(ctx.t, c), pgGroup),
  nodeFault("postgres-primary-freeze", "pause", clusterNames, (ctx, c) => pgLeader(ctx.t, c), pgGroup),
  nodeFault("redis-primary-kill", "kill", () => ["redis"], (ctx) => redisPrimary(ctx.t), () => "redis"),
  {
    kind: "link-latency",
    targets: clusterNames,
    group: pgGroup,
    async inject(ctx, f) {
      await adminCall(proxyUrl(ctx.t, f.target), "PUT", { latencyMs: 250 });
      return `${f.target} +250 ms`;
    },
    heal: (ctx, f) => adminCall(proxyUrl(ctx.t, f.target), "DELETE"),
  },
  {
    kind: "link-blackhole",
    targets: clusterNames,
    group: pgGroup,
    async inject(ctx, f) {
      await adminCall(proxyUrl(ctx.t, f.target), "PUT", { blackhole: true });
      return `${f.target} unreachable`;
    },
    heal: (ctx, f) => adminCall(proxyUrl(ctx.t, f.target), "DELETE"),
  },
  {
    kind: "region-partition",
    targets: remoteRegions,
    group: REGION_GROUP,
    async inject(ctx, f) {
      await setRegionLink(ctx.t, { mode: "cut" });
      return `eu ⇄ ${f.target} cut (the witness reaches both)`;
    },
    heal: async (ctx) => void (await setRegionLink(ctx.t, { mode: "healthy" })),
  },
  {
    kind: "region-link-slow",
    targets: remoteRegions,
    group: REGION_GROUP,
    async inject(ctx, f) {
      ctx.memo.set(f, String((await regionLink(ctx.t)).state.rttMs));
      await setRegionLink(ctx.t, { rttMs: SLOW_LINK_RTT_MS });
      return `eu ⇄ ${f.target} +${SLOW_LINK_RTT_MS} ms round trip`;
    },
    heal: async (ctx, f) => void (await setRegionLink(ctx.t, { rttMs: Number(ctx.memo.get(f) ?? 80) })),
  },
  {
    kind: "witness-cut",
    targets: (t) => (t.remoteRegions.length ? ["eu", ...remoteRegions(t)] : []),
    group: REGION_GROUP,
    async inject(ctx, f) {
      await setRegionLink(ctx.t, { witness: { [f.target]: "cut" } });
      return `witness ⇄ ${f.target} cut`;
    },
    heal: async (ctx, f) => void (await setRegionLink(ctx.t, { witness: { [f.target]: "healthy" } })),
  },
  {
    kind: "payment-outage",
    targets: () => ["payment-provider"],
    group: () => "payments",
    async inject(ctx) {
      const p = payments(ctx.t);
      await adminCall(`${p.url}/admin/faults`, "PUT", { outage: true, scope: "payments" }, p.token);
      return "payment provider down";
    },
    async heal(ctx) {
      const p = payments(ctx.t);
      await adminCall(`${p.url}/admin/faults`, "DELETE", undefined, p.token);
    },
  },
];

export function faultMenu(t: Topology, only?: readonly string[]): MenuEntry[] {
  return FAULT_KINDS.filter((k) => !only || only.includes(k.kind)).map((k) => ({
    kind: k.kind,
    targets: k.targets(t),
    group: k.group,
  }));
}

export function faultKind(kind: string): FaultKind {
  const k = FAULT_KINDS.find((x) => x.kind === kind);
  if (!k) throw new Error(`unknown fault kind ${kind}`);
  return k;
}
