/**
 * Fault injection for chaos drills: extra latency, a random error rate and a full outage, scoped
 * to the payment API, the carrier API or both. Admin, health and metrics routes are never
 * faulted, so a drill can always see and undo what it injected.
 */
import { z } from "zod";
import { delay, type Scheduler } from "./clock.ts";
import type { HttpResult } from "./http/router.ts";

export const faultScopes = ["payments", "carrier", "all"] as const;
export type FaultScope = (typeof faultScopes)[number];

export const faultConfigSchema = z.strictObject({
  latencyMs: z.number().int().min(0).max(120_000).default(0),
  latencyJitterMs: z.number().int().min(0).max(60_000).default(0),
  /** Share of calls answered with 503 before they reach the handler (nothing executes). */
  errorRate: z.number().min(0).max(1).default(0),
  outage: z.boolean().default(false),
  /** `unavailable` answers 503; `reset` destroys the socket, like a dead load balancer. */
  outageMode: z.enum(["unavailable", "reset"]).default("unavailable"),
  scope: z.enum(faultScopes).default("all"),
});

export type FaultConfig = z.infer<typeof faultConfigSchema>;

/** PaySwift's own knobs: the same faults, always over all of PaySwift's routes. */
export const payswiftFaultConfigSchema = faultConfigSchema
  .omit({ scope: true })
  .transform((c): FaultConfig => ({ ...c, scope: "all" }));

export const NO_FAULTS: FaultConfig = faultConfigSchema.parse({});

/** What the injector decided for one request. */
export type FaultOutcome =
  { kind: "pass" } | { kind: "reset" } | { kind: "respond"; result: HttpResult };

export class FaultInjector {
  private config: FaultConfig = NO_FAULTS;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly random: () => number,
  ) {}

  get current(): FaultConfig {
    return this.config;
  }

  set(config: FaultConfig): void {
    this.config = config;
  }

  reset(): void {
    this.config = NO_FAULTS;
  }

  /** True when any fault is set (whatever the scope); exported as a metric. */
  get active(): boolean {
    const c = this.config;
    return c.outage || c.errorRate > 0 || c.latencyMs > 0 || c.latencyJitterMs > 0;
  }

  covers(scope: Exclude<FaultScope, "all">): boolean {
    return this.config.scope === "all" || this.config.scope === scope;
  }

  /** Applies latency first (a slow provider is also slow to fail), then outage, then error rate. */
  async apply(scope: Exclude<FaultScope, "all">, signal: AbortSignal): Promise<FaultOutcome> {
    if (!this.covers(scope)) return { kind: "pass" };
    const { latencyMs, latencyJitterMs } = this.config;
    const wait = latencyMs + Math.floor(this.random() * latencyJitterMs);
    if (wait > 0) await delay(this.scheduler, wait, signal);
    // Re-read after the wait: a drill may have cleared the fault meanwhile.
    const c = this.config;
    if (!this.covers(scope)) return { kind: "pass" };
    if (c.outage) {
      if (c.outageMode === "reset") return { kind: "reset" };
      return unavailable("outage", `injected outage (scope ${c.scope})`);
    }
    if (c.errorRate > 0 && this.random() < c.errorRate) {
      return unavailable("injected_error", `injected error (rate ${c.errorRate})`);
    }
    return { kind: "pass" };
  }
}

function unavailable(code: string, message: string): FaultOutcome {
  return {
    kind: "respond",
    result: { status: 503, body: { code, message }, headers: { "Retry-After": "1" } },
  };
}
