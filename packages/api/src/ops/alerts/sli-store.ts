/**
 * The SLO windows' data: each evaluation adds the journeys' good/total increases to the current
 * minute's row in core (`slo_event_minutes`), and a window is the sum of its minutes. Minutes make
 * the 30-day budget about 130,000 rows for three journeys; older rows are pruned.
 */
import { BURN_WINDOWS, JOURNEYS, SLO_PERIOD_MS, type EventCounts, type Journey } from "@agora/alerting";
import { core } from "@agora/db";

const MINUTE = 60_000;

export async function recordSliIncrease(at: number, increase: Record<Journey, EventCounts>): Promise<void> {
  const minute = new Date(Math.floor(at / MINUTE) * MINUTE);
  const rows = JOURNEYS.filter((j) => increase[j].total > 0);
  for (const j of rows) {
    await core().primary.$executeRaw`
      INSERT INTO slo_event_minutes (journey, minute, good, total)
      VALUES (${j}, ${minute}, ${increase[j].good}, ${increase[j].total})
      ON CONFLICT (journey, minute) DO UPDATE
        SET good = slo_event_minutes.good + EXCLUDED.good, total = slo_event_minutes.total + EXCLUDED.total`;
  }
}

/** The windows the burn-rate rules read (the console's SLO table adds the 30-day period). */
export const BURN_WINDOWS_MS: readonly number[] = [...new Set(BURN_WINDOWS.flatMap((w) => [w.longMs, w.shortMs]))];

export type SliWindows = Map<Journey, Map<number, EventCounts>>;

/** Good/total per journey for every window ending at `at`, summed in one query. */
export async function readSliWindows(at: number, windows: readonly number[] = BURN_WINDOWS_MS): Promise<SliWindows> {
  const out: SliWindows = new Map(JOURNEYS.map((j) => [j, new Map(windows.map((w) => [w, { good: 0, total: 0 }]))]));
  const rows = await core().primary.$queryRaw<{ journey: Journey; ms: bigint; good: bigint; total: bigint }[]>`
    SELECT m.journey, w.ms, sum(m.good)::bigint AS good, sum(m.total)::bigint AS total
      FROM unnest(${windows.map((w) => BigInt(w))}::bigint[]) AS w(ms)
      JOIN slo_event_minutes m ON m.minute >= ${new Date(at)}::timestamptz - make_interval(secs => w.ms / 1000.0)
     GROUP BY m.journey, w.ms`;
  for (const r of rows) {
    const c = out.get(r.journey)?.get(Number(r.ms));
    if (c) {
      c.good = Number(r.good);
      c.total = Number(r.total);
    }
  }
  return out;
}

export async function pruneSliMinutes(at: number): Promise<void> {
  await core().primary.$executeRaw`DELETE FROM slo_event_minutes WHERE minute < ${new Date(at - SLO_PERIOD_MS - MINUTE)}`;
}
