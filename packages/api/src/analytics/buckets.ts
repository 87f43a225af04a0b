/**
 * Time buckets of the analytics rollups: UTC hours and UTC days, half-open `[start, end)`. The
 * streaming worker, the batch job and the charts all bucket with these functions, so a sale lands
 * in the same bucket whichever side counts it.
 */
export type Granularity = "hour" | "day";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export const BUCKET_MS: Readonly<Record<Granularity, number>> = { hour: HOUR_MS, day: DAY_MS };

/** Start of the bucket that holds `at` (epoch ms are UTC, so flooring is exact). */
export function bucketStart(at: Date, granularity: Granularity): Date {
  const size = BUCKET_MS[granularity];
  return new Date(Math.floor(at.getTime() / size) * size);
}

/** Every bucket start in `[from, to)`, the first one being the bucket that holds `from`. */
export function bucketStarts(from: Date, to: Date, granularity: Granularity): Date[] {
  const size = BUCKET_MS[granularity];
  const out: Date[] = [];
  for (let t = bucketStart(from, granularity).getTime(); t < to.getTime(); t += size)
    out.push(new Date(t));
  return out;
}

/** Widens `[from, to)` to whole UTC days: a batch run compares complete day buckets only. */
export function wholeDays(from: Date, to: Date): { from: Date; to: Date } {
  const start = bucketStart(from, "day");
  const end = bucketStart(to, "day");
  return {
    from: start,
    to: end.getTime() === to.getTime() ? end : new Date(end.getTime() + DAY_MS),
  };
}

/** The last `days` whole UTC days up to and including the one that holds `now`. */
export function recentDays(now: Date, days: number): { from: Date; to: Date } {
  const today = bucketStart(now, "day").getTime();
  return { from: new Date(today - (days - 1) * DAY_MS), to: new Date(today + DAY_MS) };
}

/** The same start and end split into chunks of at most `days` days (for progress on long runs). */
export function dayChunks(from: Date, to: Date, days = 1): { from: Date; to: Date }[] {
  const out: { from: Date; to: Date }[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += days * DAY_MS)
    out.push({ from: new Date(t), to: new Date(Math.min(t + days * DAY_MS, to.getTime())) });
  return out;
}
