/**
 * Between scenarios: wait (bounded) until the gateway answers /healthz again several times in a
 * row, so one scenario's overload (instances marked down by HAProxy) is not measured as the next
 * one's result. How long it took is reported with the scenario.
 */
import { setTimeout as sleep } from "node:timers/promises";

export interface Settled {
  ok: boolean;
  waitedMs: number;
}

export async function settle(
  gatewayUrl: string,
  opts: { inARow?: number; everyMs?: number; maxMs?: number } = {},
): Promise<Settled> {
  const inARow = opts.inARow ?? 3;
  const everyMs = opts.everyMs ?? 300;
  const maxMs = opts.maxMs ?? 30_000;
  const t0 = Date.now();
  let good = 0;
  while (Date.now() - t0 < maxMs) {
    const ok = await fetch(new URL("/healthz", gatewayUrl), {
      signal: AbortSignal.timeout(2_000),
    }).then(
      (r) => r.ok,
      () => false,
    );
    good = ok ? good + 1 : 0;
    if (good >= inARow) return { ok: true, waitedMs: Date.now() - t0 };
    await sleep(everyMs);
  }
  return { ok: false, waitedMs: Date.now() - t0 };
}
