"use client";

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Badge, Card, Stat, StatGroup } from "@agora/ui";
import { CategoryBarChart } from "@agora/ui/charts";
import { useTRPC } from "@agora/trpc-next/react";
import { DrillReportView } from "./drill-report.tsx";

const BUTTON =
  "min-h-10 rounded-md bg-rose-600 px-4 text-sm font-semibold text-white hover:bg-rose-700 disabled:opacity-50";
const INPUT =
  "min-h-10 rounded-md border border-zinc-300 bg-white px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900";

const STATUS_TONE = {
  running: "warning",
  passed: "success",
  failed: "danger",
  error: "danger",
} as const;

export function DrillBoard() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [cluster, setCluster] = useState("shard-1");
  const [mode, setMode] = useState<"kill" | "freeze">("kill");
  const [selected, setSelected] = useState<string | null>(null);
  const list = useQuery({ ...trpc.ops.drills.list.queryOptions(), refetchInterval: 2_000 });
  // Only for the list of clusters: read once, not polled.
  const topo = useQuery({ ...trpc.ops.topology.queryOptions(), staleTime: Infinity, retry: false });
  const start = useMutation(
    trpc.ops.drills.start.mutationOptions({
      onSuccess: (r) => {
        setSelected(r.id);
        void qc.invalidateQueries({ queryKey: trpc.ops.drills.pathKey() });
      },
    }),
  );
  // The live strip polls only the drilled cluster (every member at once): the full topology
  // probe is too slow to show a new leader promptly while a drill loads the machine.
  const members = useQuery({
    ...trpc.ops.drills.cluster.queryOptions({ cluster }),
    refetchInterval: 1_000,
    retry: false,
  });
  const drills = list.data ?? [];
  const running = drills.find((d) => d.status === "running");
  const current = selected ?? running?.id ?? drills[0]?.id ?? null;
  const clusterView = members.data?.name === cluster ? members.data : undefined;
  const history = [...drills]
    .filter((d) => d.rtoMs !== null)
    .reverse()
    .map((d) => ({
      name: `${d.cluster} ${new Date(d.startedAt).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" })}`,
      rto: d.rtoMs === null ? null : Math.round(d.rtoMs / 100) / 10,
      failed: d.checkoutsFailed,
    }));

  return (
    <div className="space-y-6">
      <Card title="Run a drill">
        <div className="flex flex-wrap items-end gap-3">
          <label className="text-sm">
            Cluster
            <select
              className={`${INPUT} block`}
              value={cluster}
              onChange={(e) => setCluster(e.target.value)}
            >
              {(
                topo.data?.postgres ?? [{ name: "core" }, { name: "shard-1" }, { name: "shard-2" }]
              ).map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          <label className="text-sm">
            Fault
            <select
              className={`${INPUT} block`}
              value={mode}
              onChange={(e) => setMode(e.target.value as "kill" | "freeze")}
            >
              <option value="kill">crash the primary (SIGKILL)</option>
              <option value="freeze">freeze the primary (SIGSTOP, split-brain test)</option>
            </select>
          </label>
          <button
            type="button"
            className={BUTTON}
            disabled={start.isPending || !!running}
            onClick={() => start.mutate({ cluster, mode })}
          >
            {running ? `Drill on ${running.cluster} running…` : "Start drill"}
          </button>
          {start.error ? <Badge tone="danger">{start.error.message}</Badge> : null}
        </div>
        {clusterView ? (
          <div
            className="mt-4 flex flex-wrap items-center gap-2 text-sm"
            data-testid="drill-cluster-live"
          >
            <span className="text-zinc-500">
              {cluster}{" "}
              {members.isError ? (
                // Never show an old leader as the current one: say how old the view is and why.
                <span className="text-rose-600" data-testid="drill-cluster-stale">
                  as of {new Date(members.dataUpdatedAt).toLocaleTimeString("en-GB")} (status probe
                  failed: {members.error.message})
                </span>
              ) : (
                "now"
              )}
              :
            </span>
            {clusterView.members.map((m) => (
              <Badge
                key={m.name}
                tone={
                  m.name === clusterView.leader
                    ? "brand"
                    : m.state === "running" || m.state === "streaming"
                      ? "success"
                      : m.state === "unreachable"
                        ? "danger"
                        : "warning"
                }
              >
                {m.name} {m.name === clusterView.leader ? "· leader" : m.role}
              </Badge>
            ))}
          </div>
        ) : null}
      </Card>

      {current ? <DrillReportView id={current} /> : null}

      <Card
        title="History"
        description="RTO (seconds) and checkouts that failed while the cluster had no primary."
      >
        {history.length > 0 ? (
          <CategoryBarChart
            data={history}
            bars={[
              { key: "rto", label: "RTO (s)", color: "#e11d48" },
              { key: "failed", label: "checkouts failed", color: "#f59e0b" },
            ]}
          />
        ) : null}
        <StatGroup>
          <Stat label="Drills" value={drills.length} />
          <Stat label="Passed" value={drills.filter((d) => d.status === "passed").length} />
          <Stat
            label="Median RTO"
            value={(() => {
              const xs = drills
                .map((d) => d.rtoMs)
                .filter((x): x is number => x !== null)
                .sort((a, b) => a - b);
              const mid = xs[Math.floor(xs.length / 2)];
              return mid === undefined ? "—" : `${(mid / 1000).toFixed(1)} s`;
            })()}
          />
        </StatGroup>
        <ul className="mt-4 divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
          {drills.map((d) => (
            <li key={d.id}>
              <button
                type="button"
                className="flex w-full flex-wrap items-center gap-2 py-2 text-left hover:bg-zinc-50 dark:hover:bg-zinc-800"
                onClick={() => setSelected(d.id)}
              >
                <Badge tone={STATUS_TONE[d.status as keyof typeof STATUS_TONE] ?? "neutral"}>
                  {d.status}
                </Badge>
                <span className="font-mono">{d.cluster}</span>
                <span className="text-zinc-500">{d.mode}</span>
                <span className="text-zinc-500">
                  {new Date(d.startedAt).toLocaleString("en-GB")}
                </span>
                <span className="ml-auto">
                  {d.rtoMs !== null ? `RTO ${(d.rtoMs / 1000).toFixed(1)} s` : ""}
                  {d.lostWrites !== null ? ` · lost ${d.lostWrites}` : ""}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
