/**
 * One soak: fixtures, then rounds of (workload + the round's planned faults, healed at its end,
 * then wait until the topology is healthy again, then check), then a grace period for the sagas
 * and the final check. Violations are returned with the slice of history that shows them.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { mulberry32 } from "@agora/db/seed";
import { chaosTargets } from "@agora/infra-local/chaos";
import { processEnv } from "@agora/infra-local/env";
import { patroniClusterFromAny, sentinelMaster } from "@agora/infra-local/probes";
import type { Topology } from "@agora/infra-local/topology";
import { CHECKS, checkHistory, opCounts, TERMINAL, type Violation } from "./checker.ts";
import { type FaultContext, faultKind, faultMenu, productProcesses } from "./faults.ts";
import { readFinalState } from "./final-state.ts";
import { formatEvent, History, type HistoryEvent, historySlice } from "./history.ts";
import { planRounds } from "./schedule.ts";
import { prepare, runWorkload } from "./workload.ts";

export interface SoakOptions {
  t: Topology;
  rounds: number;
  seed: number;
  roundMs: number;
  maxFaultsPerRound: number;
  /** How long the sagas get after the last round to reach a terminal state. */
  graceMs: number;
  shoppers: number;
  skus: number;
  unitsPerSku: number;
  vendorEmail: string;
  vendorPassword: string;
  /** Restrict the menu to these fault kinds (default: all). */
  kinds?: readonly string[];
  log: (line: string) => void;
}

export interface SoakFaultRecord {
  round: number;
  kind: string;
  target: string;
  hit: string | null;
  error: string | null;
}

export interface SoakRoundSummary {
  round: number;
  faults: string[];
  ops: number;
  violations: number;
  recoveryMs: number;
  /** What was still unhealthy when the health wait gave up (empty: healthy again). */
  unhealthy: string[];
}

export interface SoakReport {
  at: string;
  seed: number;
  rounds: number;
  roundMs: number;
  durationMs: number;
  faults: SoakFaultRecord[];
  ops: { ok: number; fail: number; info: number };
  checks: string[];
  violations: (Violation & { slice: string[] })[];
  perRound: SoakRoundSummary[];
  /** The whole operation history, one event per line (written beside the run summary). */
  history: HistoryEvent[];
}

const HEALTH_TIMEOUT_MS = 120_000;

/** Every cluster has a leader, Sentinel names a Redis primary, every product process runs, the gateway answers. */
async function waitHealthy(t: Topology, gatewayUrl: string): Promise<string[]> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let missing: string[] = [];
  while (Date.now() < deadline) {
    missing = [];
    for (const c of t.clusters)
      if (!(await patroniClusterFromAny(c).catch(() => undefined))?.leader) missing.push(`${c.name} leader`);
    const sentinel = t.redis.sentinels[0];
    if (sentinel && !(await sentinelMaster(t, sentinel.port).catch(() => undefined))) missing.push("redis primary");
    const product = new Set(productProcesses(t));
    for (const p of chaosTargets(t))
      if (product.has(p.name) && (!p.running || p.paused)) missing.push(p.name);
    const gw = await fetch(`${gatewayUrl}/api/trpc/checkout.paymentConfig`, { signal: AbortSignal.timeout(3_000) }).catch(() => undefined);
    if (!gw?.ok) missing.push("gateway");
    if (missing.length === 0) return [];
    await sleep(1_000);
  }
  return missing;
}

/** One entry per broken thing: a database invariant's detail carries counts that change from round to round. */
function violationKey(v: Violation): string {
  return v.check === "database invariants" ? `${v.check}|${v.detail.split(":")[0]}` : `${v.check}|${v.detail}`;
}

function withSlices(h: History, vs: Violation[]): SoakReport["violations"] {
  return vs.map((v) => ({ ...v, slice: historySlice(h.events, v.events).map(formatEvent) }));
}

export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  const started = Date.now();
  const env = processEnv(o.t, "test-runner");
  const need = (k: string) => {
    const v = env[k];
    if (!v) throw new Error(`the topology's environment has no ${k}`);
    return v;
  };
  const gatewayUrl = need("AGORA_STOREFRONT_URL");
  const provider = { url: need("AGORA_PAYMENT_PROVIDER_URL"), token: need("AGORA_PAYMENT_SIM_ADMIN_TOKEN") };
  const schedule = planRounds(faultMenu(o.t, o.kinds), o);
  const h = new History();
  const ctx: FaultContext = { t: o.t, memo: new Map() };
  const faults: SoakFaultRecord[] = [];
  const perRound: SoakRoundSummary[] = [];
  const seen = new Map<string, Violation>();
  const workloadRng = mulberry32(o.seed ^ 0x5eed);

  o.log(`preparing ${o.skus} SKUs × ${o.unitsPerSku} units and ${o.shoppers} shoppers`);
  const fx = await prepare({
    gatewayUrl,
    portalUrl: need("AGORA_VENDOR_PORTAL_URL"),
    vendorEmail: o.vendorEmail,
    vendorPassword: o.vendorPassword,
    skus: o.skus,
    unitsPerSku: o.unitsPerSku,
    shoppers: o.shoppers,
  });

  for (const [r, planned] of schedule.entries()) {
    h.round = r + 1;
    const roundStart = Date.now();
    const opsBefore = h.events.length;
    const nemesis = (async () => {
      for (const f of planned) {
        await sleep(Math.max(0, roundStart + f.atMs - Date.now()));
        const rec: SoakFaultRecord = { round: r + 1, kind: f.kind, target: f.target, hit: null, error: null };
        faults.push(rec);
        try {
          rec.hit = await faultKind(f.kind).inject(ctx, f);
          h.note("fault-start", { kind: f.kind, target: f.target, hit: rec.hit });
        } catch (err) {
          rec.error = err instanceof Error ? err.message : String(err);
          h.note("fault-start", { kind: f.kind, target: f.target, error: rec.error });
        }
        // Healed on its own schedule, or at the round's end at the latest (below).
        setTimeout(() => void heal(f), f.durationMs).unref();
      }
    })();
    const healed = new Set<(typeof planned)[number]>();
    const heal = async (f: (typeof planned)[number]) => {
      if (healed.has(f)) return;
      healed.add(f);
      try {
        await faultKind(f.kind).heal(ctx, f);
        h.note("fault-stop", { kind: f.kind, target: f.target });
      } catch (err) {
        h.note("fault-stop", { kind: f.kind, target: f.target, error: err instanceof Error ? err.message : String(err) });
      }
    };
    await Promise.all([runWorkload(fx, h, workloadRng, roundStart + o.roundMs), nemesis]);
    await Promise.all(planned.map(heal));
    const recoverFrom = Date.now();
    const unhealthy = await waitHealthy(o.t, gatewayUrl);
    const recoveryMs = Date.now() - recoverFrom;
    if (unhealthy.length) o.log(`  round ${r + 1}: not healthy after ${HEALTH_TIMEOUT_MS / 1000} s: ${unhealthy.join(", ")}`);
    const state = await readFinalState(fx, h.events, provider);
    const vs = checkHistory(h.events, state, false);
    let fresh = 0;
    for (const v of vs) {
      const key = violationKey(v);
      if (!seen.has(key)) {
        seen.set(key, v);
        fresh++;
        o.log(`  ✗ ${v.check}: ${v.detail}`);
      }
    }
    const ops = h.events.slice(opsBefore).filter((e) => e.type !== "invoke" && e.process !== "nemesis").length;
    perRound.push({ round: r + 1, faults: planned.map((f) => `${f.kind} ${f.target}`), ops, violations: fresh, recoveryMs, unhealthy });
    o.log(
      `round ${r + 1}/${schedule.length}: faults [${planned.map((f) => `${f.kind} ${f.target}`).join(", ")}] · ${ops} ops · ${fresh} new violations · healthy again in ${(recoveryMs / 1000).toFixed(1)} s`,
    );
  }

  // Grace period: every acknowledged order should reach a terminal state.
  const graceEnd = Date.now() + o.graceMs;
  let state = await readFinalState(fx, h.events, provider);
  while (Date.now() < graceEnd && [...state.orders.values()].some((x) => !TERMINAL.has(x.status))) {
    await sleep(2_000);
    state = await readFinalState(fx, h.events, provider);
  }
  for (const v of checkHistory(h.events, state, true)) seen.set(violationKey(v), v);
  for (const s of fx.shoppers) s.shopper.client.close();
  fx.vendor.close();
  return {
    at: new Date(started).toISOString(),
    seed: o.seed,
    rounds: o.rounds,
    roundMs: o.roundMs,
    durationMs: Date.now() - started,
    faults,
    ops: opCounts(h.events),
    checks: [...CHECKS],
    violations: withSlices(h, [...seen.values()]),
    perRound,
    history: h.events,
  };
}
