"use client";

import { useQuery } from "@tanstack/react-query";
import { Badge, Card, Stat, StatGroup } from "@agora/ui";
import { useTRPC } from "@agora/trpc-next/react";
import type { DrillOutcome } from "@agora/api/ops";

const fmt = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? "—" : `${(ms / 1000).toFixed(1)} s`;

/** One drill: live events while it runs, then the report. */
export function DrillReportView({ id }: { id: string }) {
  const trpc = useTRPC();
  const q = useQuery({
    ...trpc.ops.drills.get.queryOptions({ id }),
    refetchInterval: (query) => (query.state.data?.status === "running" ? 1_000 : false),
  });
  if (!q.data) return null;
  const d = q.data;
  const events = (d.events as Array<{ type: string; at: string } & Record<string, unknown>>) ?? [];
  const outcome = d.report as DrillOutcome | null;
  const r = outcome?.drill;
  return (
    <Card
      title={`Drill on ${d.cluster} (${d.mode})`}
      aside={
        <Badge
          tone={d.status === "passed" ? "success" : d.status === "running" ? "warning" : "danger"}
        >
          {d.status}
        </Badge>
      }
    >
      <div data-testid="drill-report">
        {r ? (
          <StatGroup>
            <Stat label="RTO" value={<span data-testid="drill-rto">{fmt(r.rto_ms)}</span>} />
            <Stat
              label="Lost writes"
              value={<span data-testid="drill-lost">{r.lost_writes}</span>}
            />
            <Stat label="Acked writes" value={r.acked_writes} />
            <Stat label="New primary" value={r.new_primary ?? "—"} />
          </StatGroup>
        ) : null}
        {d.error ? <p className="mt-2 text-sm text-rose-600">{d.error}</p> : null}

        {outcome?.traffic ? (
          <div className="mt-4 overflow-x-auto">
            <table className="w-full text-sm">
              <thead className="text-left text-xs text-zinc-500">
                <tr>
                  <th className="py-1">Checkouts</th>
                  <th>attempts</th>
                  <th>succeeded</th>
                  <th>failed</th>
                  <th>p95</th>
                </tr>
              </thead>
              <tbody>
                {(["before", "during", "after"] as const).map((w) => (
                  <tr key={w} className="border-t border-zinc-100 dark:border-zinc-800">
                    <td className="py-1 font-medium">{w}</td>
                    <td>{outcome.traffic?.[w].attempts}</td>
                    <td>{outcome.traffic?.[w].succeeded}</td>
                    <td>{outcome.traffic?.[w].failed}</td>
                    <td>
                      {outcome.traffic?.[w].p95Ms === null
                        ? "—"
                        : `${outcome.traffic?.[w].p95Ms} ms`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}

        {outcome ? (
          <ul className="mt-4 space-y-1 text-sm" data-testid="drill-invariants">
            {outcome.invariants.map((i) => (
              <li key={i.name} className="flex flex-wrap gap-2">
                <Badge tone={i.ok ? "success" : "danger"}>
                  {i.ok ? "✓" : "✗"} {i.name}
                </Badge>
                <span className="text-xs text-zinc-500">{i.detail}</span>
              </li>
            ))}
          </ul>
        ) : null}

        <details className="mt-4" open={d.status === "running"}>
          <summary className="cursor-pointer text-sm font-medium">
            Timeline ({events.length} events)
          </summary>
          <ol className="mt-2 space-y-1 font-mono text-xs">
            {events
              .filter((e) => e.type !== "progress" || d.status === "running")
              .slice(-40)
              .map((e, i) => (
                <li key={`${e.at}-${i}`}>
                  <span className="text-zinc-500">
                    {new Date(e.at).toLocaleTimeString("en-GB")}
                  </span>{" "}
                  {e.type} {describe(e)}
                </li>
              ))}
          </ol>
        </details>
      </div>
    </Card>
  );
}

function describe(e: Record<string, unknown>): string {
  switch (e.type) {
    case "ready":
      return `leader ${String(e.leader)}`;
    case "fault":
      return `${String(e.mode)} ${String(e.node)}`;
    case "recovered":
      return `new primary ${String(e.newPrimary ?? "?")} after ${fmt(Number(e.rtoMs))}`;
    case "progress":
      return `${String(e.acked)} acked, ${String(e.failed)} failed`;
    case "note":
      return String(e.message);
    case "rejoined":
      return `${String(e.node)} streaming again after ${fmt(Number(e.ms))}`;
    default:
      return e.node ? String(e.node) : "";
  }
}
