/**
 * Memory growth over a soak, from /proc samples taken at a fixed interval: per process its RSS at
 * the first and the last sample, the highest, and how much it grew. A process grows past the limit
 * when its end RSS is more than `limitPct` above its start RSS (a peak that came back down is not
 * growth). Pure: unit-tested without any process.
 */
import type { Sample } from "../idle/proc-sampler.ts";
import type { ProcessGrowth } from "../report/result.ts";

/** Process name → RSS in MB (with its children) in one sample; a process with no live PID is left out. */
export function rssByName(s: Sample): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, pids] of s.byName) {
    if (pids.size === 0) continue;
    let kb = 0;
    for (const snap of pids.values()) kb += snap.rssKb;
    out.set(name, kb / 1024);
  }
  return out;
}

/** (end − start) / start in %; null without a positive start. */
export function growthPct(startMb: number, endMb: number): number | null {
  return startMb > 0 ? ((endMb - startMb) / startMb) * 100 : null;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * Each process's growth over samples in time order (RSS MB by name). Only a process running at
 * both the first and the last sample has a growth figure and can be flagged: one that started
 * late (a new instance) or stopped early has nothing to compare. Biggest growth first.
 */
export function rssGrowth(
  samples: readonly ReadonlyMap<string, number>[],
  limitPct: number,
  cpuSeconds: ReadonlyMap<string, number> = new Map(),
): ProcessGrowth[] {
  const names = [...new Set(samples.flatMap((s) => [...s.keys()]))];
  const out = names.map((name): ProcessGrowth => {
    const series = samples.map((s) => s.get(name) ?? null);
    const alive = series.filter((x): x is number => x !== null);
    const start = alive[0] ?? null;
    const end = alive.at(-1) ?? null;
    const comparable = series[0] != null && series.at(-1) != null && samples.length >= 2;
    const exact = comparable && start !== null && end !== null ? growthPct(start, end) : null;
    // Judged on the figure printed, so a row never reads 20.0 % and flagged.
    const pct = exact === null ? null : round1(exact);
    return {
      name,
      rssMb: series.map((x) => (x === null ? null : round1(x))),
      startRssMb: start === null ? null : round1(start),
      endRssMb: end === null ? null : round1(end),
      maxRssMb: alive.length ? round1(Math.max(...alive)) : null,
      growthPct: pct,
      grew: pct !== null && pct > limitPct,
      cpuSeconds: round1(cpuSeconds.get(name) ?? 0),
    };
  });
  return out.sort(
    (a, b) =>
      (b.growthPct ?? Number.NEGATIVE_INFINITY) - (a.growthPct ?? Number.NEGATIVE_INFINITY) ||
      a.name.localeCompare(b.name),
  );
}

/** The whole product's RSS (MB) in one sample. */
export function totalRssMb(sample: ReadonlyMap<string, number>): number {
  let mb = 0;
  for (const v of sample.values()) mb += v;
  return round1(mb);
}
