"use client";

import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Card, EmptyState } from "@agora/ui";
import { TimeSeriesChart } from "@agora/ui/charts";
import { useTRPC } from "@agora/trpc-next/react";
import { ReplicationCharts } from "./replication-charts.tsx";

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
            <TimeSeriesChart
              unit="ms"
              data={s.points.map((p) => ({ t: p.t, p50: p.p50Ms, p95: p.p95Ms, p99: p.p99Ms }))}
              series={[
                { key: "p50", label: "p50", color: "#0ea5e9" },
                { key: "p95", label: "p95", color: "#f59e0b" },
                { key: "p99", label: "p99", color: "#e11d48" },
              ]}
            />
            <TimeSeriesChart
              data={s.points.map((p) => ({ t: p.t, rps: p.rps, errors: p.errorsPerSecond }))}
              series={[
                { key: "rps", label: "requests/s", color: "#22c55e" },
                { key: "errors", label: "errors/s", color: "#e11d48" },
              ]}
            />
            <TimeSeriesChart
              data={s.points.map((p) => ({
                t: p.t,
                queue: p.queueDepth,
                breakers: p.openBreakers,
                cacheHit: p.cacheHitRatio,
              }))}
              series={[
                { key: "queue", label: "queue depth", color: "#6366f1" },
                { key: "breakers", label: "breakers not closed", color: "#e11d48" },
                { key: "cacheHit", label: "cache hit ratio", color: "#14b8a6" },
              ]}
            />
            <TimeSeriesChart
              data={s.points.map((p) => ({
                t: p.t,
                inUse: p.dbPoolInUse,
                waiting: p.dbPoolWaiting,
              }))}
              series={[
                { key: "inUse", label: "DB connections in use", color: "#0ea5e9" },
                { key: "waiting", label: "waiting for a connection", color: "#e11d48" },
              ]}
            />
          </div>
        </Card>
      ))}
    </div>
  );
}
