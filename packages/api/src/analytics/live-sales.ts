/**
 * Platform-wide sales per minute over the last hour, for the console's live card: captures
 * (`PaymentCaptured` events) counted and summed per minute from the event store in core, the
 * source of truth. The card re-reads it on every sales pulse (sales-pulse.ts).
 */
import { core } from "@agora/db";

export interface SalesMinute {
  /** Start of the minute, epoch ms. */
  t: number;
  orders: number;
  revenueCents: number;
}

export async function salesPerMinute(minutes = 60): Promise<SalesMinute[]> {
  const rows = await core().primary.$queryRawUnsafe<
    { minute: Date; orders: number; revenue: number }[]
  >(
    `SELECT date_trunc('minute', e.created_at) AS minute, count(*)::int AS orders,
            coalesce(sum(o.total_cents), 0)::int AS revenue
       FROM order_events e JOIN orders o ON o.id = e.order_id
      WHERE e.type = 'PaymentCaptured' AND e.created_at > now() - make_interval(mins => $1::int)
      GROUP BY 1 ORDER BY 1`,
    minutes,
  );
  const byMinute = new Map(rows.map((r) => [r.minute.getTime(), r]));
  // Every minute of the window, quiet ones as zero, so the chart's time axis is honest.
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  return Array.from({ length: minutes }, (_, i) => {
    const t = now - (minutes - 1 - i) * 60_000;
    const r = byMinute.get(t);
    return { t, orders: r?.orders ?? 0, revenueCents: r?.revenue ?? 0 };
  });
}
