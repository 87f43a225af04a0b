/**
 * What a server process does to be discoverable: register (not ready yet), probe its own readiness
 * every few seconds and publish the result, and on SIGTERM drain — publish not ready, wait, revoke
 * the lease — before it exits. Idle cost: one keepalive stream per process and one probe every
 * `probeEveryMs`. If etcd cannot be reached at start, it keeps trying in the background: a process
 * never refuses to serve because the registry is away (its lease is what routes it, not its life).
 */
import { isDraining, markDraining } from "./drain.ts";
import { readinessGate } from "./readiness-gate.ts";
import type { ServiceInstance } from "./record.ts";
import { register, type Registration } from "./registration.ts";

/** Longest a readiness probe or a readiness publish may take before the loop goes on without it. */
const PUBLISH_DEADLINE_MS = 5_000;

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

export interface SelfRegistrationOptions {
  endpoints: string[];
  prefix: string;
  instance: Omit<ServiceInstance, "registeredAt" | "pid" | "ready">;
  /** This instance's own readiness (e.g. its /readyz answering 200). */
  probe: () => Promise<boolean>;
  /** Between probes once ready; while not ready it probes every second. */
  probeEveryMs?: number;
  ttlSeconds?: number;
  /** How long a draining instance stays registered as not ready before its lease is revoked. */
  drainMs?: number;
  /**
   * Calls being handled now: after `drainMs` the drain goes on while this is above 0, up to
   * `maxDrainMs` (30 s), so no call in flight is cut off by the exit.
   */
  busy?: () => number;
  maxDrainMs?: number;
  /** Exit the process after draining on SIGTERM/SIGINT (its own signal handling is then ours). */
  exitOnSignal?: boolean;
  log?: (line: string, err?: Error) => void;
}

export interface SelfRegistration {
  /** Undefined until the first successful registration. */
  registration(): Registration | undefined;
  /** Drains and deregisters (what SIGTERM does, without exiting). */
  stop(): Promise<void>;
}

export function selfRegistration(opts: SelfRegistrationOptions): SelfRegistration {
  const log = opts.log ?? ((line: string, err?: Error) => console.log(`[registry] ${line}${err ? `: ${err.message}` : ""}`));
  const gate = readinessGate({ isDraining });
  let reg: Registration | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  let attempt = 0;
  const slow = opts.probeEveryMs ?? 5_000;

  const tick = async () => {
    if (stopping) return;
    try {
      const ok = await withDeadline(opts.probe(), PUBLISH_DEADLINE_MS, "readiness probe").catch(() => false);
      const ready = gate.observe(ok);
      if (reg && reg.current().ready !== ready) {
        // Bounded: a publish that never settles (etcd half-gone after a pause of this process)
        // must not stop the loop — the instance would stay drained for good. A failed publish
        // leaves the record as it was, so the next tick tries again.
        await withDeadline(reg.setReady(ready), PUBLISH_DEADLINE_MS, "publishing readiness").then(
          () => log(`${reg?.key} ${ready ? "ready" : "not ready"}`),
          (err: Error) => log("publishing readiness failed", err),
        );
      }
    } finally {
      if (!stopping) timer = setTimeout(() => void tick(), gate.ready && reg?.current().ready ? slow : 1_000);
      timer?.unref();
    }
  };

  const connect = async () => {
    while (!stopping && !reg) {
      try {
        reg = await register({
          endpoints: opts.endpoints,
          prefix: opts.prefix,
          instance: { ...opts.instance, ready: gate.ready },
          ttlSeconds: opts.ttlSeconds,
          onError: (err) => log("registry", err),
        });
        log(`registered ${reg.key} at ${opts.instance.address}`);
      } catch (err) {
        attempt += 1;
        const delay = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random() / 2);
        log(`registering failed (attempt ${attempt}); retrying in ${Math.round(delay)} ms`, err as Error);
        await new Promise((r) => setTimeout(r, delay).unref());
      }
    }
  };

  const stop = () =>
    (stopping ??= (async () => {
      markDraining();
      clearTimeout(timer);
      await reg?.deregister({ drainMs: opts.drainMs ?? 1_000, busy: opts.busy, maxDrainMs: opts.maxDrainMs });
    })());

  if (opts.exitOnSignal) {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.once(signal, () => {
        log(`${signal}: draining`);
        stop().then(
          () => process.exit(signal === "SIGTERM" ? 143 : 130),
          (err: Error) => {
            log("deregistering failed; the lease will expire", err);
            process.exit(signal === "SIGTERM" ? 143 : 130);
          },
        );
      });
    }
  }
  void connect().then(() => tick());
  return { registration: () => reg, stop };
}
