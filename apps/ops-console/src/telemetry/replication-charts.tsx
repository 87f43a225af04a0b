"use client";

import { useQuery } from "@tanstack/react-query";
import { Card, EmptyState } from "@agora/ui";
import { TimeSeriesChart } from "@agora/ui/charts";
import { useTRPC } from "@agora/trpc-next/react";

const COLORS = ["#0ea5e9", "#f59e0b", "#22c55e", "#e11d48", "#6366f1"];

/** Replay lag of every Postgres member over time, one chart per cluster (leader drawn at 0). */
export function ReplicationCharts({ minutes }: { minutes: number }) {
  const trpc = useTRPC();
  const lag = useQuery({
    ...trpc.ops.telemetry.replication.queryOptions({ minutes }),
    refetchInterval: 5_000,
    retry: false,
  });
  if (lag.error)
    return (
      <EmptyState
        tone="error"
        title="Replication lag unavailable"
        description={lag.error.message}
      />
    );
  return (
    <Card
      title="Replication lag"
      description="Replay lag per member, measured on each replica every 5 s; the leader is drawn at 0."
    >
      {(lag.data ?? []).length === 0 ? (
        <EmptyState title="Collecting…" />
      ) : (
        <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
          {(lag.data ?? []).map((c) => (
            <div key={c.cluster} data-testid={`lag-${c.cluster}`}>
              <p className="mb-1 text-sm font-medium">{c.cluster}</p>
              <TimeSeriesChart
                unit="ms"
                data={c.points.map((p) => ({ t: p.t, ...p.lagMs }))}
                series={c.members.map((m, i) => ({
                  key: m,
                  label: m,
                  color: COLORS[i % COLORS.length] ?? "#71717a",
                }))}
              />
            </div>
          ))}
        </div>
      )}
    </Card>
  );
}
