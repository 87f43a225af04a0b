/**
 * The console's own short metrics history, so the Metrics page works without Prometheus: every
 * 5 s the ops console's server scrapes each process's Prometheus endpoint (Next apps at
 * `/api/metrics`, workers/collector/simulator at `/metrics`) and keeps 60 min of derived points
 * per service in memory: rps, errors/s, tRPC latency p50/p95/p99, queue depth, open breakers,
 * cache hit ratio, DB pool connections in use and callers waiting; plus each breaker's state as of
 * the latest scrape. The targets are the configured ones plus every instance the service registry
 * lists (scrape-discovery.ts), so the autoscaler's extra storefronts are scraped too; per tier
 * (all storefront instances together) a point adds up their request rates and merges their
 * latency histograms, which is where the Scaling page's p95 comes from.
 */
import { bearerHeader } from "@agora/auth/service-token";
import { loadConfig, metricsTargetsSchema, metricsTokenSchema, servicesSchema } from "@agora/config";
import { createLogger } from "@agora/telemetry";
import { hasOpsBackend, opsBackend, type CdnCacheStats } from "../backend.ts";
import { servicesOverview } from "../services/service-instances.ts";
import { discoverScrapeTargets } from "./scrape-discovery.ts";

const log = createLogger({ service: "ops-metrics-scrape" });

export interface MetricsPoint {
  t: number;
  rps: number | null;
  errorsPerSecond: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  queueDepth: number | null;
  openBreakers: number | null;
  cacheHitRatio: number | null;
  dbPoolInUse: number | null;
  dbPoolWaiting: number | null;
  up: number;
}

export type BreakerStateName = "closed" | "half-open" | "open";

/** One circuit breaker of one process, as its latest scrape reported it. */
export interface BreakerReading {
  service: string;
  breaker: string;
  state: BreakerStateName;
  at: number;
}

/** One payment provider: its breaker (worst state over the processes) and its share of payments. */
export interface PaymentProviderReading {
  provider: string;
  breaker: BreakerStateName | null;
  /** Authorizations this provider took, since the payments processes started. */
  authorized: number;
  /** Of all authorizations, 0..1; null before the first one. */
  share: number | null;
}

/** The payments pool's providers and the breaker each one runs behind. */
export const PAYMENT_PROVIDER_BREAKERS: Record<string, string> = {
  card: "payment-provider",
  payswift: "payswift-provider",
};

export interface Target {
  service: string;
  /** The tier: `storefront` for every storefront instance, else the service itself. */
  group: string;
  url: string;
  /** Sent with the scrape: the apps' /api/metrics answer only the scrape token. */
  headers?: Record<string, string>;
  /** Instead of fetching `url`: Prometheus text made here (the CDN edge has no /metrics). */
  read?: () => Promise<string>;
}

/**
 * The nginx edge as Prometheus text, from its access log: requests served from the cache (HIT,
 * STALE, UPDATING, REVALIDATED) vs fetched from the origin, so the CDN hit ratio is charted like
 * any other cache's.
 */
export function cdnMetricsText(stats: CdnCacheStats): string {
  const hits = Math.round((stats.hitRatio ?? 0) * stats.requests);
  return [
    `agora_cache_requests_total{cache="cdn-edge",result="hit"} ${hits}`,
    `agora_cache_requests_total{cache="cdn-edge",result="miss"} ${stats.requests - hits}`,
  ].join("\n");
}

/** One scrape of one process, summed over its series. */
export interface Raw {
  t: number;
  requests: number;
  errors: number;
  buckets: Map<number, number>;
  queueDepth: number | null;
  openBreakers: number | null;
  cacheHits: number;
  cacheMisses: number;
  dbPoolInUse: number | null;
  dbPoolWaiting: number | null;
  breakers: Map<string, BreakerStateName>;
  /** Authorizations per payment provider (`agora_payments_routed_total{outcome="authorized"}`). */
  paymentRoutes: Map<string, number>;
}

const SCRAPE_EVERY_MS = 5_000;
const KEEP_MS = 60 * 60_000;

/** Every live registered instance, or undefined when the registry cannot be read here. */
async function registeredInstances() {
  try {
    const o = await servicesOverview();
    return o.reachable ? o.instances : undefined;
  } catch (err) {
    // No etcd settings in this process (or a bad record set): the configured targets alone.
    log.warn({ err }, "service registry not readable; scraping the configured targets only");
    return undefined;
  }
}

/**
 * AGORA_METRICS_TARGETS and every registered instance that serves metrics (scrape-discovery.ts),
 * plus the CDN edge's cache statistics when the ops backend reads them.
 */
export async function scrapeTargets(): Promise<Target[]> {
  const { metrics, token } = loadConfig({ metrics: metricsTargetsSchema, token: metricsTokenSchema });
  // Only our own processes get the token (not the CDN's public URL below).
  const headers = bearerHeader(token.AGORA_METRICS_TOKEN);
  const targets: Target[] = discoverScrapeTargets(metrics.AGORA_METRICS_TARGETS, await registeredInstances()).map((x) => ({
    service: x.name,
    group: x.group,
    url: x.url,
    headers,
  }));
  if (hasOpsBackend()) {
    const cdn = loadConfig(servicesSchema.pick({ AGORA_CDN_URL: true })).AGORA_CDN_URL;
    targets.push({
      service: "cdn-edge",
      group: "cdn-edge",
      url: `${cdn}/healthz`,
      read: async () => {
        const stats = opsBackend().cdnStats();
        if (!stats) throw new Error("the ops backend has no CDN statistics");
        return cdnMetricsText(stats);
      },
    });
  }
  return targets;
}

/** Minimal Prometheus text parser: `name{a="b",…} value` lines, comments skipped. */
export function parsePrometheus(
  text: string,
): { name: string; labels: Record<string, string>; value: number }[] {
  const out: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m?.[1] || m[4] === undefined) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      if (l[1]) labels[l[1]] = l[2] ?? "";
    out.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return out;
}

export function summarize(t: number, text: string): Raw {
  const raw: Raw = {
    t,
    requests: 0,
    errors: 0,
    buckets: new Map(),
    queueDepth: null,
    openBreakers: null,
    cacheHits: 0,
    cacheMisses: 0,
    dbPoolInUse: null,
    dbPoolWaiting: null,
    breakers: new Map(),
    paymentRoutes: new Map(),
  };
  for (const s of parsePrometheus(text)) {
    if (s.name === "agora_trpc_requests_total") {
      raw.requests += s.value;
      if (s.labels.status === "error") raw.errors += s.value;
    } else if (s.name === "agora_trpc_duration_seconds_bucket") {
      const le = s.labels.le === "+Inf" ? Infinity : Number(s.labels.le);
      raw.buckets.set(le, (raw.buckets.get(le) ?? 0) + s.value);
    } else if (
      s.name === "agora_queue_jobs" &&
      (s.labels.state === "waiting" || s.labels.state === "delayed")
    ) {
      raw.queueDepth = (raw.queueDepth ?? 0) + s.value;
    } else if (
      s.name === "resilience_breaker_state" ||
      s.name === "agora_resilience_breaker_state"
    ) {
      raw.openBreakers = (raw.openBreakers ?? 0) + (s.value > 0 ? 1 : 0);
      if (s.labels.breaker) raw.breakers.set(s.labels.breaker, breakerStateName(s.value));
    } else if (s.name === "agora_payments_routed_total" && s.labels.outcome === "authorized") {
      const p = s.labels.provider ?? "unknown";
      raw.paymentRoutes.set(p, (raw.paymentRoutes.get(p) ?? 0) + s.value);
    } else if (s.name === "agora_db_pool_connections") {
      if (s.labels.state === "in_use") raw.dbPoolInUse = (raw.dbPoolInUse ?? 0) + s.value;
      if (s.labels.state === "waiting") raw.dbPoolWaiting = (raw.dbPoolWaiting ?? 0) + s.value;
    } else if (s.name === "agora_cache_requests_total") {
      if (s.labels.result === "hit") raw.cacheHits += s.value;
      if (s.labels.result === "miss") raw.cacheMisses += s.value;
    }
  }
  return raw;
}

/** The breaker gauge's encoding (0 closed, 1 half-open, 2 open) back to a name. */
export function breakerStateName(value: number): BreakerStateName {
  if (value >= 2) return "open";
  if (value >= 1) return "half-open";
  return "closed";
}

/** Latency quantile (ms) from the increase of cumulative histogram buckets between two scrapes. */
export function quantileMs(
  prev: Map<number, number>,
  cur: Map<number, number>,
  q: number,
): number | null {
  const les = [...cur.keys()].sort((a, b) => a - b);
  const inc = les.map((le) => Math.max(0, (cur.get(le) ?? 0) - (prev.get(le) ?? 0)));
  const total = inc[inc.length - 1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  for (let i = 0; i < les.length; i++) {
    if ((inc[i] ?? 0) >= rank) {
      const le = les[i] ?? Infinity;
      const lower = i > 0 ? (les[i - 1] ?? 0) : 0;
      return Number.isFinite(le) ? Math.round(((lower + le) / 2) * 1000) : Math.round(lower * 1000);
    }
  }
  return null;
}

export function derivePoint(prev: Raw | undefined, cur: Raw): MetricsPoint {
  const dt = prev ? (cur.t - prev.t) / 1000 : 0;
  const rate = (a: number, b: number) => (prev && dt > 0 ? Math.max(0, (b - a) / dt) : null);
  const hits = prev ? cur.cacheHits - prev.cacheHits : 0;
  const misses = prev ? cur.cacheMisses - prev.cacheMisses : 0;
  return {
    t: cur.t,
    rps: rate(prev?.requests ?? 0, cur.requests),
    errorsPerSecond: rate(prev?.errors ?? 0, cur.errors),
    p50Ms: prev ? quantileMs(prev.buckets, cur.buckets, 0.5) : null,
    p95Ms: prev ? quantileMs(prev.buckets, cur.buckets, 0.95) : null,
    p99Ms: prev ? quantileMs(prev.buckets, cur.buckets, 0.99) : null,
    queueDepth: cur.queueDepth,
    openBreakers: cur.openBreakers,
    // Counts that went down (a restarted process, the CDN log's window moving) give no ratio.
    cacheHitRatio: hits >= 0 && misses >= 0 && hits + misses > 0 ? hits / (hits + misses) : null,
    dbPoolInUse: cur.dbPoolInUse,
    dbPoolWaiting: cur.dbPoolWaiting,
    up: 1,
  };
}

/** One tier (e.g. every storefront instance) at one scrape round. */
export interface TierPoint {
  t: number;
  /** Instances scraped this round, and how many answered. */
  instances: number;
  up: number;
  rps: number | null;
  errorsPerSecond: number | null;
  /** Quantiles of the tier's tRPC calls since the previous round (all instances' histograms merged). */
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

/** What one bucket counter grew by; a counter that went down (a restarted process) counts from zero. */
function increase(cur: number, prev: number | undefined, reset: boolean): number {
  return prev === undefined || reset ? cur : Math.max(0, cur - prev);
}

/**
 * Quantile (ms) of a cumulative histogram as Prometheus' histogram_quantile computes it: linear
 * interpolation inside the bucket that holds the rank; the +Inf bucket answers the highest finite bound.
 */
export function histogramQuantileMs(q: number, buckets: ReadonlyMap<number, number>): number | null {
  const les = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(les[les.length - 1] ?? Infinity) ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const le of les) {
    const n = buckets.get(le) ?? 0;
    if (n >= rank) {
      if (!Number.isFinite(le)) return Math.round(lower * 1000);
      return Math.round((lower + ((le - lower) * (rank - below)) / Math.max(1e-9, n - below)) * 1000);
    }
    lower = le;
    below = n;
  }
  return Math.round(lower * 1000);
}

/**
 * One tier's point from its instances' scrapes this round (`cur` undefined: did not answer) and
 * their previous ones: request and error rates added up, latency histograms merged (increases per
 * instance, so an instance that joined or restarted counts from its first scrape or from zero).
 */
export function tierPoint(t: number, scrapes: readonly { prev?: Raw; cur?: Raw }[]): TierPoint {
  let requests = 0;
  let errors = 0;
  let measured = false;
  let dtS = 0;
  const merged = new Map<number, number>();
  for (const { prev, cur } of scrapes) {
    // Without a previous scrape there is no interval to count over yet.
    if (!cur || !prev || cur.t <= prev.t) continue;
    const reset = cur.requests < prev.requests;
    requests += increase(cur.requests, prev.requests, reset);
    errors += increase(cur.errors, prev.errors, reset);
    for (const [le, n] of cur.buckets) merged.set(le, (merged.get(le) ?? 0) + increase(n, prev.buckets.get(le), reset));
    dtS = Math.max(dtS, (cur.t - prev.t) / 1000);
    measured = true;
  }
  return {
    t,
    instances: scrapes.length,
    up: scrapes.filter((s) => s.cur).length,
    rps: measured && dtS > 0 ? requests / dtS : null,
    errorsPerSecond: measured && dtS > 0 ? errors / dtS : null,
    p50Ms: measured ? histogramQuantileMs(0.5, merged) : null,
    p95Ms: measured ? histogramQuantileMs(0.95, merged) : null,
    p99Ms: measured ? histogramQuantileMs(0.99, merged) : null,
  };
}

/** Tiers whose instances are charted together (the Scaling page's storefront tier). */
const TIERS = ["storefront"] as const;

interface History {
  last: Map<string, Raw>;
  points: Map<string, MetricsPoint[]>;
  tiers: Map<string, TierPoint[]>;
  /** The group of each target of the latest round (which series belong to which tier). */
  groups: Map<string, string>;
  timer?: NodeJS.Timeout;
}

// On globalThis: Next dev re-evaluates modules; one scraper per server process.
const KEY = Symbol.for("@agora/api/metrics-history");
const slot = globalThis as typeof globalThis & { [KEY]?: History };

const DOWN = {
  rps: null,
  errorsPerSecond: null,
  p50Ms: null,
  p95Ms: null,
  p99Ms: null,
  queueDepth: null,
  openBreakers: null,
  cacheHitRatio: null,
  dbPoolInUse: null,
  dbPoolWaiting: null,
  up: 0,
} as const;

async function scrapeOnce(h: History): Promise<void> {
  const now = Date.now();
  const targets = await scrapeTargets();
  const rounds = await Promise.all(
    targets.map(async (target) => {
      const list = h.points.get(target.service) ?? [];
      const prev = h.last.get(target.service);
      let cur: Raw | undefined;
      try {
        const res = await fetch(target.url, { headers: target.headers, signal: AbortSignal.timeout(2_000) });
        if (!res.ok) throw new Error(`status ${res.status}`);
        cur = summarize(now, target.read ? await target.read() : await res.text());
        list.push(derivePoint(prev, cur));
        h.last.set(target.service, cur);
      } catch (err) {
        // A process that is down is a data point (up = 0), not a failed page.
        void err;
        h.last.delete(target.service);
        list.push({ t: now, ...DOWN });
      }
      while (list.length > 0 && (list[0]?.t ?? now) < now - KEEP_MS) list.shift();
      h.points.set(target.service, list);
      return { target, prev, cur };
    }),
  );
  h.groups = new Map(targets.map((x) => [x.service, x.group]));
  for (const tier of TIERS) {
    const list = h.tiers.get(tier) ?? [];
    list.push(tierPoint(now, rounds.filter((r) => r.target.group === tier)));
    while (list.length > 0 && (list[0]?.t ?? now) < now - KEEP_MS) list.shift();
    h.tiers.set(tier, list);
  }
  // A series whose process left the registry (scaled in, a rollout's instance stopped) ends here;
  // its points stay until they age out of the window; its latest readings (breakers) go now.
  for (const service of h.last.keys()) if (!h.groups.has(service)) h.last.delete(service);
  for (const [service, list] of h.points)
    if (!h.groups.has(service) && (list.at(-1)?.t ?? 0) < now - KEEP_MS) h.points.delete(service);
}

function history(): History {
  let h = slot[KEY];
  if (!h) {
    h = { last: new Map(), points: new Map(), tiers: new Map(), groups: new Map() };
    slot[KEY] = h;
    const started = h;
    const round = () =>
      void scrapeOnce(started).catch((err: unknown) => log.warn({ err }, "metrics scrape round failed"));
    round();
    started.timer = setInterval(round, SCRAPE_EVERY_MS);
    started.timer.unref();
  }
  return h;
}

/**
 * Every circuit breaker reported by a process that answered its latest scrape (a process that is
 * down reports none), worst state first.
 */
export function breakerReadings(): BreakerReading[] {
  const rank = { open: 0, "half-open": 1, closed: 2 } as const;
  const out: BreakerReading[] = [];
  for (const [service, raw] of history().last)
    for (const [breaker, state] of raw.breakers) out.push({ service, breaker, state, at: raw.t });
  return out.sort(
    (a, b) =>
      rank[a.state] - rank[b.state] ||
      a.breaker.localeCompare(b.breaker) ||
      a.service.localeCompare(b.service),
  );
}

/** Every payment provider with its breaker and share of authorizations, from the latest scrapes. */
export function paymentProviderReadings(): PaymentProviderReading[] {
  return providerReadings([...history().last.values()]);
}

export function providerReadings(raws: readonly Pick<Raw, "breakers" | "paymentRoutes">[]): PaymentProviderReading[] {
  const rank = { closed: 0, "half-open": 1, open: 2 } as const;
  const counts = new Map<string, number>(Object.keys(PAYMENT_PROVIDER_BREAKERS).map((p) => [p, 0]));
  const states = new Map<string, BreakerStateName>();
  for (const raw of raws) {
    for (const [p, n] of raw.paymentRoutes) counts.set(p, (counts.get(p) ?? 0) + n);
    for (const [provider, breaker] of Object.entries(PAYMENT_PROVIDER_BREAKERS)) {
      const s = raw.breakers.get(breaker);
      const seen = states.get(provider);
      if (s && (!seen || rank[s] > rank[seen])) states.set(provider, s);
    }
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return [...counts.entries()]
    .map(([provider, authorized]) => ({
      provider,
      breaker: states.get(provider) ?? null,
      authorized,
      share: total > 0 ? authorized / total : null,
    }))
    .sort((a, b) => a.provider.localeCompare(b.provider));
}

/** Starts the scraper on first use; returns the history of the last `minutes`. */
export function metricsHistory(minutes: number): { service: string; points: MetricsPoint[] }[] {
  const h = history();
  const since = Date.now() - minutes * 60_000;
  return [...h.points.entries()]
    .map(([service, points]) => ({ service, points: points.filter((p) => p.t >= since) }))
    .sort((a, b) => a.service.localeCompare(b.service));
}

/** A tier's points (all its instances together) over the last `minutes`. */
export function tierHistory(tier: (typeof TIERS)[number], minutes: number): TierPoint[] {
  const since = Date.now() - minutes * 60_000;
  return (history().tiers.get(tier) ?? []).filter((p) => p.t >= since);
}

/** The latest point of each instance of a tier that the latest round scraped, by instance name. */
export function tierInstances(tier: (typeof TIERS)[number]): Map<string, MetricsPoint> {
  const h = history();
  const out = new Map<string, MetricsPoint>();
  for (const [service, group] of h.groups) {
    const last = group === tier ? h.points.get(service)?.at(-1) : undefined;
    if (last) out.set(service, last);
  }
  return out;
}
