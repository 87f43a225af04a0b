import { core } from "@agora/db";
import { toTRPCError } from "../data-layer/errors.ts";
import { withTimeout } from "../data-layer/timeout.ts";

export interface ReadinessCheck {
  name: string;
  ok: boolean;
  /** Why the check failed, in words an operator can act on. */
  reason?: string;
}

export interface Readiness {
  ready: boolean;
  checks: ReadinessCheck[];
}

/**
 * Ready means the core primary answers: without it nothing can be sold. Shards are not required,
 * since one shard down only makes its vendors unavailable (the catalog reports that per shard).
 */
export async function checkReadiness(opts: { timeoutMs: number }): Promise<Readiness> {
  const checks = await Promise.all([
    check("core-primary", opts.timeoutMs, () => core().primary.$queryRaw`select 1`),
  ]);
  return { ready: checks.every((c) => c.ok), checks };
}

async function check(
  name: string,
  timeoutMs: number,
  probe: () => Promise<unknown>,
): Promise<ReadinessCheck> {
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
