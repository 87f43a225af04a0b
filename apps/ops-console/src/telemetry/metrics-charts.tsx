"use client";

import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Card, EmptyState } from "@agora/ui";
import { TimeSeriesChart } from "@agora/ui/charts";
import type { RouterOutputs } from "@agora/api";
import { useTRPC } from "@agora/trpc-next/react";
import { ReplicationCharts } from "./replication-charts.tsx";

type MetricsPoint = RouterOutputs["ops"]["telemetry"]["metrics"][number]["points"][number];
type NumericField = {
  [K in keyof MetricsPoint]: MetricsPoint[K] extends number | null ? K : never;
}[keyof MetricsPoint];

/** Each chart of a service: which fields of its points it draws (the series keys are the fields). */
const CHARTS: { unit?: string; series: { key: NumericField; label: string; color: string }[] }[] = [
  {
    unit: "ms",
    series: [
      { key: "p50Ms", label: "p50", color: "#0ea5e9" },
      { key: "p95Ms", label: "p95", color: "#f59e0b" },
      { key: "p99Ms", label: "p99", color: "#e11d48" },
    ],
  },
  {
    series: [
      { key: "rps", label: "requests/s", color: "#22c55e" },
      { key: "errorsPerSecond", label: "errors/s", color: "#e11d48" },
    ],
  },
  {
    series: [
      { key: "queueDepth", label: "queue depth", color: "#6366f1" },
      { key: "openBreakers", label: "breakers not closed", color: "#e11d48" },
      { key: "cacheHitRatio", label: "cache hit ratio", color: "#14b8a6" },
    ],
  },
  {
    series: [
      { key: "dbPoolInUse", label: "DB connections in use", color: "#0ea5e9" },
      { key: "dbPoolWaiting", label: "waiting for a connection", color: "#e11d48" },
    ],
  },
];

/**
 * Per service: latency p50/p95/p99, rps, errors, queue depth, open breakers, cache hit ratio, DB
 * pool connections in use and callers waiting for one.
 */
export function MetricsCharts() {
  const trpc = useTRPC();
  const [minutes, setMinutes] = useState(15);
  const history = useQuery({
    ...trpc.ops.telemetry.metrics.queryOptions({ minutes }),
    refetchInterval: 5_000,
    retry: false,
  });
  if (history.error)
    return (
      <EmptyState tone="error" title="Metrics unavailable" description={history.error.message} />
    );
  const services = (history.data ?? []).filter((s) => s.points.some((p) => p.up === 1));
  return (
    <div className="space-y-4">
      <label className="flex items-center gap-2 text-sm">
        last
        <select
          className="min-h-10 rounded-md border border-zinc-300 px-2 dark:border-zinc-700 dark:bg-zinc-900"
          value={minutes}
          onChange={(e) => setMinutes(Number(e.target.value))}
        >
          {[5, 15, 30, 60].map((m) => (
            <option key={m} value={m}>
              {m} min
            </option>
          ))}
        </select>
      </label>
      <ReplicationCharts minutes={minutes} />
      {services.length === 0 && (
        <EmptyState title="Collecting…" description="The console scrapes every process each 5 s." />
      )}
      {services.map((s) => (
        <Card key={s.service} title={s.service}>
          <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
            {CHARTS.map((chart) => (
              <TimeSeriesChart
                key={chart.series[0]?.key}
                unit={chart.unit}
                data={s.points.map((p) => ({
                  t: p.t,
                  ...Object.fromEntries(chart.series.map((x) => [x.key, p[x.key]])),
                }))}
                series={chart.series}
              />
            ))}
          </div>
        </Card>
      ))}
    </div>
  );
}
