/** Runs the selected scenarios in table order and turns their measurements into a `BenchRun`. */
import { randomBytes } from "node:crypto";
import { availableParallelism, loadavg } from "node:os";
import { IDENTITY_MECHANISM, IdentityPool } from "./identity.ts";
import { catalogFixtures, type CatalogFixtures } from "./journeys/catalog-fixtures.ts";
import { ShopperClient } from "./journeys/http-client.ts";
import { settle } from "./load/settle.ts";
import type { BenchPlan } from "./plan.ts";
import type { Progress } from "./progress.ts";
import type { BenchRun, ScenarioResult } from "./report/result.ts";
import { NO_TRAFFIC } from "./report/result.ts";
import { evaluateTargets } from "./report/targets.ts";
import type { Measured, Scenario } from "./scenarios.ts";
import type { BenchTarget } from "./target.ts";

export interface RunOptions {
  plan: BenchPlan;
  scenarios: readonly Scenario[];
  product?: BenchTarget;
  progress: Progress;
}

/** A scenario's row: its measurement, its share of the ceiling, its target verdicts. */
export function toResult(s: Scenario, m: Measured, ceilingRps: number | null): ScenarioResult {
  const r: ScenarioResult = {
    name: s.name,
    title: s.title,
    ...m,
    ratioToCeiling: s.comparesToCeiling && ceilingRps ? m.rps / ceilingRps : null,
    targets: [],
  };
  r.targets = evaluateTargets(r, s.targets);
  return r;
}

/** The row of a scenario that could not run: counted as an error, the reason in its notes. */
export function failedResult(s: Scenario, err: unknown, ceilingRps: number | null): ScenarioResult {
  return toResult(
    s,
    {
      ...NO_TRAFFIC,
      durationS: 0,
      errors: 1,
      notes: [`did not run: ${err instanceof Error ? err.message : String(err)}`],
    },
    ceilingRps,
  );
}

export async function runBench(opts: RunOptions): Promise<BenchRun> {
  const at = new Date().toISOString();
  const runId = `${at.slice(0, 19).replace(/[-:T]/g, "")}-${randomBytes(3).toString("hex")}`;
  const identities = new IdentityPool();
  let fixtures: Promise<CatalogFixtures> | undefined;
  const ctx = {
    plan: opts.plan,
    identities,
    progress: opts.progress,
    runId,
    ...(opts.product ? { product: opts.product } : {}),
    fixtures: () => {
      if (!opts.product)
        return Promise.reject(new Error("catalog fixtures need the running product"));
      fixtures ??= (async () => {
        const c = new ShopperClient(opts.product!.gatewayUrl, identities.take());
        try {
          return await catalogFixtures(c);
        } finally {
          c.close();
        }
      })();
      return fixtures;
    },
  };
  const host = { cpus: availableParallelism(), loadAvg1m: loadavg()[0] ?? 0 };
  const results: ScenarioResult[] = [];
  let ceiling: number | null = null;
  for (const s of opts.scenarios) {
    opts.progress.step(s.name, s.title);
    try {
      const settled =
        s.needsProduct && opts.product
          ? await settle(s.healthBase?.(opts.product) ?? opts.product.gatewayUrl)
          : undefined;
      const m = await s.run(ctx);
      if (settled && !settled.ok)
        m.notes.unshift(
          `${s.healthBase ? "its server" : "the gateway"} was still unhealthy after ${Math.round(settled.waitedMs / 1000)} s of waiting before this scenario`,
        );
      else if (settled && settled.waitedMs > 3_000)
        m.notes.unshift(
          `waited ${Math.round(settled.waitedMs / 1000)} s for ${s.healthBase ? "its server" : "the gateway"} to answer healthy before this scenario`,
        );
      if (s.name === "node-hello") ceiling = m.rps;
      const r = toResult(s, m, ceiling);
      results.push(r);
      opts.progress.done(
        r.idle
          ? `${r.idle.cores.toFixed(3)} core`
          : `${Math.round(r.rps)} rps, p95 ${r.p95Ms?.toFixed(1) ?? "–"} ms`,
      );
    } catch (err) {
      results.push(failedResult(s, err, ceiling));
      opts.progress.done(`failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return {
    at,
    mode: opts.plan.mode,
    gateway: opts.product?.gatewayUrl ?? "(none)",
    identity: IDENTITY_MECHANISM,
    host,
    results,
  };
}
