/**
 * The rollout controller: walks a rollout's steps (setWeight, pause, analysis) and reacts to
 * analysis as Argo Rollouts does — Failed/Error aborts (all weight back to stable at once, the new
 * version's instances drained and stopped), Inconclusive pauses for a person, Successful goes on.
 * After the last step the stable instances are replaced by the new version one by one (each
 * drained), then the extra instances go. It is a bounded job (the `deploy` CLI, or started from
 * the console), not a resident process; its state is the file rollout-state.ts describes.
 */
import { randomBytes } from "node:crypto";
import type { ServiceInstance } from "@agora/registry";
import {
  addMeasurement,
  type AnalysisMetric,
  type AnalysisPhase,
  assessMetric,
  assessRun,
  emptyResult,
  evaluateMeasurement,
  isCompleted,
  type MetricResult,
  rolloutAction,
} from "./analysis.ts";
import {
  type AnalysisRunView,
  type ReleaseSpec,
  type RolloutRequest,
  type RolloutState,
  type RolloutStep,
  type Strategy,
  type TrafficSplit,
  takeRolloutRequest,
  writeRolloutState,
  writeTrafficSplit,
} from "./rollout-state.ts";
import { type InstanceCounters, windowStats, type WindowStats } from "./version-metrics.ts";

/** What the controller needs from the deployment (local processes here; Kubernetes later). */
export interface ReleasePlatform {
  stateDir: string;
  /** The service's registered instances (every version). */
  members(): Promise<ServiceInstance[]>;
  /** Starts `count` instances of `release`; resolves once each is registered and ready. */
  startInstances(release: ReleaseSpec, count: number): Promise<{ name: string; port: number }[]>;
  /** Drains (registry readiness false, in-flight requests finish) and stops one instance. */
  stopInstance(name: string): Promise<void>;
  /** Restarts the deployment's own instances one by one as `release` (each drained first). */
  replaceStable(release: ReleaseSpec): Promise<void>;
  /** Applies a split to the gateway now (the gateway sync keeps it applied afterwards). */
  applySplit(split: TrafficSplit): Promise<void>;
  /** tRPC counters per instance address. */
  scrape(addresses: string[]): Promise<Map<string, InstanceCounters>>;
  /** Preview traffic for an analysis of a version that has no gateway traffic (blue-green). */
  previewTraffic?(addresses: string[], durationMs: number): Promise<void>;
  /** Migrations `release` needs that are not applied (empty: it may run). */
  missingMigrations(release: ReleaseSpec): Promise<string[]>;
  log(line: string): void;
}

export interface RolloutSpec {
  strategy: Strategy;
  stable: ReleaseSpec;
  next: ReleaseSpec;
  steps: RolloutStep[];
  /** Canary instances (blue-green: as many as stable). */
  canaryInstances?: number;
  /** A pause waiting for a person ends in an abort after this long. */
  pauseTimeoutMs?: number;
  /** How often requests (promote/abort) are looked for while waiting. */
  pollMs?: number;
}

export class RolloutRefusedError extends Error {
  readonly code = "ROLLOUT_REFUSED";
}

const now = () => new Date().toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Aborted extends Error {
  constructor(readonly by: "analysis" | "operator", message: string) {
    super(message);
  }
}

export class RolloutController {
  readonly state: RolloutState;
  /** The stable version's p95 in the last analysis interval where it served enough calls. */
  private stableP95: number | undefined;
  private pendingPromote = false;

  constructor(
    private readonly p: ReleasePlatform,
    private readonly spec: RolloutSpec,
  ) {
    const at = now();
    this.state = {
      id: `${spec.next.version}-${randomBytes(3).toString("hex")}`,
      strategy: spec.strategy,
      stable: spec.stable,
      next: spec.next,
      phase: "Progressing",
      message: "starting",
      steps: spec.steps,
      stepIndex: 0,
      canaryWeight: 0,
      instances: [],
      analysisRuns: [],
      events: [],
      controllerPid: process.pid,
      startedAt: at,
      updatedAt: at,
    };
  }

  private save(): void {
    this.state.updatedAt = now();
    writeRolloutState(this.p.stateDir, this.state);
  }

  private event(message: string): void {
    this.state.events.push({ at: now(), message });
    this.state.message = message;
    this.p.log(message);
    this.save();
  }

  private split(weight: number): TrafficSplit {
    return { stableVersion: this.spec.stable.version, canaryVersion: this.spec.next.version, canaryWeight: weight };
  }

  private async setWeight(weight: number): Promise<void> {
    const split = this.split(weight);
    writeTrafficSplit(this.p.stateDir, split);
    await this.p.applySplit(split);
    this.state.canaryWeight = weight;
  }

  /** An operator request, if any; abort and rollback end the rollout here. */
  private checkRequests(): RolloutRequest | undefined {
    const r = takeRolloutRequest(this.p.stateDir, this.state.id);
    if (r === "abort" || r === "rollback") throw new Aborted("operator", `${r} requested by an operator`);
    if (r === "promote") this.pendingPromote = true;
    return r;
  }

  private async wait(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      this.checkRequests();
      if (this.pendingPromote) return;
      await sleep(Math.min(this.spec.pollMs ?? 500, Math.max(0, until - Date.now())));
    }
  }

  /** Runs to the end: Healthy (promoted) or Degraded (aborted, traffic back on stable). */
  async run(): Promise<RolloutState> {
    const missing = await this.p.missingMigrations(this.spec.next);
    if (missing.length > 0) {
      this.state.phase = "Degraded";
      this.state.finishedAt = now();
      this.event(`refused: ${this.spec.next.version} needs migrations that are not applied: ${missing.join(", ")}`);
      throw new RolloutRefusedError(this.state.message);
    }
    try {
      await this.setWeight(0);
      const stableCount = (await this.p.members()).filter((m) => m.version === this.spec.stable.version).length;
      const count = this.spec.canaryInstances ?? (this.spec.strategy === "blue-green" ? Math.max(1, stableCount) : 1);
      this.event(`starting ${count} instance(s) of ${this.spec.next.version} (${this.spec.strategy}) at weight 0`);
      const started = await this.p.startInstances(this.spec.next, count);
      this.state.instances.push(...started.map((s) => ({ ...s, version: this.spec.next.version, role: "canary" as const })));
      this.event(`${started.map((s) => s.name).join(", ")} ready`);
      for (; this.state.stepIndex < this.spec.steps.length; this.state.stepIndex++) {
        this.pendingPromote = false;
        await this.runStep(this.spec.steps[this.state.stepIndex]!);
      }
      await this.finish();
    } catch (err) {
      if (err instanceof Aborted) await this.abort(err);
      else {
        await this.abort(new Aborted("analysis", `error: ${err instanceof Error ? err.message : String(err)}`));
        throw err;
      }
    }
    return this.state;
  }

  private async runStep(step: RolloutStep): Promise<void> {
    this.checkRequests();
    if (step.kind === "setWeight") {
      await this.scaleCanary(step.weight);
      await this.setWeight(step.weight);
      this.event(`step ${this.state.stepIndex + 1}: ${this.spec.next.version} at ${step.weight} % of traffic`);
      return;
    }
    if (step.kind === "pause") {
      if (step.ms === undefined) return this.pauseForPerson("paused until promoted");
      this.event(`step ${this.state.stepIndex + 1}: pause ${Math.round(step.ms / 1000)} s`);
      await this.wait(step.ms);
      return;
    }
    const phase = await this.analyse(step.metrics);
    const action = rolloutAction(phase);
    if (action === "abort") throw new Aborted("analysis", `analysis ${phase}: aborting`);
    if (action === "pause") await this.pauseForPerson(`analysis Inconclusive: paused for a person to promote or abort`);
  }

  /**
   * Enough canary instances that none carries more calls than a stable one: with S stable
   * instances at weight w, ceil(S × w / (100 − w)), at least 1 and at most S (at 100 %). Argo
   * Rollouts' `setCanaryScale: matchTrafficWeight` gives ceil(S × w / 100) — one instance at 50 % of
   * two — which doubles each canary instance's load; the latency comparison with stable (and the
   * error rate of an overloaded instance) would then judge the load, not the release. New
   * instances are started (and ready) before the weight moves; a fixed `canaryInstances` in the
   * spec turns this off.
   */
  private async scaleCanary(weight: number): Promise<void> {
    if (this.spec.strategy !== "canary" || this.spec.canaryInstances !== undefined) return;
    const stableCount = (await this.p.members()).filter((m) => m.version === this.spec.stable.version).length;
    const all = Math.max(1, stableCount);
    const want = weight >= 100 ? all : Math.min(all, Math.max(1, Math.ceil((stableCount * weight) / (100 - weight))));
    const have = this.state.instances.filter((i) => i.role === "canary").length;
    if (want <= have) return;
    this.event(`scaling ${this.spec.next.version} to ${want} instance(s) for ${weight} % of traffic`);
    const started = await this.p.startInstances(this.spec.next, want - have);
    this.state.instances.push(...started.map((s) => ({ ...s, version: this.spec.next.version, role: "canary" as const })));
    this.event(`${started.map((s) => s.name).join(", ")} ready`);
  }

  private async pauseForPerson(message: string): Promise<void> {
    this.state.phase = "Paused";
    this.event(message);
    await this.wait(this.spec.pauseTimeoutMs ?? 10 * 60_000);
    if (!this.pendingPromote) throw new Aborted("operator", "pause timed out without a promote");
    this.state.phase = "Progressing";
    this.event("promoted by an operator");
  }

  /** One analysis run over the new version's instances; measurements every metric's interval. */
  private async analyse(metrics: AnalysisMetric[]): Promise<AnalysisPhase> {
    const version = this.spec.next.version;
    const run: AnalysisRunView = {
      step: this.state.stepIndex,
      version,
      startedAt: now(),
      phase: "Running",
      metrics: metrics.map((m) => ({ name: m.name, condition: conditionText(m), phase: "Pending", reason: "", measurements: [] })),
    };
    this.state.analysisRuns.push(run);
    this.event(`step ${this.state.stepIndex + 1}: analysis of ${version} (${metrics.map((m) => m.name).join(", ")})`);
    const results: MetricResult[] = metrics.map(() => emptyResult());
    const addresses = async (v = version) => (await this.p.members()).filter((m) => m.version === v).map((m) => m.address);
    const intervalMs = Math.min(...metrics.map((m) => m.intervalMs));
    const preview = this.state.canaryWeight === 0 && this.p.previewTraffic;
    // The stable version is measured in the same intervals, for the relative latency metric.
    const compare = metrics.some((m) => m.name === "p95-vs-stable");
    const stable = this.spec.stable.version;
    let prev = await this.p.scrape(await addresses());
    const startStable = compare ? await this.p.scrape(await addresses(stable)) : new Map<string, InstanceCounters>();
    // Each metric's own starting point: it moves on only once the canary served enough calls for a
    // measurement (MIN_CALLS), so a thin interval's calls (a canary at 10 % of little traffic)
    // count towards the next measurement instead of being judged alone.
    const since = metrics.map(() => ({ canary: prev, stable: startStable }));
    for (;;) {
      if (preview) await this.p.previewTraffic!(await addresses(), intervalMs);
      else await this.wait(intervalMs);
      if (this.pendingPromote) {
        run.phase = "Successful";
        run.finishedAt = now();
        this.event("analysis skipped: promoted by an operator");
        return "Successful";
      }
      const cur = await this.p.scrape(await addresses());
      const w = windowStats(prev, cur);
      prev = cur;
      const curStable = compare ? await this.p.scrape(await addresses(stable)) : startStable;
      metrics.forEach((m, i) => {
        const view = run.metrics[i]!;
        if (isCompleted(view.phase)) return;
        const span = windowStats(since[i]!.canary, cur, MIN_CALLS);
        if (m.name === "p95-vs-stable") {
          // The stable version's latency over the same span when it served enough calls: at 100 %
          // (or once its instances are gone) the canary is judged against what stable did before.
          const ws = windowStats(since[i]!.stable, curStable, MIN_CALLS);
          if (ws.requests >= MIN_CALLS && ws.p95Seconds !== undefined) this.stableP95 = ws.p95Seconds;
        }
        const enough = span.requests >= MIN_CALLS;
        const value = enough ? valueOf(m, span, this.stableP95) : undefined;
        if (enough) since[i] = { canary: cur, stable: curStable };
        const phase = evaluateMeasurement(m, value);
        results[i] = addMeasurement(results[i]!, phase);
        view.measurements.push({
          at: now(),
          value: value ?? null,
          requests: span.requests,
          phase,
          ...(value === undefined ? { message: `no data: ${span.requests} calls since the last measurement` } : {}),
        });
        const a = assessMetric(m, results[i]!);
        view.phase = a.phase;
        view.reason = a.reason;
      });
      run.phase = assessRun(run.metrics.map((m) => m.phase));
      const last = run.metrics.map((m) => `${m.name}=${fmt(m.name, m.measurements.at(-1)?.value)}`).join(" ");
      this.event(`measurement: ${last} over ${w.requests} calls (${w.serverErrors} server errors) → ${run.phase}`);
      const anyFinalBad = run.metrics.some((m) => m.phase === "Failed" || m.phase === "Error" || m.phase === "Inconclusive");
      if (anyFinalBad || run.metrics.every((m) => isCompleted(m.phase))) {
        run.finishedAt = now();
        this.save();
        return run.phase;
      }
    }
  }

  private async abort(why: Aborted): Promise<void> {
    const decidedAt = Date.now();
    this.event(`aborting (${why.message}): all traffic back to ${this.spec.stable.version}`);
    await this.setWeight(0);
    this.state.rollbackMs = Date.now() - decidedAt;
    this.event(`traffic back on ${this.spec.stable.version} in ${this.state.rollbackMs} ms; draining ${this.spec.next.version}`);
    for (const i of this.state.instances.filter((x) => x.role === "canary")) {
      await this.p.stopInstance(i.name);
      this.event(`${i.name} drained and stopped`);
    }
    this.state.instances = this.state.instances.filter((x) => x.role !== "canary");
    this.state.phase = "Degraded";
    this.state.finishedAt = now();
    this.event(`rolled back: ${this.spec.next.version} aborted by ${why.by}`);
  }

  private async finish(): Promise<void> {
    this.event(`replacing the stable instances with ${this.spec.next.version}, one at a time`);
    await this.p.replaceStable(this.spec.next);
    // Every instance is the new version now: it is the stable one.
    const split: TrafficSplit = { stableVersion: this.spec.next.version, canaryWeight: 0 };
    writeTrafficSplit(this.p.stateDir, split);
    await this.p.applySplit(split);
    for (const i of this.state.instances.filter((x) => x.role === "canary")) {
      await this.p.stopInstance(i.name);
      this.event(`${i.name} drained and stopped (its place taken by the stable instances)`);
    }
    this.state.instances = [];
    this.state.canaryWeight = 100;
    this.state.phase = "Healthy";
    this.state.finishedAt = now();
    this.event(`${this.spec.next.version} is stable`);
  }
}

/**
 * Fewer canary calls than this give no measurement yet: the p95 of n calls is the slowest call's
 * bucket until n reaches 20 (one garbage-collection pause of a fresh instance would fail a healthy
 * release), and one error in 5 calls is 20 %. The calls carry over to the next interval until
 * there are enough.
 */
const MIN_CALLS = 20;
/**
 * Below this a p95 counts as this much when it is the yardstick: 8 ms against 4 ms is "2x" but no
 * shopper can tell, and ratios of a few milliseconds are noise.
 */
const LATENCY_FLOOR_S = 0.1;

function valueOf(m: AnalysisMetric, w: WindowStats, stableP95: number | undefined): number | undefined {
  if (m.name === "error-rate") return w.errorRate;
  if (m.name === "p95-latency") return w.p95Seconds;
  if (w.p95Seconds === undefined || stableP95 === undefined) return undefined;
  return w.p95Seconds / Math.max(stableP95, LATENCY_FLOOR_S);
}

function conditionText(m: AnalysisMetric): string {
  const c = (x: { op: string; value: number } | undefined, label: string) => (x ? `${label}: result ${x.op} ${x.value}` : undefined);
  return [c(m.successCondition, "success"), c(m.failureCondition, "failure"), `count ${m.count}`, `failureLimit ${m.failureLimit}`]
    .filter(Boolean)
    .join(", ");
}

function fmt(name: string, v: number | null | undefined): string {
  if (v === null || v === undefined) return "no data";
  if (name === "error-rate") return `${(v * 100).toFixed(1)}%`;
  if (name === "p95-vs-stable") return `${v.toFixed(2)}x stable`;
  return `${Math.round(v * 1000)}ms`;
}
