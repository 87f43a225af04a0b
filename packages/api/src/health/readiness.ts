import { core } from "@agora/db";
import { isDraining } from "@agora/registry/drain";
import { toTRPCError } from "../data-layer/errors.ts";
import { withTimeout } from "../data-layer/timeout.ts";

export interface ReadinessCheck {
  name: string;
  ok: boolean;
  /** False: reported for operators, but does not make the instance unready. */
  required: boolean;
  /** Why the check failed, in words an operator can act on. */
  reason?: string;
}

export interface Readiness {
  ready: boolean;
  checks: ReadinessCheck[];
}

/**
 * Ready means this instance can serve its traffic: it is not draining and core can be read (the
 * primary or a replica answers). The core primary alone is not required: during a failover every
 * instance loses it at the same moment, and if that made them all unready the gateway would have
 * nowhere to send the catalog, search and product reads that replicas still serve — writes refuse
 * clearly on their own. Shards are not required either: one shard down only makes its vendors
 * unavailable (the catalog reports that per shard).
 */
export async function checkReadiness(opts: { timeoutMs: number }): Promise<Readiness> {
  const [primary, replica] = await Promise.all([
    check("core-primary", opts.timeoutMs, () => core().primary.$queryRaw`select 1`),
    check("core-replica", opts.timeoutMs, () => core().replica.$queryRaw`select 1`),
  ]);
  const checks: ReadinessCheck[] = [
    {
      name: "core-read",
      required: true,
      ok: primary.ok || replica.ok,
      ...(primary.ok || replica.ok ? {} : { reason: `primary: ${primary.reason}; replica: ${replica.reason}` }),
    },
    { ...primary, required: false },
    { ...replica, required: false },
    { name: "not-draining", required: true, ok: !isDraining(), ...(isDraining() ? { reason: "shutting down" } : {}) },
  ];
  return { ready: checks.every((c) => c.ok || !c.required), checks };
}

async function check(
  name: string,
  timeoutMs: number,
  probe: () => Promise<unknown>,
): Promise<Omit<ReadinessCheck, "required">> {
  try {
    await withTimeout(name, timeoutMs, probe());
    return { name, ok: true };
  } catch (err) {
    // A failed probe is the answer here, not an error: it is reported as the reason.
    if (!(err instanceof Error)) throw err;
    // Prefer the classified one-line reason over Prisma's multi-line invocation message.
    return { name, ok: false, reason: toTRPCError(err)?.message ?? err.message };
  }
}
