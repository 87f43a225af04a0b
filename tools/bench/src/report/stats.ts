/** Latency samples → the figures the bench reports. Pure: unit-tested without any server. */

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile (p in 0..100) of ascending-sorted samples; NaN for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function summarise(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((s, x) => s + x, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

/** Counts responses by status class as they arrive (the load loops feed it). */
export class ResponseTally {
  readonly latenciesMs: number[] = [];
  non2xx = 0;
  readonly byStatus: Record<string, number> = {};

  record(status: number, latencyMs: number): void {
    this.latenciesMs.push(latencyMs);
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    if (status < 200 || status > 299) this.non2xx += 1;
  }

  get responses(): number {
    return this.latenciesMs.length;
  }
}

/** Requests per second over a measured window. */
export function rate(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? count / (elapsedMs / 1000) : 0;
}
