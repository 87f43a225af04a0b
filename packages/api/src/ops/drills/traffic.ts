/**
 * Synthetic load that runs beside a drill: a few concurrent callers repeat one probe (e.g. place
 * a checkout) and record when each attempt started, how long it took and whether it succeeded,
 * so the report can say how the product — not just the database — lived through the failover.
 */
export interface TrafficSample {
  at: number;
  ms: number;
  ok: boolean;
  error?: string;
}

export type TrafficProbe = () => Promise<void>;

export interface TrafficRun {
  samples: TrafficSample[];
  stop(): Promise<void>;
}

export function runTraffic(
  probe: TrafficProbe,
  opts: { concurrency?: number; pauseMs?: number } = {},
): TrafficRun {
  const samples: TrafficSample[] = [];
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      const at = Date.now();
      try {
        await probe();
        samples.push({ at, ms: Date.now() - at, ok: true });
      } catch (err) {
        samples.push({
          at,
          ms: Date.now() - at,
          ok: false,
          error: (err as Error).message.slice(0, 200),
        });
      }
      await new Promise((r) => setTimeout(r, opts.pauseMs ?? 250));
    }
  };
  const loops = Array.from({ length: opts.concurrency ?? 2 }, () => loop());
  return {
    samples,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

export interface WindowSummary {
  attempts: number;
  succeeded: number;
  failed: number;
  p95Ms: number | null;
}

export interface TrafficSummary {
  before: WindowSummary;
  during: WindowSummary;
  after: WindowSummary;
  /** The most frequent failure messages during the window. */
  topErrors: { message: string; count: number }[];
}

function p95(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] ?? null;
}

function summarize(samples: TrafficSample[]): WindowSummary {
  const ok = samples.filter((s) => s.ok);
  return {
    attempts: samples.length,
    succeeded: ok.length,
    failed: samples.length - ok.length,
    p95Ms: p95(ok.map((s) => s.ms)),
  };
}

/**
 * Splits the samples at the fault and at recovery: "during" is every attempt that started while
 * the cluster had no writable primary (fault → first acknowledged write on the new one).
 */
export function summarizeTraffic(
  samples: TrafficSample[],
  faultAt: number,
  recoveredAt: number | null,
): TrafficSummary {
  const end = recoveredAt ?? Number.POSITIVE_INFINITY;
  const during = samples.filter((s) => s.at >= faultAt && s.at < end);
  const counts = new Map<string, number>();
  for (const s of during) if (!s.ok && s.error) counts.set(s.error, (counts.get(s.error) ?? 0) + 1);
  return {
    before: summarize(samples.filter((s) => s.at < faultAt)),
    during: summarize(during),
    after: summarize(samples.filter((s) => s.at >= end)),
    topErrors: [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([message, count]) => ({ message, count })),
  };
}
