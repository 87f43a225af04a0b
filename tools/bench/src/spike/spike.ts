/**
 * A sale spike through the gateway: ~10× the normal read traffic (catalog home, a category page,
 * a product, a search; the edge cache bypassed, as for a sale's fresh prices and stock) for a
 * bounded time, plus a few shoppers who add to cart and check out (saga jobs on the queues). Runs
 * in one-minute windows and reports each window's rate, p95 and errors next to the instances the
 * autoscaler ran, so a run with and one without autoscaling compare minute by minute.
 * Loopback only; duration, connections and shoppers are capped.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { isOurs, readRegistry } from "@agora/infra-local/processes";
import { readSupervisorState, setAutoscaling } from "@agora/infra-local/supervisor";
import { type ProfileName, topology } from "@agora/infra-local/topology";
import { IdentityPool } from "../identity.ts";
import { catalogFixtures } from "../journeys/catalog-fixtures.ts";
import { type CheckoutResult, runCheckout } from "../journeys/checkout.ts";
import { ShopperClient } from "../journeys/http-client.ts";
import { queryPath } from "../journeys/trpc.ts";
import { runHttpLoad } from "../load/http-load.ts";
import { type Progress, silentProgress } from "../progress.ts";
import { benchTarget } from "../target.ts";

export const SPIKE_LIMITS = { maxDurationS: 900, maxConnections: 64, maxShoppers: 20 } as const;

export interface SpikeOptions {
  profile?: ProfileName;
  durationS: number;
  /** Concurrent connections of the spike (the normal traffic is a tenth of it). */
  connections: number;
  /** Shoppers who add to cart and check out during the spike. */
  shoppers: number;
  /** false: the supervisor's autoscaler only samples during the run (the comparison run). */
  autoscale: boolean;
  windowS?: number;
  progress?: Progress;
}

export interface SpikeWindow {
  /** Seconds since the start of the spike at the window's end. */
  atS: number;
  requests: number;
  rps: number;
  p95Ms: number;
  errors: number;
  /** Instances per autoscaled target at the window's end. */
  instances: Record<string, number>;
}

export interface SpikeResult {
  runId: string;
  startedAt: string;
  finishedAt: string;
  autoscale: boolean;
  connections: number;
  durationS: number;
  loadAverage: number[];
  windows: SpikeWindow[];
  checkout?: Pick<CheckoutResult, "shoppers" | "ready" | "errors">;
}

export class SpikeOptionsError extends Error {
  readonly code = "SPIKE_OPTIONS_INVALID";
}

/** Where the last spike's progress and result are written (the console reads them). */
export const spikeDir = (stateDir: string) => join(stateDir, "spike");

function instances(profile?: ProfileName): Record<string, number> {
  const t = topology(profile);
  const scaled = readSupervisorState(t)?.autoscaler?.targets;
  if (scaled) return Object.fromEntries(Object.entries(scaled).map(([k, v]) => [k, v.current]));
  // No autoscaler: count the running storefront instances.
  const storefront = readRegistry(t.pidFile).filter((r) => /^storefront-\d+$/.test(r.name) && isOurs(r)).length;
  return { storefront };
}

export async function runSpike(opts: SpikeOptions): Promise<SpikeResult> {
  if (!(opts.durationS > 0 && opts.durationS <= SPIKE_LIMITS.maxDurationS))
    throw new SpikeOptionsError(`duration must be 1–${SPIKE_LIMITS.maxDurationS} s`);
  if (!(opts.connections > 0 && opts.connections <= SPIKE_LIMITS.maxConnections))
    throw new SpikeOptionsError(`connections must be 1–${SPIKE_LIMITS.maxConnections}`);
  if (!(opts.shoppers >= 0 && opts.shoppers <= SPIKE_LIMITS.maxShoppers))
    throw new SpikeOptionsError(`shoppers must be 0–${SPIKE_LIMITS.maxShoppers}`);
  const progress = opts.progress ?? silentProgress;
  const t = topology(opts.profile);
  const target = benchTarget(opts.profile);
  if (!/^https?:\/\/127\.\d+\.\d+\.\d+:\d+$/.test(target.gatewayUrl))
    throw new SpikeOptionsError(`the spike only runs against loopback, not ${target.gatewayUrl}`);
  const dir = spikeDir(t.stateDir);
  mkdirSync(dir, { recursive: true });
  const runId = `spike-${Date.now().toString(36)}-${randomBytes(2).toString("hex")}`;
  const windowS = opts.windowS ?? 60;
  const identities = new IdentityPool();
  const result: SpikeResult = {
    runId,
    startedAt: new Date().toISOString(),
    finishedAt: "",
    autoscale: opts.autoscale,
    connections: opts.connections,
    durationS: opts.durationS,
    loadAverage: [],
    windows: [],
  };
  const save = (file: string) => writeFileSync(join(dir, file), JSON.stringify(result, null, 2));

  const switched = await setAutoscaling(t, opts.autoscale);
  if (!switched) progress.step("spike", "no supervisor runs: instances stay as they are");
  try {
    progress.step("spike", `finding catalog fixtures through ${target.gatewayUrl}`);
    const scout = new ShopperClient(target.gatewayUrl, identities.take());
    const f = await catalogFixtures(scout);
    scout.close();
    const paths = [
      queryPath("catalog.home"),
      queryPath("catalog.category", { slug: f.categorySlug, limit: f.pageSize }),
      queryPath("catalog.product", { productId: f.productId }),
      queryPath("search.query", { q: f.searchWord }),
    ];
    const started = Date.now();
    const checkout =
      opts.shoppers > 0
        ? runCheckout(
            { gatewayUrl: target.gatewayUrl, shoppers: opts.shoppers, prepareConcurrency: 2, resyncMs: 1_000, timeoutS: opts.durationS, runId },
            identities,
            silentProgress,
            // A checkout that cannot even start (the database refusing under the spike) is a
            // result of the run, not the end of it.
          ).catch((err: unknown) => ({
            shoppers: opts.shoppers,
            ready: 0,
            errors: { [err instanceof Error ? err.message.slice(0, 140) : String(err)]: 1 },
          }))
        : undefined;
    progress.step("spike", `${opts.connections} connections for ${opts.durationS} s (autoscaling ${opts.autoscale ? "on" : "off"})`);
    while (Date.now() - started < opts.durationS * 1000) {
      const left = opts.durationS - (Date.now() - started) / 1000;
      const r = await runHttpLoad({
        url: target.gatewayUrl,
        paths,
        // A sale's pages carry fresh prices and stock: the storefronts answer, not the edge cache.
        headers: { "cache-control": "no-cache" },
        connections: opts.connections,
        durationS: Math.max(1, Math.min(windowS, Math.round(left))),
        maxRequests: 2_000_000,
        requestsPerClient: 50,
        nextClientHeaders: () => identities.take().headers,
        nextLocalAddress: identities.nextLocalAddress(),
      });
      const w: SpikeWindow = {
        atS: Math.round((Date.now() - started) / 1000),
        requests: r.requests,
        rps: Math.round(r.rps),
        p95Ms: Math.round(r.p95Ms),
        errors: r.errors + r.non2xx,
        instances: instances(opts.profile),
      };
      result.windows.push(w);
      save("progress.json");
      progress.tick(
        `${w.atS}/${opts.durationS} s · ${w.rps} req/s · p95 ${w.p95Ms} ms · ${w.errors} errors · instances ${JSON.stringify(w.instances)}`,
      );
    }
    if (checkout) {
      const c = await checkout;
      result.checkout = { shoppers: c.shoppers, ready: c.ready, errors: c.errors };
    }
  } finally {
    // The supervisor's default is on: a comparison run leaves it as it found it.
    if (switched && !opts.autoscale) await setAutoscaling(t, true);
    result.finishedAt = new Date().toISOString();
    result.loadAverage = (await import("node:os")).loadavg().map((l) => Math.round(l * 100) / 100);
    save("latest.json");
  }
  progress.done(`${result.windows.length} windows`);
  return result;
}

/** The per-window table the CLI prints and docs/performance.md shows. */
export function formatSpike(r: SpikeResult): string {
  const targets = [...new Set(r.windows.flatMap((w) => Object.keys(w.instances)))].filter((k) => k === "storefront" || k === "workers-sagas");
  const head = `| t (s) | req/s | p95 ms | errors | ${targets.map((k) => `${k} instances`).join(" | ")} |`;
  const rule = `|${"---|".repeat(4 + targets.length)}`;
  const rows = r.windows.map(
    (w) => `| ${w.atS} | ${w.rps} | ${w.p95Ms} | ${w.errors} | ${targets.map((k) => w.instances[k] ?? "–").join(" | ")} |`,
  );
  const checkout = r.checkout ? `\ncheckouts: ${r.checkout.ready}/${r.checkout.shoppers} ready${Object.keys(r.checkout.errors).length ? `, errors ${JSON.stringify(r.checkout.errors)}` : ""}` : "";
  return [`autoscaling ${r.autoscale ? "on" : "off"} · ${r.connections} connections · load average ${r.loadAverage.join(" ")}`, head, rule, ...rows].join("\n") + checkout;
}
