/**
 * Keeps HAProxy's registry-routed backends equal to the service registry: watches every service
 * under the topology's prefix in etcd and, on each change (and every `resyncMs`, which also
 * repairs a restarted HAProxy), applies `planBackend` per backend through the runtime API. No
 * reload ever: membership is `set server … addr/state`. After applying, it saves `show servers
 * state` to HAProxy's server-state-file, so a restart (config change) starts from the same state.
 * Every HAProxy instance gets the same membership through its own runtime socket; an instance that
 * is down is skipped and caught up by the resync once it is back.
 *
 * Runs inside the supervisor (one long-lived process already there): one watch stream and a
 * socket command per backend every `resyncMs` when nothing changes.
 */
import { registryClient, type ServiceInstance, watchServices, type ServiceWatch } from "@agora/registry";
import { etcdEndpoints } from "../config/etcd.ts";
import { GATEWAY_BACKENDS, type GatewayService, runtimeSocketOf } from "../config/haproxy.ts";
import { etcdClientTlsFiles } from "../security/tls-files.ts";
import { type HaproxyInstance, PRIMARY_REGION, type Topology } from "../topology.ts";
import { planBackend } from "./membership-plan.ts";
import { runtimeCommand, saveServerState, serversState } from "./runtime-api.ts";

export interface GatewaySyncOptions {
  /** Services and their backends (default GATEWAY_BACKENDS). */
  backends?: Partial<Record<string, { backend: string }>>;
  resyncMs?: number;
  log?: (line: string) => void;
  /** etcd endpoints and prefix; default the topology's. */
  etcd?: { endpoints: string[]; prefix: string };
  /** Per-instance weights of a service (a rollout's traffic split); undefined: weights untouched. */
  weights?: (service: string, members: ServiceInstance[]) => ((i: ServiceInstance) => number) | undefined;
}

export class GatewaySync {
  private watch?: ServiceWatch;
  private client?: ReturnType<typeof registryClient>;
  private members: ServiceInstance[] = [];
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private again = false;
  private busy = false;
  private stopped = false;
  private lastProblem = "";
  private readonly backends: Record<string, { backend: string }>;
  /** Commands sent since start (tests and the log read it). */
  applied = 0;

  constructor(
    private readonly t: Topology,
    private readonly opts: GatewaySyncOptions = {},
  ) {
    this.backends = Object.fromEntries(
      Object.entries(opts.backends ?? GATEWAY_BACKENDS).filter((e): e is [string, { backend: string }] => e[1] !== undefined),
    );
  }

  private log(line: string): void {
    (this.opts.log ?? ((l: string) => process.stdout.write(`${new Date().toISOString()} [gateway-sync] ${l}\n`)))(line);
  }

  async start(): Promise<void> {
    const etcd = this.opts.etcd ?? {
      endpoints: etcdEndpoints(this.t),
      prefix: this.t.profile.namespace,
    };
    // Mutual TLS with the topology's client pair: this process's environment need not carry it.
    this.client = registryClient(etcd.endpoints, undefined, etcdClientTlsFiles(this.t));
    this.watch = await watchServices({
      endpoints: etcd.endpoints,
      client: this.client,
      prefix: etcd.prefix,
      onChange: (members) => {
        this.members = members;
        this.kick();
      },
      onError: (err) => this.log(`registry: ${err.message}`),
    });
    this.timer = setInterval(() => this.kick(), this.opts.resyncMs ?? 10_000);
    this.timer.unref();
    this.kick();
    await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    const watch = this.watch;
    this.watch = undefined;
    await watch?.close();
    this.client?.close();
    this.client = undefined;
  }

  /** Settles when every change seen so far has been applied. */
  async settled(): Promise<void> {
    while (this.busy || this.again) await this.running;
  }

  /** One apply at a time; changes arriving meanwhile fold into one more pass. */
  private kick(): void {
    if (this.stopped) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    this.running = (async () => {
      do {
        this.again = false;
        await this.apply().catch((err: Error) => this.problem(err.message));
      } while (this.again && !this.stopped);
      this.busy = false;
    })();
  }

  private problem(message: string): void {
    // A down HAProxy is retried every resync; say so once, not every 10 s.
    if (message !== this.lastProblem) this.log(message);
    this.lastProblem = message;
  }

  private async apply(): Promise<void> {
    const problems: string[] = [];
    for (const instance of this.t.haproxyInstances) {
      await this.applyTo(instance, problems).catch((err: Error) => problems.push(`${instance.name}: ${err.message}`));
    }
    if (problems.length > 0) this.problem(problems.join("; "));
    else this.lastProblem = "";
  }

  private async applyTo(instance: HaproxyInstance, problems: string[]): Promise<void> {
    const socket = runtimeSocketOf(instance);
    const slots = await serversState(socket);
    let changed = false;
    for (const [service, { backend }] of Object.entries(this.backends)) {
      const mine = slots.filter((s) => s.backend === backend);
      if (mine.length === 0) continue;
      // This edge routes its own region's instances only (a us storefront registers in the same
      // registry; sending eu shoppers across the link is the global edge's call, not this one's).
      const members = this.members.filter((m) => m.service === service && m.region === PRIMARY_REGION);
      const plan = planBackend(backend, mine, members, this.opts.weights?.(service, members));
      for (const cmd of plan.commands) {
        const answer = (await runtimeCommand(socket, cmd)).trim();
        this.applied++;
        changed = true;
        // `set server … addr` answers with what it changed; anything else non-empty is a refusal.
        if (answer && !/changed from|no need to change/.test(answer)) problems.push(`${cmd}: ${answer}`);
      }
      if (plan.commands.length > 0)
        this.log(`${instance.name} ${backend}: ${plan.commands.join("; ")}${plan.failOpen ? " (no instance ready: all routed, failing open)" : ""}`);
      if (plan.unplaced.length > 0)
        problems.push(`${backend}: no free server slot for ${plan.unplaced.join(", ")} (raise GATEWAY_BACKENDS.${service as GatewayService}.slots)`);
    }
    if (changed) await saveServerState(instance, socket);
  }
}
