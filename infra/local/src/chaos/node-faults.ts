/**
 * Node-level chaos for the ops console and scripts: crash (SIGKILL), freeze (SIGSTOP), thaw
 * (SIGCONT) and restart any process of the local topology by its name. Every action has an
 * inverse (kill → restart, pause → resume), which is what the console's one-click undo runs.
 */
import { readFileSync } from "node:fs";
import { appInstances, services, startServices } from "../apps.ts";
import { edgeProcess } from "../edge/edge-processes.ts";
import {
  killPgMember,
  postmasterPid,
  startEtcd,
  startPgMember,
  startRedisNode,
} from "../launcher.ts";
import { RELAY_LEADER_TARGET, relayLeaderProcess } from "./relay-leader.ts";
import { descendants, isOurs, type ProcessKind, readRegistry } from "../processes/registry.ts";
import { holdSupervision, releaseSupervision } from "../supervisor/control.ts";
import type { PgMember, Topology } from "../topology.ts";

/** `crash`: SIGKILL that the supervisor heals (self-healing); `kill`: SIGKILL held down until undone. */
export type NodeAction = "kill" | "crash" | "pause" | "resume" | "restart";

export interface ChaosTarget {
  name: string;
  kind: ProcessKind | "postgres";
  /** Cluster for Postgres members, "redis" / "etcd" / "apps" otherwise. */
  group: string;
  running: boolean;
  /** Every process of the node is stopped (SIGSTOP). */
  paused: boolean;
  pids: number[];
}

export class UnknownTargetError extends Error {
  readonly code = "UNKNOWN_CHAOS_TARGET";
  constructor(name: string) {
    super(`no process named "${name}" in this topology`);
    this.name = "UnknownTargetError";
  }
}

function pgMember(t: Topology, name: string): PgMember | undefined {
  return t.clusters.flatMap((c) => c.nodes).find((n) => n.name === name);
}

function processState(pid: number): string | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) S ..." — the state letter follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** The processes that make up a node: Patroni plus its whole Postgres tree for a member. */
function nodePids(t: Topology, name: string): number[] {
  const rec = readRegistry(t.pidFile).find((r) => r.name === name);
  const own = rec && isOurs(rec) ? [rec.pid] : [];
  const m = pgMember(t, name);
  if (m) {
    const pm = postmasterPid(m);
    return [...own, ...(pm ? [pm, ...descendants(pm)] : [])];
  }
  return own.flatMap((pid) => [pid, ...descendants(pid)]);
}

/** Every node an operator may act on, in topology order, with its current state. */
export function chaosTargets(t: Topology): ChaosTarget[] {
  const registry = readRegistry(t.pidFile);
  const names: { name: string; kind: ChaosTarget["kind"]; group: string }[] = [
    ...t.etcd.map((e) => ({ name: e.name, kind: "etcd" as const, group: "etcd" })),
    ...t.clusters.flatMap((c) =>
      c.nodes.map((n) => ({ name: n.name, kind: "postgres" as const, group: c.name })),
    ),
    ...t.redis.nodes.map((n) => ({ name: n.name, kind: "redis" as const, group: "redis" })),
    ...t.redis.sentinels.map((n) => ({ name: n.name, kind: "sentinel" as const, group: "redis" })),
    ...t.haproxyInstances.map((i) => ({ name: i.name, kind: "haproxy" as const, group: "edge" })),
    ...t.cdnInstances.map((i) => ({ name: i.name, kind: "nginx" as const, group: "edge" })),
    ...registry
      .filter((r) => r.kind === "app")
      .map((r) => ({ name: r.name, kind: "app" as const, group: "apps" })),
    // Whichever relay holds the election when the action runs (applyNodeAction resolves it).
    { name: RELAY_LEADER_TARGET, kind: "app" as const, group: "apps" },
  ];
  return names.map((n) => {
    // The leader alias shows as running while any relay runs; its actions hit the leader only.
    const pids =
      n.name === RELAY_LEADER_TARGET
        ? registry.filter((r) => /^outbox-relay(-\d+)?$/.test(r.name)).flatMap((r) => nodePids(t, r.name))
        : nodePids(t, n.name);
    const states = pids.map(processState).filter((s): s is string => s !== undefined);
    return {
      ...n,
      pids,
      running: states.length > 0,
      paused: states.length > 0 && states.every((s) => s === "T"),
    };
  });
}

function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
    }
  }
}

/** Runs one node action; resolves once the signal is sent or the restarted process is ready. */
export async function applyNodeAction(
  t: Topology,
  name: string,
  action: NodeAction,
): Promise<void> {
  if (name === RELAY_LEADER_TARGET) {
    const leader = await relayLeaderProcess(t);
    if (!leader) throw new UnknownTargetError(`${name} (no relay holds the election)`);
    return applyNodeAction(t, leader, action);
  }
  const target = chaosTargets(t).find((x) => x.name === name);
  if (!target) throw new UnknownTargetError(name);
  const m = pgMember(t, name);
  switch (action) {
    case "kill":
      if (m) killPgMember(t, m);
      else {
        // A deliberate crash stays down until its undo ("restart"): the supervisor leaves it be.
        holdSupervision(t, name);
        signalAll(target.pids, "SIGKILL");
      }
      return;
    case "crash":
      // Postgres members are Patroni's to fail over; everything else the supervisor restarts.
      if (m) killPgMember(t, m);
      else signalAll(target.pids, "SIGKILL");
      return;
    case "pause":
      signalAll(target.pids, "SIGSTOP");
      return;
    case "resume":
      signalAll(target.pids, "SIGCONT");
      return;
    case "restart":
      if (target.running) {
        signalAll(target.pids, "SIGCONT");
        return;
      }
      await restartNode(t, target);
      return;
  }
}

async function restartNode(t: Topology, target: ChaosTarget): Promise<void> {
  const m = pgMember(t, target.name);
  if (m) {
    startPgMember(t, m);
    return;
  }
  switch (target.kind) {
    case "etcd":
      startEtcd(t);
      return;
    case "redis":
    case "sentinel":
      startRedisNode(t, target.name);
      return;
    case "haproxy":
    case "nginx": {
      const edge = edgeProcess(t, target.name);
      if (!edge) throw new UnknownTargetError(target.name);
      releaseSupervision(t, target.name);
      await edge.start();
      await edge.waitReady();
      return;
    }
    case "app": {
      const spec = [...appInstances(t), ...services(t)].find((s) => s.name === target.name);
      if (!spec) throw new UnknownTargetError(target.name);
      await startServices(t, [spec]);
      return;
    }
    default:
      throw new UnknownTargetError(target.name);
  }
}

/** The action that undoes `action`. */
export function inverseOf(action: NodeAction): NodeAction | null {
  if (action === "kill") return "restart";
  if (action === "pause") return "resume";
  return null;
}
