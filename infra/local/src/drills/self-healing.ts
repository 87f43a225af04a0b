/**
 * The self-healing drill: on a running topology with its supervisor, crash (SIGKILL, the chaos
 * page's **Crash**) one instance of each supervised kind in turn and wait until the supervisor
 * reports it restarted and answering again. Reports, per kind, the restart count before and after
 * and the supervisor's own "time back" (exit noticed → health path answering). One at a time, each
 * bounded: a kind that is not back within the timeout is reported as such and the drill goes on.
 */
import { applyNodeAction, chaosTargets } from "../chaos/node-faults.ts";
import { RELAY_LEADER_TARGET, relayLeaderProcess } from "../chaos/relay-leader.ts";
import { readSupervisorState } from "../supervisor/control.ts";
import type { Topology } from "../topology.ts";

export interface HealingResult {
  kind: string;
  target: string;
  restartsBefore: number;
  restartsAfter: number;
  /** Supervisor: from the exit being noticed to the restarted process answering its health path. */
  supervisorRestartMs?: number;
  /** From the SIGKILL until the supervisor's state said running with one more restart. */
  observedMs?: number;
  ok: boolean;
  note?: string;
}

/** One instance per kind: the first of each numbered family, plus the relay leader. */
export function healingTargets(t: Topology): { kind: string; target: string }[] {
  const names = new Set(chaosTargets(t).filter((x) => x.running).map((x) => x.name));
  const first = (re: RegExp) => [...names].filter((n) => re.test(n)).sort((a, b) => a.localeCompare(b, "en", { numeric: true }))[0];
  const kinds: [string, string | undefined][] = [
    ["storefront", first(/^storefront-\d+$/)],
    ["vendor-portal", first(/^vendor-portal$/)],
    ["ops-console", first(/^ops-console$/)],
    ["realtime gateway", first(/^realtime-\d+$/)],
    ["inventory (gRPC)", first(/^inventory-\d+$/)],
    ["worker pool (sagas)", first(/^workers-sagas(-\d+)?$/)],
    ["worker pool (payments)", first(/^workers-payments(-\d+)?$/)],
    ["payment simulator", first(/^payment-sim$/)],
    ["telemetry collector", first(/^telemetry-collector$/)],
    ["media origin", first(/^media-origin$/)],
    ["HAProxy instance", first(/^haproxy-\d+$/)],
    ["nginx CDN instance", first(/^cdn-\d+$/)],
    ["outbox relay (leader)", RELAY_LEADER_TARGET],
  ];
  return kinds.flatMap(([kind, target]) => (target ? [{ kind, target }] : []));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function crashAndHeal(t: Topology, kind: string, target: string, timeoutMs = 120_000): Promise<HealingResult> {
  const name = target === RELAY_LEADER_TARGET ? await relayLeaderProcess(t) : target;
  if (!name) return { kind, target, restartsBefore: 0, restartsAfter: 0, ok: false, note: "no relay holds the election" };
  const before = readSupervisorState(t)?.processes[name];
  const restartsBefore = before?.restarts ?? 0;
  const killedAt = Date.now();
  await applyNodeAction(t, name, "crash");
  while (Date.now() - killedAt < timeoutMs) {
    const s = readSupervisorState(t)?.processes[name];
    if (s && s.restarts > restartsBefore && s.state === "running" && s.lastRestartMs !== undefined)
      return {
        kind,
        target: name,
        restartsBefore,
        restartsAfter: s.restarts,
        supervisorRestartMs: s.lastRestartMs,
        observedMs: Date.now() - killedAt,
        ok: true,
      };
    if (s?.state === "gave-up") break;
    await sleep(100);
  }
  const s = readSupervisorState(t)?.processes[name];
  return { kind, target: name, restartsBefore, restartsAfter: s?.restarts ?? restartsBefore, ok: false, note: `state ${s?.state ?? "unknown"}` };
}

export function formatHealing(results: readonly HealingResult[]): string {
  const rows = results.map(
    (r) =>
      `| ${r.kind} | ${r.target} | ${r.restartsBefore} → ${r.restartsAfter} | ${r.supervisorRestartMs ?? "–"} | ${r.observedMs ?? "–"} | ${r.ok ? "yes" : `no (${r.note})`} |`,
  );
  return ["| kind | killed | restarts | supervisor: exit → healthy (ms) | kill → reported (ms) | back |", "|---|---|---|---|---|---|", ...rows].join("\n");
}
