/**
 * Per-version request metrics for rollout analysis, from the apps' own Prometheus metrics
 * (`agora_trpc_requests_total`, `agora_trpc_duration_seconds_bucket`, see
 * packages/api/src/observability/procedure-telemetry.ts): each instance is scraped at its
 * registry address, grouped by the version it registered, and differenced per instance between
 * two scrapes (a restarted instance's counters start again from zero).
 */
/** tRPC codes that are the server's fault; client errors (bad input, not found, 429) are not. */
export const SERVER_ERROR_CODES = new Set(["INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "TIMEOUT"]);

export interface InstanceCounters {
  requests: number;
  serverErrors: number;
  /** Cumulative histogram: upper bound (s) → count. */
  buckets: Map<number, number>;
}

const sampleLine = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/;

/** The two tRPC series out of Prometheus text (a reader of exactly what procedure-telemetry writes). */
export function countersFromText(text: string): InstanceCounters {
  const c: InstanceCounters = { requests: 0, serverErrors: 0, buckets: new Map() };
  for (const line of text.split("\n")) {
    if (!line.startsWith("agora_trpc_")) continue;
    const m = sampleLine.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    const value = Number(m[3]);
    if (m[1] === "agora_trpc_requests_total") {
      c.requests += value;
      if (labels.status === "error" && SERVER_ERROR_CODES.has(labels.error ?? "")) c.serverErrors += value;
    } else if (m[1] === "agora_trpc_duration_seconds_bucket") {
      const le = labels.le === "+Inf" ? Infinity : Number(labels.le);
      c.buckets.set(le, (c.buckets.get(le) ?? 0) + value);
    }
  }
  return c;
}

export interface WindowStats {
  requests: number;
  serverErrors: number;
  /** serverErrors / requests; undefined below `minRequests` (no data, not a pass). */
  errorRate: number | undefined;
  /** Histogram quantile as Prometheus' histogram_quantile computes it; undefined without requests. */
  p95Seconds: number | undefined;
}

const minus = (cur: number, prev: number | undefined) => (prev === undefined || cur < prev ? cur : cur - prev);

/** What the instances of one version did between two scrapes (address → counters). */
export function windowStats(
  prev: ReadonlyMap<string, InstanceCounters>,
  cur: ReadonlyMap<string, InstanceCounters>,
  minRequests = 5,
): WindowStats {
  let requests = 0;
  let serverErrors = 0;
  const buckets = new Map<number, number>();
  for (const [address, c] of cur) {
    const p = prev.get(address);
    const reset = p !== undefined && c.requests < p.requests;
    requests += minus(c.requests, reset ? undefined : p?.requests);
    serverErrors += minus(c.serverErrors, reset ? undefined : p?.serverErrors);
    for (const [le, n] of c.buckets) buckets.set(le, (buckets.get(le) ?? 0) + minus(n, reset ? undefined : p?.buckets.get(le)));
  }
  return {
    requests,
    serverErrors,
    errorRate: requests >= minRequests ? serverErrors / requests : undefined,
    p95Seconds: histogramQuantile(0.95, buckets),
  };
}

/** Linear interpolation inside the bucket holding the rank; the +Inf bucket answers the highest finite bound. */
export function histogramQuantile(q: number, buckets: ReadonlyMap<number, number>): number | undefined {
  const les = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(Infinity) ?? (les.length ? buckets.get(les[les.length - 1]!) : 0) ?? 0;
  if (!total) return undefined;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const le of les) {
    const n = buckets.get(le) ?? 0;
    if (n >= rank) {
      if (!Number.isFinite(le)) return prevLe;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / Math.max(1e-9, n - prevCount);
    }
    prevLe = le;
    prevCount = n;
  }
  return prevLe;
}

const timeoutMs = 2_000;

/**
 * Scrapes each address's `/api/metrics` (bearer token). An instance that does not answer (draining,
 * dead) is left out of `counters` and named in `unreachable`: its share of the window is missing,
 * which the request floor (minRequests) turns into "no data" rather than a pass.
 */
export async function scrapeInstances(
  addresses: readonly string[],
  token: string,
): Promise<{ counters: Map<string, InstanceCounters>; unreachable: string[] }> {
  const out = new Map<string, InstanceCounters>();
  const unreachable: string[] = [];
  await Promise.all(
    addresses.map(async (address) => {
      try {
        const res = await fetch(`http://${address}/api/metrics`, {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (res.ok) out.set(address, countersFromText(await res.text()));
        else {
          await res.arrayBuffer();
          unreachable.push(`${address} (${res.status})`);
        }
      } catch (err) {
        unreachable.push(`${address} (${err instanceof Error ? err.message : String(err)})`);
      }
    }),
  );
  return { counters: out, unreachable };
}
