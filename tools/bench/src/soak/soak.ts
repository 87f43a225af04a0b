/**
 * The soak: a steady, bounded mixed load through the gateway (cached catalog reads at a fixed
 * rate, checkouts at a slow steady rate) for a number of minutes, while every product process's
 * RSS and CPU ticks are read from /proc at a fixed interval. A warm-up under the same load comes
 * first and is not counted: caches, JIT and connection pools fill there, not in the figures.
 * Loopback only; bounded in minutes (plan.ts SOAK_MAX_MINUTES), rate, requests and checkouts in flight.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { IdentityPool } from "../identity.ts";
import { productProcesses, type Sample, sample, usageBetween } from "../idle/proc-sampler.ts";
import type { CatalogFixtures } from "../journeys/catalog-fixtures.ts";
import { queryPath } from "../journeys/trpc.ts";
import { type HttpLoadResult, runHttpLoad } from "../load/http-load.ts";
import type { SoakShape } from "../plan.ts";
import type { Progress } from "../progress.ts";
import { countCheckouts } from "../release/checkout-outcomes.ts";
import type { SoakUsage } from "../report/result.ts";
import type { BenchTarget } from "../target.ts";
import { formatGrowthPct } from "../report/table.ts";
import { growthPct, rssByName, rssGrowth, totalRssMb } from "./rss-growth.ts";
import { startSteadyOrders } from "./steady-orders.ts";

export class SoakTargetError extends Error {
  readonly code = "SOAK_TARGET_INVALID";
}

export interface SoakSpec {
  shape: SoakShape;
  target: BenchTarget;
  fixtures: CatalogFixtures;
  identities: IdentityPool;
  /** A read connection plays one client for this many requests, then the next. */
  requestsPerClient: number;
  /** Resync read interval while a shopper follows an order. */
  resyncMs: number;
  growthLimitPct: number;
  runId: string;
  progress: Progress;
}

export interface SoakResult {
  /** The reads of the measured part (the warm-up's are not in it). */
  reads: HttpLoadResult;
  warmupReads: number;
  /** Shoppers signed up over the whole soak, warm-up included. */
  accounts: number;
  /** What the product answered to checkouts that did not end ready, the first few. */
  orderErrors: string[];
  usage: SoakUsage;
}

/** The cached catalog reads every read connection cycles through. */
export function soakPaths(f: CatalogFixtures): string[] {
  return [
    queryPath("catalog.home"),
    queryPath("catalog.product", { productId: f.productId }),
    queryPath("search.query", { q: f.searchWord }),
  ];
}

export async function runSoak(spec: SoakSpec): Promise<SoakResult> {
  const { shape, target, progress } = spec;
  if (!/^https?:\/\/(127\.\d+\.\d+\.\d+|localhost):\d+$/.test(target.gatewayUrl))
    throw new SoakTargetError(`the soak only runs against loopback, not ${target.gatewayUrl}`);
  const processes = () => productProcesses(target.pidFile, target.postmasterPidFiles);
  if (processes().size === 0)
    throw new SoakTargetError(
      `no running product process is registered in ${target.pidFile} (is \`npm start\` running?)`,
    );

  const measuredS = shape.minutes * 60;
  progress.tick("picking stock and signing up the first shopper");
  const orders = await startSteadyOrders(
    {
      gatewayUrl: target.gatewayUrl,
      runId: spec.runId,
      secondsPerOrder: shape.secondsPerOrder,
      maxInFlight: shape.maxOrdersInFlight,
      resyncMs: spec.resyncMs,
      durationS: shape.warmupS + measuredS,
    },
    spec.identities,
  );
  const samples: { atMs: number; rss: Map<string, number>; raw: Sample }[] = [];
  let phase = "warm-up";
  const ready = () => orders.events.filter((e) => e.outcome === "ready").length;
  const rssNote = () => {
    const first = samples[0];
    const last = samples.at(-1);
    if (!first || !last) return "";
    const [a, b] = [totalRssMb(first.rss), totalRssMb(last.rss)];
    return ` · RSS ${(b / 1024).toFixed(2)} GB (${formatGrowthPct(growthPct(a, b))})`;
  };
  // The read load's own ticks ("N responses"), with the phase, the orders and the memory beside them.
  const loadProgress: Progress = {
    step() {},
    done() {},
    tick: (d) => progress.tick(`${phase} · ${d} · ${ready()} orders ready${rssNote()}`),
  };
  const reads = (durationS: number) =>
    runHttpLoad(
      {
        url: target.gatewayUrl,
        paths: soakPaths(spec.fixtures),
        connections: shape.readConnections,
        overallRate: shape.readsPerSecond,
        durationS,
        maxRequests: Math.ceil(shape.readsPerSecond * durationS * 1.1) + 10,
        requestsPerClient: spec.requestsPerClient,
        nextClientHeaders: () => spec.identities.take().headers,
        nextLocalAddress: spec.identities.nextLocalAddress(),
      },
      loadProgress,
    );

  try {
    const warmup = await reads(shape.warmupS);
    phase = `measured (${shape.minutes} min)`;
    const t0 = Date.now();
    const take = () => {
      const raw = sample(processes());
      samples.push({ atMs: Date.now() - t0, rss: rssByName(raw), raw });
    };
    take();
    const end = t0 + measuredS * 1000;
    let loadDone = false;
    const sampling = (async () => {
      for (let k = 1; ; k++) {
        const at = t0 + k * shape.sampleEveryS * 1000;
        if (at >= end) return;
        while (Date.now() < at && !loadDone) await sleep(Math.min(1_000, at - Date.now()));
        if (loadDone) return;
        take();
      }
    })();
    const measured = await reads(measuredS).finally(() => {
      loadDone = true;
    });
    await sampling;
    take();
    const windowMs = Date.now() - t0;
    const first = samples[0] as (typeof samples)[number];
    const last = samples.at(-1) as (typeof samples)[number];
    const cpu = new Map(
      usageBetween(first.raw, last.raw, windowMs).map((u) => [u.name, u.cpuSeconds]),
    );

    // Checkouts still under way at the end finish and count (bounded by the order-ready bound).
    phase = "finishing the checkouts under way";
    progress.tick(phase);
    orders.stop();
    await orders.done;
    const counted = orders.events.filter((e) => e.at >= t0);
    const outcome = { ready: 0, failed: 0, outOfStock: 0, errors: [] as string[] };
    countCheckouts(outcome, counted);
    return {
      reads: measured,
      warmupReads: warmup.requests,
      accounts: orders.accounts(),
      orderErrors: outcome.errors.slice(0, 3),
      usage: {
        warmupS: shape.warmupS,
        sampleEveryS: shape.sampleEveryS,
        atS: samples.map((s) => Math.round(s.atMs / 1000)),
        growthLimitPct: spec.growthLimitPct,
        rssMbStart: totalRssMb(first.rss),
        rssMbEnd: totalRssMb(last.rss),
        rssMbMax: Math.max(...samples.map((s) => totalRssMb(s.rss))),
        orders: {
          ready: outcome.ready,
          failed: outcome.failed,
          outOfStock: outcome.outOfStock,
          skipped: orders.skippedAt.filter((at) => at >= t0).length,
        },
        processes: rssGrowth(
          samples.map((s) => s.rss),
          spec.growthLimitPct,
          cpu,
        ),
      },
    };
  } finally {
    orders.stop();
    await orders.done;
  }
}

/** The soak's counts and memory in words, for the notes under the table. */
export function soakNotes(shape: SoakShape, r: SoakResult): string[] {
  const u = r.usage;
  const o = u.orders;
  const grew = u.processes
    .filter((p) => p.grew)
    .map((p) => `${p.name} ${formatGrowthPct(p.growthPct)}`);
  const late = u.processes.filter((p) => p.rssMb[0] === null).map((p) => p.name);
  const gone = u.processes.filter((p) => p.rssMb.at(-1) === null).map((p) => p.name);
  return [
    `${r.reads.requests} cached reads (catalog.home, catalog.product, search.query) at ≤ ${shape.readsPerSecond}/s over ${shape.readConnections} connections; the ${u.warmupS} s warm-up before (${r.warmupReads} reads) not counted`,
    `checkouts, one started every ${shape.secondsPerOrder} s: ${o.ready} orders ready, ${o.failed} failed, ${o.outOfStock} refused out_of_stock (the stock picked up front ran out: the product's correct answer, not an error)${o.skipped ? `, ${o.skipped} ${o.skipped === 1 ? "start" : "starts"} skipped (${shape.maxOrdersInFlight} checkouts still under way)` : ""}; ${r.accounts} shoppers signed up`,
    `whole product RSS ${(u.rssMbStart / 1024).toFixed(2)} GB → ${(u.rssMbEnd / 1024).toFixed(2)} GB (${formatGrowthPct(growthPct(u.rssMbStart, u.rssMbEnd))}), ${u.atS.length} samples every ${u.sampleEveryS} s`,
    grew.length
      ? `grew > ${u.growthLimitPct} % (end over start RSS): ${grew.join(", ")}`
      : `no process grew > ${u.growthLimitPct} % (end over start RSS)`,
    ...(late.length ? [`not running at the first sample (not judged): ${late.join(", ")}`] : []),
    ...(gone.length ? [`not running at the last sample (not judged): ${gone.join(", ")}`] : []),
  ];
}
