/**
 * THE bench: one row per scenario, run in this order. Each says what it loads, how (the plan's
 * shape for its kind) and which targets it is held to. A scenario that needs the running product
 * says so; `node-hello` alone runs anywhere (the quick-mode test uses it).
 */
import type { IdentityPool } from "./identity.ts";
import { measureIdle } from "./idle/idle-window.ts";
import { cpuWindow } from "./idle/proc-sampler.ts";
import { runCheckout } from "./journeys/checkout.ts";
import {
  connectionPeakNotes,
  statementsPerUnitNotes,
  statementsWindow,
} from "./journeys/statements.ts";
import { type CatalogFixtures, buyableItems } from "./journeys/catalog-fixtures.ts";
import { ShopperClient } from "./journeys/http-client.ts";
import { shopperEmail, signUpAndIn } from "./journeys/shopper.ts";
import { mutationBody, queryPath, TRPC_BASE } from "./journeys/trpc.ts";
import { type HttpLoadResult, type HttpLoadSpec, runHttpLoad } from "./load/http-load.ts";
import { startHelloServer } from "./load/node-hello.ts";
import { FIRST_RANGE, measureVideoStart, placeBenchVideo } from "./media/video-start.ts";
import type { BenchPlan, LoadShape } from "./plan.ts";
import type { Progress } from "./progress.ts";
import type { ProcessUsage, ScenarioResult } from "./report/result.ts";
import { NO_TRAFFIC } from "./report/result.ts";
import { summarise } from "./report/stats.ts";
import { SOAK_RSS_GROWTH_LIMIT_PCT, type Target, TARGETS } from "./report/targets.ts";
import { runSoak, soakNotes } from "./soak/soak.ts";
import type { BenchTarget } from "./target.ts";

export interface ScenarioContext {
  plan: BenchPlan;
  identities: IdentityPool;
  progress: Progress;
  runId: string;
  /** The running product; absent when only product-free scenarios run. */
  product?: BenchTarget;
  fixtures(): Promise<CatalogFixtures>;
}

/** A result before the table adds the ceiling ratio and the target verdicts. */
export type Measured = Omit<ScenarioResult, "name" | "title" | "ratioToCeiling" | "targets">;

export interface Scenario {
  name: string;
  title: string;
  needsProduct: boolean;
  /** Whether "× ceiling" means something for it (HTTP loads). */
  comparesToCeiling: boolean;
  targets: readonly Target[];
  /** Whose `/healthz` must answer before it runs (default: the storefront gateway). */
  healthBase?: (product: BenchTarget) => string;
  /** Runs only when `--only` names it (it takes minutes, not seconds). */
  onlyWhenNamed?: boolean;
  run(ctx: ScenarioContext): Promise<Measured>;
}

function product(ctx: ScenarioContext): BenchTarget {
  if (!ctx.product) throw new Error("this scenario needs the running product");
  return ctx.product;
}

function fromLoad(shape: LoadShape, r: HttpLoadResult, notes: string[] = []): Measured {
  const odd = Object.entries(r.byStatus).filter(([s]) => !s.startsWith("2"));
  return {
    concurrency: shape.connections,
    durationS: Math.round(r.elapsedMs / 100) / 10,
    requests: r.requests,
    rps: r.rps,
    p50Ms: r.p50Ms,
    p95Ms: r.p95Ms,
    p99Ms: r.p99Ms,
    non2xx: r.non2xx,
    errors: r.errors,
    notes: odd.length
      ? [...notes, `statuses: ${odd.map(([s, n]) => `${s}×${n}`).join(", ")}`]
      : notes,
  };
}

/** An anonymous HTTP load through the gateway, each simulated client with its own identity. */
function gatewayLoad(
  ctx: ScenarioContext,
  shape: LoadShape,
  paths: string[],
  extra: Partial<HttpLoadSpec> = {},
): Promise<HttpLoadResult> {
  return runHttpLoad(
    {
      url: product(ctx).gatewayUrl,
      paths,
      ...shape,
      requestsPerClient: ctx.plan.requestsPerClient,
      nextClientHeaders: () => ctx.identities.take().headers,
      nextLocalAddress: ctx.identities.nextLocalAddress(),
      ...extra,
    },
    ctx.progress,
  );
}

/** Asks the edge for a fresh answer: the request reaches a storefront, the edge cache bypassed. */
const BYPASS_EDGE = { headers: { "cache-control": "no-cache" } };

function apiRead(
  name: string,
  title: string,
  targets: readonly Target[],
  paths: (f: CatalogFixtures) => string[],
  extra: Partial<HttpLoadSpec> = {},
): Scenario {
  return {
    name,
    title,
    needsProduct: true,
    comparesToCeiling: true,
    targets,
    async run(ctx) {
      const f = await ctx.fixtures();
      return fromLoad(ctx.plan.reads, await gatewayLoad(ctx, ctx.plan.reads, paths(f), extra));
    },
  };
}

function htmlPage(
  name: string,
  title: string,
  path: (f: CatalogFixtures) => string,
  extra: { headers?: Record<string, string> } = {},
): Scenario {
  return {
    name,
    title,
    needsProduct: true,
    comparesToCeiling: true,
    targets: [TARGETS.storefrontHtml, TARGETS.noErrors],
    async run(ctx) {
      const f = await ctx.fixtures();
      const r = await gatewayLoad(ctx, ctx.plan.html, [path(f)], {
        headers: { accept: "text/html", ...extra.headers },
      });
      return fromLoad(ctx.plan.html, r);
    },
  };
}

/**
 * A page as a visitor without a session gets it (the edge keeps it a few seconds: EDGE_PAGES of
 * @agora/config/edge-cache), and `<name>-origin`, the same page with the edge bypassed: a
 * storefront's own render, what every signed-in page view costs.
 */
function htmlPages(name: string, what: string, path: (f: CatalogFixtures) => string): Scenario[] {
  return [
    htmlPage(
      name,
      `${what} HTML through the gateway, a visitor without a session (edge-cached)`,
      path,
    ),
    htmlPage(
      `${name}-origin`,
      `${what} HTML with the edge cache bypassed: a storefront's own render`,
      path,
      BYPASS_EDGE,
    ),
  ];
}

/** A public read through the edge cache, and `<name>-origin`: the same read with the edge bypassed. */
function withOrigin(
  name: string,
  title: string,
  targets: readonly Target[],
  paths: (f: CatalogFixtures) => string[],
): Scenario[] {
  return [
    apiRead(name, title, targets, paths),
    apiRead(
      `${name}-origin`,
      `${title}, with the edge cache bypassed`,
      targets,
      paths,
      BYPASS_EDGE,
    ),
  ];
}

const readTargets = [TARGETS.cachedRead, TARGETS.apiP95] as const;

/**
 * Video start through the CDN edge (see media/video-start.ts): the p50/p95/p99 columns are the
 * time to the first 1 MB of the video, the notes give time to first byte and the cache status.
 */
function videoStartScenario(cached: boolean): Scenario {
  return {
    name: cached ? "video-start-hit" : "video-start-miss",
    title: `product video's first 1 MB range through the CDN edge, ${cached ? "cached (HIT)" : "first request (MISS: one 1 MB slice from the origin)"}`,
    needsProduct: true,
    comparesToCeiling: false,
    targets: [TARGETS.noErrors],
    healthBase: (p) => p.cdnUrl,
    async run(ctx) {
      const p = product(ctx);
      const video = placeBenchVideo(p.stateDir, `${ctx.runId}-${cached ? "hit" : "miss"}`);
      try {
        const r = await measureVideoStart({
          cdnUrl: p.cdnUrl,
          video,
          runId: ctx.runId,
          samples: ctx.plan.videoStartSamples,
          cached,
        });
        const ok = r.samples.filter((s) => s.status === 206);
        const firstMb = summarise(ok.map((s) => s.firstMbMs));
        const ttfb = summarise(ok.map((s) => s.ttfbMs));
        const caches = Object.entries(
          r.samples.reduce<Record<string, number>>((m, s) => {
            const k = s.cache ?? "none";
            m[k] = (m[k] ?? 0) + 1;
            return m;
          }, {}),
        );
        const ms = (x: number) => (Number.isNaN(x) ? "–" : `${x.toFixed(1)} ms`);
        return {
          concurrency: 1,
          durationS: Math.round(r.elapsedMs / 100) / 10,
          requests: r.samples.length,
          rps: r.samples.length / (r.elapsedMs / 1000),
          p50Ms: ok.length ? firstMb.p50 : null,
          p95Ms: ok.length ? firstMb.p95 : null,
          p99Ms: ok.length ? firstMb.p99 : null,
          non2xx: r.samples.length - ok.length,
          errors: r.errors.length,
          notes: [
            `p50/p95 = time to the first 1 MB (${FIRST_RANGE}) of a ${(video.bytes / 1024 / 1024).toFixed(1)} MB 720p MP4`,
            `time to first byte p50 ${ms(ttfb.p50)}, p95 ${ms(ttfb.p95)}, max ${ms(ttfb.max)}`,
            `X-Cache: ${caches.map(([k, n]) => `${k}×${n}`).join(", ")}`,
            ...r.errors.slice(0, 3),
          ],
        };
      } finally {
        video.remove();
      }
    },
  };
}

/** "CPU over the timed part: 41.2 s = 206 ms per order (storefront-1 52 ms, …)": the top consumers. */
function cpuPerOrderNote(processes: readonly ProcessUsage[], orders: number): string {
  const total = processes.reduce((s, p) => s + p.cpuSeconds, 0);
  const per = (s: number) => (orders > 0 ? `${Math.round((s * 1000) / orders)} ms` : "–");
  const top = [...processes]
    .sort((a, b) => b.cpuSeconds - a.cpuSeconds)
    .slice(0, 8)
    .map((p) => `${p.name} ${per(p.cpuSeconds)}`)
    .join(", ");
  return `CPU over the timed part: ${total.toFixed(1)} s = ${per(total)} per ready order (${top})`;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: "idle",
    title: "whole product, nobody using it: CPU and RSS per process from /proc",
    needsProduct: true,
    comparesToCeiling: false,
    targets: [TARGETS.idleCpu, TARGETS.idleRss],
    async run(ctx) {
      const { pidFile, postmasterPidFiles } = product(ctx);
      const idle = await measureIdle(
        pidFile,
        postmasterPidFiles,
        ctx.plan.idleWindowS,
        ctx.progress,
      );
      return {
        ...NO_TRAFFIC,
        durationS: Math.round(idle.windowMs / 100) / 10,
        errors: 0,
        idle: {
          cores: idle.cores,
          rssMb: idle.rssMb,
          pssMb: idle.pssMb,
          processes: idle.processes,
        },
        notes: [],
      };
    },
  },
  {
    name: "node-hello",
    title: "the box's ceiling: a bare Node http server in this process, same load shape",
    needsProduct: false,
    comparesToCeiling: true,
    targets: [TARGETS.peak],
    async run(ctx) {
      const hello = await startHelloServer();
      try {
        const r = await runHttpLoad(
          {
            url: hello.url,
            paths: ["/"],
            ...ctx.plan.reads,
            requestsPerClient: ctx.plan.requestsPerClient,
            nextClientHeaders: () => ctx.identities.take().headers,
            nextLocalAddress: ctx.identities.nextLocalAddress(),
          },
          ctx.progress,
        );
        return fromLoad(ctx.plan.reads, r);
      } finally {
        await hello.close();
      }
    },
  },
  apiRead(
    "catalog-home",
    "catalog.home through the gateway (cached read model)",
    readTargets,
    () => [queryPath("catalog.home")],
  ),
  apiRead(
    "category-page-1",
    "catalog.category, first keyset page of the biggest category",
    readTargets,
    (f) => [queryPath("catalog.category", { slug: f.categorySlug, limit: f.pageSize })],
  ),
  apiRead(
    "category-page-20",
    "catalog.category, page 20 by keyset cursor (or the deepest page there is)",
    readTargets,
    (f) => [
      queryPath("catalog.category", {
        slug: f.categorySlug,
        limit: f.pageSize,
        ...(f.deepCursor ? { cursor: f.deepCursor } : {}),
      }),
    ],
  ),
  apiRead("product", "catalog.product (bounded-staleness shard read, cached)", readTargets, (f) => [
    queryPath("catalog.product", { productId: f.productId }),
  ]),
  // The cost of TLS on the same read (docs/performance.md): the gateway's plain port against its
  // HTTPS port, each with kept-alive connections and with a new connection (a new handshake) per
  // request. The plain port serves only where it does not redirect (AGORA_EDGE_PLAIN_HTTP=serve).
  ...(
    [
      ["product-http", "plain HTTP, kept-alive connections", "plain", false],
      ["product-https", "HTTPS (TLS 1.3), kept-alive connections", "https", false],
      ["product-http-new", "plain HTTP, a new connection per request", "plain", true],
      [
        "product-https-new",
        "HTTPS (TLS 1.3), a new connection and handshake per request",
        "https",
        true,
      ],
    ] as const
  ).map(([name, how, scheme, fresh]): Scenario => ({
    name,
    title: `catalog.product through the gateway, ${how}`,
    needsProduct: true,
    comparesToCeiling: true,
    targets: readTargets,
    healthBase: (p) => (scheme === "https" ? p.httpsGatewayUrl : p.plainGatewayUrl),
    async run(ctx) {
      const f = await ctx.fixtures();
      const p = product(ctx);
      const r = await gatewayLoad(
        ctx,
        ctx.plan.reads,
        [queryPath("catalog.product", { productId: f.productId })],
        {
          url: scheme === "https" ? p.httpsGatewayUrl : p.plainGatewayUrl,
          // `Connection: close`: the edge closes after each answer and the client connects anew
          // (autocannon's reconnectRate drops the answer it reconnects on, so it cannot count these).
          ...(fresh ? { headers: { connection: "close" } } : {}),
        },
      );
      return fromLoad(ctx.plan.reads, r);
    },
  })),
  apiRead(
    "product-origin",
    "catalog.product with the edge cache bypassed: a storefront's own cost (Redis-cached)",
    [TARGETS.apiP95, TARGETS.noErrors],
    (f) => [queryPath("catalog.product", { productId: f.productId })],
    BYPASS_EDGE,
  ),
  ...withOrigin(
    "search",
    "search.query, a word from a real title",
    [TARGETS.searchP95, TARGETS.searchGoal, TARGETS.noErrors],
    (f) => [queryPath("search.query", { q: f.searchWord })],
  ),
  apiRead(
    "search-typo",
    "search.query, the same word with a letter missing",
    [TARGETS.searchP95, TARGETS.searchGoal, TARGETS.noErrors],
    (f) => [queryPath("search.query", { q: f.typoWord })],
  ),
  apiRead(
    "suggest",
    "search.suggest, a three-letter prefix",
    [TARGETS.searchP95, TARGETS.searchGoal, TARGETS.noErrors],
    (f) => [queryPath("search.suggest", { q: f.suggestPrefix })],
  ),
  ...htmlPages("html-home", "storefront home page", () => "/"),
  ...htmlPages("html-product", "storefront product page", (f) => `/p/${f.productId}`),
  {
    name: "add-to-cart",
    title: "cart.add signed in (sessions prepared before timing), through the gateway",
    needsProduct: true,
    comparesToCeiling: true,
    targets: [TARGETS.apiP95, TARGETS.noErrors],
    async run(ctx) {
      const { gatewayUrl } = product(ctx);
      const scout = new ShopperClient(gatewayUrl, ctx.identities.take());
      const [item] = await buyableItems(scout, 1);
      scout.close();
      if (!item) throw new Error("no product in stock to add to a cart");
      const sessions: { cookie: string; headers: Record<string, string> }[] = [];
      for (let i = 0; i < ctx.plan.cartSessions; i++) {
        const s = await signUpAndIn(
          gatewayUrl,
          ctx.identities.take(),
          shopperEmail(`${ctx.runId}-cart`, i),
        );
        sessions.push({ cookie: s.client.cookieHeader(), headers: s.client.identity.headers });
        s.client.close();
        ctx.progress.tick(`signed in ${i + 1}/${ctx.plan.cartSessions} shoppers`);
      }
      let next = 0;
      const shape = ctx.plan.cart;
      const r = await runHttpLoad(
        {
          url: gatewayUrl,
          method: "POST",
          paths: [`${TRPC_BASE}/cart.add`],
          body: mutationBody({
            productId: item.productId,
            vendorId: item.vendorId,
            ...(item.variantId ? { variantId: item.variantId } : {}),
            quantity: 1,
          }),
          ...shape,
          // A connection plays one signed-in shopper for a while, then the next (per-user write limits).
          requestsPerClient: 20,
          nextClientHeaders: () => {
            const s = sessions[next++ % sessions.length] as (typeof sessions)[number];
            return { ...s.headers, cookie: s.cookie };
          },
        },
        ctx.progress,
      );
      return fromLoad(shape, r, [`${sessions.length} signed-in shoppers`]);
    },
  },
  {
    name: "checkout",
    title: "checkout end to end: N shoppers submit at once; submit → READY_FOR_FULFILMENT",
    needsProduct: true,
    comparesToCeiling: false,
    targets: [TARGETS.orderEndToEnd, TARGETS.noErrors],
    async run(ctx) {
      const c = ctx.plan.checkout;
      const target = product(ctx);
      const r = await runCheckout(
        { gatewayUrl: target.gatewayUrl, runId: ctx.runId, ...c },
        ctx.identities,
        ctx.progress,
        () => cpuWindow(target.pidFile, target.postmasterPidFiles),
        () => statementsWindow(target.statementUrls),
      );
      const s = summarise(r.endToEndMs);
      const failed = Object.values(r.errors).reduce((a, b) => a + b, 0);
      return {
        concurrency: r.shoppers,
        durationS: Math.round(r.elapsedMs / 100) / 10,
        requests: r.ready,
        rps: r.ordersPerSecond,
        p50Ms: r.endToEndMs.length ? s.p50 : null,
        p95Ms: r.endToEndMs.length ? s.p95 : null,
        p99Ms: r.endToEndMs.length ? s.p99 : null,
        non2xx: 0,
        errors: failed,
        notes: [
          `${r.ready}/${r.shoppers} orders ready; rps column = orders ready per second`,
          ...r.notes,
          ...(r.cpu ? [cpuPerOrderNote(r.cpu.processes, r.ready)] : []),
          ...statementsPerUnitNotes(r.statements ?? [], r.ready),
          ...connectionPeakNotes(r.connections ?? []),
        ],
        ...(r.cpu
          ? {
              work: {
                windowMs: r.cpu.windowMs,
                units: r.ready,
                unit: "order",
                processes: r.cpu.processes,
              },
            }
          : {}),
        ...(r.statements ? { statements: r.statements } : {}),
        ...(r.connections ? { connections: r.connections } : {}),
      };
    },
  },
  videoStartScenario(false),
  videoStartScenario(true),
  {
    name: "soak",
    title:
      "steady mixed load (cached reads at a fixed rate, a checkout every few seconds) for minutes: RSS growth per process",
    needsProduct: true,
    comparesToCeiling: false,
    onlyWhenNamed: true,
    targets: [TARGETS.soakRssGrowth, TARGETS.noErrors],
    async run(ctx) {
      const shape = ctx.plan.soak;
      const r = await runSoak({
        shape,
        target: product(ctx),
        fixtures: await ctx.fixtures(),
        identities: ctx.identities,
        requestsPerClient: ctx.plan.requestsPerClient,
        resyncMs: ctx.plan.checkout.resyncMs,
        growthLimitPct: SOAK_RSS_GROWTH_LIMIT_PCT,
        runId: ctx.runId,
        progress: ctx.progress,
      });
      const { reads, usage } = r;
      const o = usage.orders;
      const odd = Object.entries(reads.byStatus).filter(([s]) => !s.startsWith("2"));
      return {
        concurrency: shape.readConnections,
        durationS: Math.round(reads.elapsedMs / 100) / 10,
        requests: reads.requests,
        rps: reads.rps,
        p50Ms: reads.requests ? reads.p50Ms : null,
        p95Ms: reads.requests ? reads.p95Ms : null,
        p99Ms: reads.requests ? reads.p99Ms : null,
        non2xx: reads.non2xx,
        // Reads that got no answer and checkouts that failed; out-of-stock refusals are not errors.
        errors: reads.errors + o.failed,
        notes: [
          ...soakNotes(shape, r),
          ...(odd.length ? [`read statuses: ${odd.map(([s, n]) => `${s}×${n}`).join(", ")}`] : []),
          ...r.orderErrors.map((e) => `failed checkout: ${e}`),
        ],
        soak: usage,
      };
    },
  },
];

export const SCENARIO_NAMES = SCENARIOS.map((s) => s.name);

/** The scenarios `--only` names (comma-separated), in table order; when none, all but the named-only ones. */
export function selectScenarios(only: readonly string[] | undefined): Scenario[] {
  if (!only || only.length === 0) return SCENARIOS.filter((s) => !s.onlyWhenNamed);
  const unknown = only.filter((n) => !SCENARIO_NAMES.includes(n));
  if (unknown.length)
    throw new Error(`unknown scenario ${unknown.join(", ")} (known: ${SCENARIO_NAMES.join(", ")})`);
  return SCENARIOS.filter((s) => only.includes(s.name));
}
