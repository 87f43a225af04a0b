/**
 * Restarts crashed product processes (apps, worker pools, simulators, collector, media origin).
 * It is their parent when it spawned them, so an exit arrives as an event with its code or signal;
 * processes started before it (adopted) are checked by PID every `pollMs`. The edge's redundant
 * instances (HAProxy ×2, nginx CDN ×2; edge/) are adopted the same way and restarted through the
 * launcher. Postgres/Patroni, etcd, Redis and Sentinel are left to their own failover: the chaos
 * suites kill them on purpose.
 */
import type { ChildProcess } from "node:child_process";
import {
  type ServiceSpec,
  appInstances,
  scaledInstanceByName,
  serviceByName,
  services,
  serviceStartSpec,
  waitServiceReady,
} from "../apps.ts";
import { type EdgeProcess, edgeProcesses } from "../edge/edge-processes.ts";
import { isOurs, readRegistry } from "../processes/registry.ts";
import { spawnDetached } from "../processes/spawn.ts";
import type { Topology } from "../topology.ts";
import {
  type ExitRecord,
  heldProcesses,
  type SupervisedProcess,
  type SupervisorState,
  writeSupervisorState,
} from "./control.ts";
import { DEFAULT_RESTART_POLICY, decideRestart, type RestartPolicy } from "./restart-policy.ts";

export interface SupervisorOptions {
  policy?: RestartPolicy;
  /** How often adopted processes (not our children) are checked. */
  pollMs?: number;
  log?: (line: string) => void;
  /** Further processes it may spawn and restart, by name (tests: a stand-in worker pool). */
  resolve?: (name: string) => ServiceSpec | undefined;
}

export class Supervisor {
  private readonly policy: RestartPolicy;
  private readonly state: SupervisorState;
  /** The PID we last saw alive per name, so one death is handled once. */
  private readonly watched = new Map<string, number>();
  private readonly children = new Map<string, ChildProcess>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private poller?: NodeJS.Timeout;
  private stopping = false;
  /** Names the autoscaler stopped (scale-in): their exit is expected, not a crash. */
  private readonly retired = new Set<string>();
  /**
   * The names it may restart, computed once: building the specs walks the bundles' sources
   * (node-entry.ts), far too much work for a poll every two seconds.
   */
  private readonly supervisable: ReadonlySet<string>;
  /** HAProxy and nginx instances: not our children, restarted by the launcher's start. */
  private readonly edge: ReadonlyMap<string, EdgeProcess>;

  constructor(
    private readonly t: Topology,
    private readonly opts: SupervisorOptions = {},
  ) {
    this.policy = opts.policy ?? DEFAULT_RESTART_POLICY;
    this.supervisable = new Set([...services(t), ...appInstances(t)].map((s) => s.name));
    this.edge = new Map(edgeProcesses(t).map((p) => [p.name, p]));
    const now = new Date().toISOString();
    this.state = { pid: process.pid, startedAt: now, updatedAt: now, processes: {} };
  }

  private log(line: string): void {
    (this.opts.log ?? ((l: string) => process.stdout.write(`${new Date().toISOString()} ${l}\n`)))(
      line,
    );
  }

  private entry(name: string): SupervisedProcess {
    return (this.state.processes[name] ??= {
      name,
      state: "running",
      restarts: 0,
      restartTimes: [],
    });
  }

  private save(): void {
    this.state.updatedAt = new Date().toISOString();
    writeSupervisorState(this.t, this.state);
  }

  /** Adopts what already runs, then watches. */
  start(): void {
    this.poll();
    this.poller = setInterval(() => this.poll(), this.opts.pollMs ?? 2000);
    this.save();
  }

  /** Stops supervising (npm stop): nothing is restarted any more; the processes keep running. */
  stop(): void {
    this.stopping = true;
    if (this.poller) clearInterval(this.poller);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.save();
  }

  private isSupervisable(name: string): boolean {
    return (
      this.supervisable.has(name) ||
      scaledInstanceByName(this.t, name) !== undefined ||
      this.opts.resolve?.(name) !== undefined
    );
  }

  /** The autoscaler's state goes into the same state file (the console reads both). */
  setAutoscalerState(state: SupervisorState["autoscaler"]): void {
    this.state.autoscaler = state;
    this.save();
  }

  /**
   * Scale-in: SIGTERM to `name`, which drains and exits; its exit is not restarted. Returns false
   * when it does not run.
   */
  retire(name: string): boolean {
    const rec = readRegistry(this.t.pidFile).find((r) => r.name === name);
    if (!rec || !isOurs(rec)) return false;
    this.retired.add(name);
    this.entry(name).state = "retired";
    this.save();
    process.kill(rec.pid, "SIGTERM");
    return true;
  }

  /** Spawns a known service as our child. False: the name is not a product process. */
  async spawn(name: string): Promise<boolean> {
    const spec = serviceByName(this.t, name) ?? this.opts.resolve?.(name);
    if (!spec) return false;
    this.retired.delete(name);
    const { record, child } = spawnDetached(this.t.pidFile, await serviceStartSpec(this.t, spec));
    this.children.set(name, child);
    this.watched.set(name, record.pid);
    this.entry(name).state = "running";
    child.once("exit", (code, signal) => {
      if (this.children.get(name) !== child) return;
      this.children.delete(name);
      this.exited(name, record.pid, { at: new Date().toISOString(), code, signal });
    });
    this.save();
    return true;
  }

  /** Adopted processes: a watched PID that is no longer ours died while we were not its parent. */
  private poll(): void {
    for (const rec of readRegistry(this.t.pidFile)) {
      const edge = this.edge.get(rec.name);
      if (edge ? rec.kind !== edge.kind : rec.kind !== "app" || !this.isSupervisable(rec.name)) continue;
      if (this.children.has(rec.name)) continue;
      if (isOurs(rec)) {
        this.watched.set(rec.name, rec.pid);
        this.entry(rec.name);
        continue;
      }
      if (this.watched.get(rec.name) === rec.pid) {
        this.exited(rec.name, rec.pid, { at: new Date().toISOString(), code: null, signal: null });
      }
    }
  }

  private exited(name: string, pid: number, exit: ExitRecord): void {
    if (this.stopping || this.watched.get(name) !== pid) return;
    this.watched.delete(name);
    const e = this.entry(name);
    e.lastExit = exit;
    const how = exit.signal ?? (exit.code !== null ? `exit ${exit.code}` : "gone (not our child)");
    if (this.retired.delete(name)) {
      e.state = "retired";
      this.log(`${name} (pid ${pid}) drained and stopped (${how}); scaled in, not restarting`);
      this.save();
      return;
    }
    if (heldProcesses(this.t).has(name)) {
      e.state = "held";
      this.log(`${name} (pid ${pid}) stopped: ${how}; held, not restarting`);
      this.save();
      return;
    }
    const noticed = Date.now();
    const d = decideRestart(this.policy, e.restartTimes, noticed);
    if (d.kind === "give-up") {
      e.state = "gave-up";
      this.log(
        `${name} (pid ${pid}) died: ${how}; ${d.restartsInWindow} restarts in ${this.policy.windowMs / 1000} s — crash loop, giving up`,
      );
      this.save();
      return;
    }
    e.state = "restarting";
    this.log(`${name} (pid ${pid}) died: ${how}; restart ${d.attempt} in ${d.delayMs} ms`);
    this.save();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.restart(name, noticed);
    }, d.delayMs);
    this.timers.add(timer);
  }

  private async restart(name: string, noticed: number): Promise<void> {
    if (this.stopping) return;
    const e = this.entry(name);
    if (heldProcesses(this.t).has(name)) {
      e.state = "held";
      this.save();
      return;
    }
    // Someone (the console's undo, npm start) may have started it meanwhile: adopt that one.
    const rec = readRegistry(this.t.pidFile).find((r) => r.name === name);
    if (rec && isOurs(rec)) {
      this.watched.set(name, rec.pid);
      e.state = "running";
      this.save();
      return;
    }
    e.restarts += 1;
    e.restartTimes = [
      ...e.restartTimes.filter((at) => at > noticed - this.policy.windowMs),
      Date.now(),
    ];
    try {
      const edge = this.edge.get(name);
      if (edge) {
        // Not our child: watched by PID like an adopted process.
        this.watched.set(name, (await edge.start()).pid);
        e.state = "running";
        await edge.waitReady();
      } else {
        await this.spawn(name);
        const spec = serviceByName(this.t, name) ?? this.opts.resolve?.(name);
        if (spec) await waitServiceReady(this.t, spec, 120_000);
      }
      e.lastRestartMs = Date.now() - noticed;
      this.log(`${name} back in ${e.lastRestartMs} ms`);
    } catch (err) {
      // Not ready in time: its exit (if it dies) comes through the child's exit event.
      this.log(
        `${name} restart: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`,
      );
    }
    this.save();
  }
}
