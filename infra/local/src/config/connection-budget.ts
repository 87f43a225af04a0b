/**
 * The local topology's Postgres connections at their most, member by member: every process
 * `npm start` runs, the instances the autoscaler may add (storefronts up to their slots, worker
 * pools up to the local row's maxReplicas), the second region's processes, and a test runner or
 * CLI, each times what the connection budget (@agora/config connection-budget.ts) allows it —
 * plus the reserved slots. connection-budget.test.ts holds each sum to PG_MAX_CONNECTIONS.
 */
import {
  type DbTarget,
  type MemberDemand,
  memberDemand,
  type ProcessKind,
  processKindOf,
} from "@agora/config";
import { appInstances, services } from "../apps.ts";
import { localTargets, slotNames } from "../autoscaler/targets.ts";
import { regionOf } from "../env/process-env.ts";
import { holdsCorePrimary } from "../regions/failover-state.ts";
import type { Topology } from "../topology.ts";
import { PG_MAX_CONNECTIONS } from "./patroni.ts";

/** Processes of the topology that open no Postgres connection of their own. */
export const NOT_DATABASE_CLIENTS: Readonly<Record<string, string>> = {
  "fault-proxy": "forwards the apps' connections to the primaries; opens none itself",
};

/** Every process name that may run at once on this topology, autoscaled instances included. */
export function localProcessNames(t: Topology): string[] {
  const scaled = localTargets(t).flatMap((target) =>
    slotNames(target).slice(0, target.horizontal.maxReplicas),
  );
  return [
    ...new Set([
      ...services(t).map((s) => s.name),
      ...appInstances(t).map((s) => s.name),
      ...scaled,
      // A CLI or the test suite beside them (seed, migrate's app-side checks, integration tests).
      "test-runner",
      "db-migrate",
    ]),
  ].filter((name) => !(name in NOT_DATABASE_CLIENTS));
}

export class MissingConnectionBudgetError extends Error {
  readonly code = "MISSING_CONNECTION_BUDGET";
  constructor(readonly process: string) {
    super(`process "${process}" has no entry in the connection budget (@agora/config connection-budget.ts)`);
  }
}

/** The members a process's pools reach, per target: its region decides where core's reads go. */
function membersOf(t: Topology, name: string): { cluster: string; target: DbTarget }[] {
  const shards = t.clusters.filter((c) => c.kind === "shard").map((c) => c.name);
  const region = regionOf(t, name);
  // A remote region reads core from its standby; its writes cross the link to eu's primary
  // (to its own copy once a region failover promoted it).
  const coreRw = region && holdsCorePrimary(region) ? region.coreStandby.name : "core";
  const coreRo = region ? region.coreStandby.name : "core";
  return [
    { cluster: coreRw, target: "core-rw" },
    { cluster: coreRo, target: "core-ro" },
    ...shards.flatMap((s) => [
      { cluster: s, target: "shard-rw" as const },
      { cluster: s, target: "shard-ro" as const },
    ]),
  ];
}

/**
 * Each member's sum: a cluster's primary (its read-write pools) and a replica (its read-only
 * pools, as if it served them all).
 */
export function localConnectionDemand(t: Topology): MemberDemand[] {
  const byMember = new Map<string, { cluster: string; target: DbTarget; instances: Map<ProcessKind, number> }>();
  const clusterOrder = [...t.clusters.map((c) => c.name), ...t.remoteRegions.map((r) => r.coreStandby.name)];
  for (const c of clusterOrder)
    for (const target of ["rw", "ro"] as const) {
      const kind = c.startsWith("core") ? "core" : "shard";
      byMember.set(`${c}/${target}`, { cluster: c, target: `${kind}-${target}`, instances: new Map() });
    }
  for (const name of localProcessNames(t)) {
    const kind = processKindOf(name);
    if (!kind) throw new MissingConnectionBudgetError(name);
    for (const m of membersOf(t, name)) {
      const member = byMember.get(`${m.cluster}/${m.target.endsWith("rw") ? "rw" : "ro"}`);
      if (!member) throw new Error(`unknown member ${m.cluster} (${m.target})`);
      member.instances.set(kind, (member.instances.get(kind) ?? 0) + 1);
    }
  }
  return [...byMember.values()]
    .map((m) => memberDemand(m.cluster, m.target, m.instances, PG_MAX_CONNECTIONS))
    .filter((d) => d.rows.length > 0);
}
