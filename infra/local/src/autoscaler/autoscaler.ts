/**
 * The local autoscaler: a loop inside the supervisor that, every `intervalMs`, reads each target's
 * metrics, asks the decision core (`@agora/autoscaling`: the HPA's reconcile, KEDA's activation
 * for pools) how many instances it should run, and acts through the supervisor:
 *
 * - scale-out spawns the next free instance name; a storefront gets traffic only once it has
 *   registered ready (its own /readyz) and the gateway sync routed it: warm-up before traffic;
 * - scale-in retires the highest-numbered instance: the supervisor sends SIGTERM and does not
 *   restart it; the instance drains (registry readiness false, HAProxy `drain`, running requests
 *   or BullMQ jobs finish with `worker.close()`) and exits;
 * - a target with an instance an operator holds down (a chaos kill, a region drill's stopped
 *   region: supervisor/control.ts `holdSupervision`) is left as it is, neither grown back to its
 *   minimum nor scaled, until the hold is released: what KEDA does for a paused ScaledObject.
 *
 * Decisions (time, target, metric values, current → desired, reason) and a sample per tick (for
 * charts) are kept bounded in the supervisor's state file, where the console reads them.
 */
import type { Redis } from "ioredis";
import {
  type ActivationState,
  type AutoscalerMemory,
  EMPTY_MEMORY,
  type MetricReading,
  reconcileHorizontal,
  reconcilePool,
} from "@agora/autoscaling";
import { IN_FLIGHT_METRIC, oldestJobQuery } from "@agora/autoscaling/targets";
import { isOurs, readRegistry } from "../processes/registry.ts";
import { heldProcesses } from "../supervisor/control.ts";
import type { Topology } from "../topology.ts";
import { inFlightByAddress, parseShowStat, type StatRow } from "./haproxy-stat.ts";
import { type CpuReading, cpuMillicores, type HostCpuReading, idleMillicores } from "./proc-cpu.ts";
import { readPoolQueues } from "./queue-metrics.ts";
import { type LocalTarget, POOL_CPU_REQUEST_MILLICORES, type PoolTarget, slotNames, type WebTarget } from "./targets.ts";

/** How the autoscaler changes the number of processes (the supervisor implements it). */
export interface ScaleActuator {
  /** Starts the named instance; false when the name is unknown. */
  spawn(name: string): Promise<boolean>;
  /** SIGTERM and never restart: the instance drains and exits. */
  retire(name: string): void;
}

export interface ScaleDecisionRecord {
  at: string;
  target: string;
  from: number;
  to: number;
  reason: string;
  /** `hpa` or `keda` (pools); web targets are always `hpa`. */
  by: "hpa" | "keda";
  /** The metric values the decision saw (per-instance averages for per-instance metrics). */
  metrics: Record<string, number>;
  proposals: Record<string, number | string>;
}

export interface ScaleSample {
  at: string;
  instances: Record<string, number>;
  /** Requests per second through the storefront backend since the previous sample. */
  rps?: number;
  /** HAProxy's average response time of the storefront backend (last 1024 requests), ms. */
  responseMs?: number;
  /** Oldest waiting job per pool target, seconds. */
  queueAgeSeconds: Record<string, number>;
  /** Waiting jobs per pool target. */
  backlog: Record<string, number>;
}

export interface TargetStatus {
  current: number;
  desired: number;
  min: number;
  max: number;
  instances: string[];
  metrics: Record<string, number>;
  reason: string;
  /** Wanted by the policy but not started: the host had no idle CPU for them (Pending pods). */
  pending?: number;
}

export interface AutoscalerState {
  enabled: boolean;
  intervalMs: number;
  updatedAt: string;
  targets: Record<string, TargetStatus>;
  decisions: ScaleDecisionRecord[];
  samples: ScaleSample[];
}

export const MAX_DECISIONS = 100;
/** An hour at the default 15 s interval. */
export const MAX_SAMPLES = 240;

export interface MetricSources {
  /** `show stat` of each HAProxy instance's runtime API. */
  showStats(): Promise<string[]>;
  redis(): Redis;
  /** CPU ticks of a PID (and its direct children); undefined once gone. */
  ticks(pid: number): number | undefined;
  /** The host's CPU (/proc/stat); without it every instance the policy wants is started. */
  hostCpu?(): HostCpuReading;
}

export interface AutoscalerOptions {
  targets: LocalTarget[];
  actuator: ScaleActuator;
  sources: MetricSources;
  intervalMs?: number;
  enabled?: boolean;
  /** Called with the state after every tick (the supervisor saves it in its state file). */
  onState?: (s: AutoscalerState) => void;
  log?: (line: string) => void;
  now?: () => number;
}

interface Instance {
  name: string;
  k: number;
  pid: number;
  port?: number;
  /** When it was started (ms). */
  startedAt: number;
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * How many of `wanted` new instances the host can take: the scheduler's part of a scale-out. A
 * Kubernetes scheduler places a pod only on a node whose free allocatable CPU covers its request,
 * and leaves the rest Pending; the local box has no reservations, so what is free is what was
 * idle over the last interval. On a saturated host a new Next.js server or worker only adds its
 * start-up to the overload (seen: storefront-3 and -4 and a third saga worker started into a
 * 2-core box at 100 % during a checkout burst, each competing with the requests it was meant to
 * serve). A target with no instance at all always gets one: a sleeping pool with work must wake,
 * however busy the host is. Without a host reading (the first tick) nothing is held back.
 */
export function placeable(opts: {
  current: number;
  wanted: number;
  idleMillicores: number | undefined;
  requestMillicores: number;
}): number {
  const { current, wanted, idleMillicores: idle, requestMillicores } = opts;
  if (wanted <= 0) return 0;
  if (idle === undefined || requestMillicores <= 0) return wanted;
  const fits = Math.floor(idle / requestMillicores);
  return Math.min(wanted, Math.max(fits, current === 0 ? 1 : 0));
}

export class Autoscaler {
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private readonly memory = new Map<string, AutoscalerMemory>();
  private readonly activation = new Map<string, ActivationState>();
  private readonly cpu = new Map<string, CpuReading & { pid: number }>();
  /** Instances we retired and that may still be draining: not counted, not re-used until gone. */
  private readonly retiring = new Map<string, number>();
  /** Instances spawned and not yet seen in the PID registry. */
  private readonly starting = new Map<string, number>();
  private lastStot?: { stot: number; at: number };
  private lastHost?: HostCpuReading;
  /** The host's idle millicores over the last interval, less what this pass already placed. */
  private hostIdle?: number;
  /** Processes an operator holds down, read once per pass. */
  private held = new Set<string>();
  readonly state: AutoscalerState;

  constructor(
    private readonly t: Topology,
    private readonly opts: AutoscalerOptions,
  ) {
    // KEDA's `initialCooldownPeriod`: the loop's start counts as activity, so a pool that `npm
    // start` just launched is not put to sleep while its start-up is still being waited for.
    const startedAt = this.now();
    for (const target of opts.targets) if (target.kind === "pool") this.activation.set(target.name, { lastActiveAt: startedAt });
    this.state = {
      enabled: opts.enabled ?? true,
      intervalMs: opts.intervalMs ?? 15_000,
      updatedAt: new Date().toISOString(),
      targets: {},
      decisions: [],
      samples: [],
    };
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  private log(line: string): void {
    (this.opts.log ?? ((l: string) => process.stdout.write(`${new Date().toISOString()} [autoscaler] ${l}\n`)))(line);
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.state.intervalMs);
    this.timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
  }

  /** Off: metrics are still sampled (for the charts of a run without autoscaling), nothing is changed. */
  setEnabled(enabled: boolean): void {
    this.state.enabled = enabled;
    this.log(`autoscaling ${enabled ? "on" : "off"}`);
    this.opts.onState?.(this.state);
  }

  /** One pass over every target (at most one at a time). */
  tick(): Promise<void> {
    this.ticking ??= this.pass()
      .catch((err: unknown) => this.log(`tick failed: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        this.ticking = undefined;
      });
    return this.ticking;
  }

  /** The running instances of a target, from the PID registry (1-based k parsed from the name). */
  private instances(target: LocalTarget): Instance[] {
    const names = new Map(slotNames(target).map((name, i) => [name, i + 1]));
    const running = readRegistry(this.t.pidFile)
      .filter((r) => names.has(r.name) && isOurs(r))
      .map((r) => ({ name: r.name, k: names.get(r.name)!, pid: r.pid, port: r.port, startedAt: Date.parse(r.startedAt) }));
    for (const [name, pid] of this.retiring)
      if (!running.some((r) => r.name === name && r.pid === pid)) this.retiring.delete(name);
    const at = this.now();
    for (const [name, since] of this.starting)
      if (running.some((r) => r.name === name) || at - since > 120_000) this.starting.delete(name);
    return running.filter((r) => !this.retiring.has(r.name)).sort((a, b) => a.k - b.k);
  }

  /** Instances of the target spawned and not yet in the PID registry. */
  private startingOf(target: LocalTarget, running: Instance[]): string[] {
    const names = slotNames(target);
    return [...this.starting.keys()].filter((n) => names.includes(n) && !running.some((r) => r.name === n));
  }

  private async pass(): Promise<void> {
    const now = this.now();
    this.readHost();
    this.held = heldProcesses(this.t);
    let stats: StatRow[] | undefined;
    try {
      stats = (await this.opts.sources.showStats()).flatMap((csv) => parseShowStat(csv));
    } catch (err) {
      this.log(`HAProxy stats unavailable: ${err instanceof Error ? err.message : String(err)}`);
    }
    const sample: ScaleSample = { at: new Date(now).toISOString(), instances: {}, queueAgeSeconds: {}, backlog: {} };
    for (const target of this.opts.targets) {
      try {
        if (target.kind === "web") await this.web(target, stats, now, sample);
        else await this.pool(target, now, sample);
      } catch (err) {
        this.log(`${target.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    this.state.samples = [...this.state.samples, sample].slice(-MAX_SAMPLES);
    this.state.updatedAt = new Date(now).toISOString();
    this.opts.onState?.(this.state);
  }

  private readHost(): void {
    if (!this.opts.sources.hostCpu) return;
    try {
      const host = this.opts.sources.hostCpu();
      this.hostIdle = this.lastHost ? idleMillicores(this.lastHost, host) : undefined;
      this.lastHost = host;
    } catch (err) {
      this.hostIdle = undefined;
      this.log(`host CPU unavailable: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async web(target: WebTarget, stats: StatRow[] | undefined, now: number, sample: ScaleSample): Promise<void> {
    const running = this.instances(target);
    const starting = this.startingOf(target, running);
    const inFlight = stats ? inFlightByAddress(stats, target.backend) : new Map<string, number>();
    const up = new Set(stats?.filter((r) => r.proxy === target.backend && r.status.startsWith("UP")).map((r) => r.addr) ?? []);
    const cpuSamples = running.map((i) => {
      const ticks = this.opts.sources.ticks(i.pid);
      const prev = this.cpu.get(i.name);
      const reading = ticks === undefined ? undefined : { ticks, at: now, pid: i.pid };
      if (reading) this.cpu.set(i.name, reading);
      const addr = `${this.t.host}:${i.port}`;
      return {
        pod: i.name,
        ready: up.has(addr),
        value: prev && reading && prev.pid === i.pid ? cpuMillicores(prev, reading) : undefined,
        request: target.cpuRequestMillicores,
      };
    });
    const flightSamples = running.map((i) => {
      const addr = `${this.t.host}:${i.port}`;
      return { pod: i.name, ready: up.has(addr), value: inFlight.get(addr) };
    });
    const backendRow = stats?.find((r) => r.proxy === target.backend && r.server === "BACKEND");
    if (backendRow) {
      if (this.lastStot && now > this.lastStot.at)
        sample.rps = round(Math.max(0, backendRow.stot - this.lastStot.stot) / ((now - this.lastStot.at) / 1000));
      this.lastStot = { stot: backendRow.stot, at: now };
      sample.responseMs = backendRow.rtime;
    }
    const readings: Record<string, MetricReading> = {
      cpu: { kind: "per-pod", samples: cpuSamples },
      [IN_FLIGHT_METRIC]: { kind: "per-pod", samples: flightSamples },
    };
    const current = running.length + starting.length;
    const decision = reconcileHorizontal(target.horizontal, this.memory.get(target.name) ?? EMPTY_MEMORY, {
      currentReplicas: current,
      readyPods: cpuSamples.filter((s) => s.ready).length,
      readings,
      now,
    });
    this.memory.set(target.name, decision.memory);
    const mean = (xs: (number | undefined)[]) => {
      const known = xs.filter((x): x is number => x !== undefined);
      return known.length ? round(known.reduce((a, b) => a + b, 0) / known.length) : -1;
    };
    const metrics = {
      cpuMillicores: mean(cpuSamples.map((s) => s.value)),
      inFlightPerInstance: mean(flightSamples.map((s) => s.value)),
      ...(sample.rps !== undefined ? { rps: sample.rps } : {}),
    };
    sample.instances[target.name] = current;
    await this.apply(target, running, current, decision.desiredReplicas, decision.reason, "hpa", metrics, decision.proposals);
  }

  private async pool(target: PoolTarget, now: number, sample: ScaleSample): Promise<void> {
    const running = this.instances(target);
    const starting = this.startingOf(target, running);
    const q = await readPoolQueues(this.opts.sources.redis(), target.queues, now);
    const readings: Record<string, MetricReading> = {
      [oldestJobQuery(target.queues)]: { kind: "total", value: q.oldestWaitingSeconds },
    };
    for (const [key, n] of Object.entries(q.backlog)) readings[key] = { kind: "total", value: n };
    const current = running.length + starting.length;
    // An instance someone just started (npm start, an operator) gets a whole cooldown before the
    // pool is put to sleep: its start counts as activity.
    const activity = this.activation.get(target.name) ?? {};
    const youngest = Math.max(0, ...running.map((i) => i.startedAt).filter(Number.isFinite));
    const state = youngest > (activity.lastActiveAt ?? 0) ? { lastActiveAt: youngest } : activity;
    const decision = reconcilePool(
      target.horizontal,
      target.activation,
      this.memory.get(target.name) ?? EMPTY_MEMORY,
      state,
      { currentReplicas: current, readings, now },
    );
    this.memory.set(target.name, decision.memory);
    this.activation.set(target.name, decision.state);
    const backlog = Object.values(q.backlog).reduce((a, b) => a + b, 0);
    sample.instances[target.name] = current;
    sample.queueAgeSeconds[target.name] = round(q.oldestWaitingSeconds);
    sample.backlog[target.name] = backlog;
    const metrics = { backlog, oldestWaitingSeconds: round(q.oldestWaitingSeconds) };
    await this.apply(target, running, current, decision.desiredReplicas, decision.reason, decision.by, metrics, decision.proposals);
  }

  private async apply(
    target: LocalTarget,
    running: Instance[],
    current: number,
    desired: number,
    reason: string,
    by: "hpa" | "keda",
    metrics: Record<string, number>,
    proposals: Record<string, number | string>,
  ): Promise<void> {
    const held = slotNames(target).filter((n) => this.held.has(n));
    if (held.length > 0) {
      desired = current;
      reason = `held down by an operator (${held.join(", ")}): left as it is until released`;
    }
    const wanted = this.state.enabled ? Math.min(desired, target.slots) : current;
    const request = target.kind === "web" ? target.cpuRequestMillicores : POOL_CPU_REQUEST_MILLICORES;
    const extra = Math.max(0, wanted - current);
    const room = placeable({ current, wanted: extra, idleMillicores: this.hostIdle, requestMillicores: request });
    const pending = extra - room;
    const to = extra > 0 ? current + room : wanted;
    const why = pending > 0 ? `${reason}; ${pending} pending: no idle host CPU for another ${request}m instance` : reason;
    const seen = this.hostIdle === undefined ? metrics : { ...metrics, hostIdleMillicores: Math.round(this.hostIdle) };
    if (this.hostIdle !== undefined && room > 0) this.hostIdle = Math.max(0, this.hostIdle - room * request);
    const previous = this.state.targets[target.name];
    this.state.targets[target.name] = {
      current,
      desired: wanted,
      min: target.kind === "pool" ? target.activation.minReplicaCount : target.horizontal.minReplicas,
      max: target.horizontal.maxReplicas,
      instances: running.map((i) => i.name),
      metrics: seen,
      reason: this.state.enabled ? why : "autoscaling-off",
      ...(pending > 0 ? { pending } : {}),
    };
    if (to !== current || (previous && previous.reason !== why && this.state.enabled)) {
      this.state.decisions = [
        ...this.state.decisions,
        { at: new Date(this.now()).toISOString(), target: target.name, from: current, to, reason: why, by, metrics: seen, proposals },
      ].slice(-MAX_DECISIONS);
    }
    if (to > current) {
      const taken = new Set([...running.map((i) => i.name), ...this.starting.keys(), ...this.retiring.keys()]);
      for (let k = 1, added = 0; k <= target.slots && added < to - current; k++) {
        const name = target.instanceName(k);
        if (taken.has(name)) continue;
        this.log(`${target.name}: ${current} → ${to} (${why}); starting ${name}`);
        this.starting.set(name, this.now());
        if (await this.opts.actuator.spawn(name)) added++;
        else this.starting.delete(name);
      }
    } else if (to < current) {
      // Newest first; a starting instance is not retired (it is counted, and will be seen next tick).
      const victims = [...running].sort((a, b) => b.k - a.k).slice(0, current - to);
      for (const v of victims) {
        this.log(`${target.name}: ${current} → ${to} (${why}); draining ${v.name}`);
        this.retiring.set(v.name, v.pid);
        this.opts.actuator.retire(v.name);
      }
    }
  }
}
