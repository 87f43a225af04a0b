"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Card, formatPrice, Stat, StatGroup } from "@agora/ui";
import { TimeSeriesChart } from "@agora/ui/charts";
import { useTRPC } from "@agora/trpc-next/react";

/**
 * Platform-wide captures and revenue per minute over the last hour, re-read from the event store
 * whenever the analytics worker announces a counted sale (Server-Sent Events, /api/live/sales)
 * and once a minute so the window moves on in quiet times.
 */
export function LiveSales() {
  const trpc = useTRPC();
  const minutes = useQuery({
    ...trpc.ops.analytics.salesPerMinute.queryOptions(),
    refetchInterval: 60_000,
  });
  const [live, setLive] = useState(false);
  const { refetch } = minutes;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const source = new EventSource("/api/live/sales");
    const reread = () => {
      // A burst of sales is one re-read per second, not one per sale.
      timer ??= setTimeout(() => {
        timer = null;
        void refetch();
      }, 1_000);
    };
    source.addEventListener("ready", () => {
      setLive(true);
      reread();
    });
    source.addEventListener("pulse", reread);
    source.onerror = () => setLive(false);
    return () => {
      source.close();
      if (timer) clearTimeout(timer);
    };
  }, [refetch]);

  const rows = minutes.data ?? [];
  const lastHour = rows.reduce(
    (s, r) => ({ orders: s.orders + r.orders, revenue: s.revenue + r.revenueCents }),
    { orders: 0, revenue: 0 },
  );
  const thisMinute = rows.at(-1);
  return (
    <Card
      title="Live sales"
      description="Captured orders per minute, platform-wide, pushed as they are counted."
      aside={
        <span className="text-xs text-zinc-500" role="status">
          {live ? "● live" : "○ reconnecting…"}
        </span>
      }
    >
      {minutes.isError ? (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
          {minutes.error.message}
        </p>
      ) : (
        <div className="space-y-4">
          <StatGroup>
            <Stat label="Orders, last hour" value={lastHour.orders} />
            <Stat label="Revenue, last hour" value={formatPrice(lastHour.revenue)} />
            <Stat label="Orders, this minute" value={thisMinute?.orders ?? 0} />
            <Stat label="Revenue, this minute" value={formatPrice(thisMinute?.revenueCents ?? 0)} />
          </StatGroup>
          <TimeSeriesChart
            data={rows.map((r) => ({ t: r.t, orders: r.orders }))}
            series={[{ key: "orders", label: "captured orders per minute", color: "#22c55e" }]}
            height={180}
          />
        </div>
      )}
    </Card>
  );
}
