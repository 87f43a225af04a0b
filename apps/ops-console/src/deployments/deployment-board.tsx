"use client";

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { RouterOutputs } from "@agora/api";
import { Badge, type BadgeTone, Card, EmptyState, Stat, StatGroup, Table } from "@agora/ui";
import { CategoryBarChart } from "@agora/ui/charts";
import { useTRPC } from "@agora/trpc-next/react";
import { ActionButton } from "../shell/action-button.tsx";

type Rollout = NonNullable<RouterOutputs["ops"]["deployments"]["overview"]["rollout"]>;
type Run = Rollout["analysisRuns"][number];
type Measurement = Run["metrics"][number]["measurements"][number] & { metric: string; n: number };

const PHASE_TONE: Record<string, BadgeTone> = {
  Healthy: "success",
  Successful: "success",
  Progressing: "brand",
  Running: "brand",
  Pending: "neutral",
  Paused: "warning",
  Inconclusive: "warning",
  Degraded: "danger",
  Failed: "danger",
  Error: "danger",
};

const phase = (p: string) => <Badge tone={PHASE_TONE[p] ?? "neutral"}>{p}</Badge>;

function stepLabel(s: Rollout["steps"][number]): string {
  if (s.kind === "setWeight") return `set weight ${s.weight} %`;
  if (s.kind === "pause") return s.ms === undefined ? "pause until promoted" : `pause ${Math.round(s.ms / 1000)} s`;
  return `analysis (${s.metrics.map((m) => m.name).join(", ")})`;
}

function value(metric: string, v: number | null): string {
  if (v === null) return "no data";
  return metric === "error-rate" ? `${(v * 100).toFixed(1)} %` : `${Math.round(v * 1000)} ms`;
}

function StartForm() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [strategy, setStrategy] = useState<"canary" | "blue-green">("canary");
  const [version, setVersion] = useState("v2");
  const [fault, setFault] = useState(0);
  const start = useMutation({
    ...trpc.ops.deployments.start.mutationOptions(),
    onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.ops.deployments.overview.queryKey() }),
  });
  const field = "min-h-10 rounded-md border border-zinc-300 bg-transparent px-2 text-sm dark:border-zinc-700";
  return (
    <Card title="Start a release" description="Runs as a bounded job; progress appears below.">
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-sm">
          Strategy
          <select className={field} value={strategy} onChange={(e) => setStrategy(e.target.value as "canary" | "blue-green")}>
            <option value="canary">canary</option>
            <option value="blue-green">blue-green</option>
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Version
          <input className={field} value={version} onChange={(e) => setVersion(e.target.value)} />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Product-read fault
          <select className={field} value={fault} onChange={(e) => setFault(Number(e.target.value))}>
            <option value={0}>none</option>
            <option value={0.2}>20 % of reads fail</option>
          </select>
        </label>
        <ActionButton
          label="Deploy"
          pendingLabel="Starting…"
          action={start}
          onClick={() => start.mutate({ strategy, version, productReadFaultRate: fault })}
          done={() => "started"}
        />
      </div>
    </Card>
  );
}

function Controls({ rollout }: { rollout: Rollout }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const act = useMutation({
    ...trpc.ops.deployments.action.mutationOptions(),
    onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.ops.deployments.overview.queryKey() }),
  });
  if (!rollout.running) return null;
  const send = (action: "promote" | "abort" | "rollback") => act.mutate({ rolloutId: rollout.id, action });
  return (
    <div className="flex flex-wrap gap-3">
      <ActionButton label="Promote" pendingLabel="Sending…" action={act} onClick={() => send("promote")} done={() => "sent"} />
      <ActionButton label="Abort" pendingLabel="Sending…" action={act} onClick={() => send("abort")} done={() => "sent"} />
      {rollout.strategy === "blue-green" && rollout.canaryWeight === 100 && (
        <ActionButton label="Roll back to blue" pendingLabel="Sending…" action={act} onClick={() => send("rollback")} done={() => "sent"} />
      )}
    </div>
  );
}

export function DeploymentBoard() {
  const trpc = useTRPC();
  const overview = useQuery({ ...trpc.ops.deployments.overview.queryOptions(), refetchInterval: 2_000 });
  if (overview.isError)
    return (
      <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
        {overview.error.message}
      </p>
    );
  const data = overview.data;
  if (!data) return <p className="text-sm text-zinc-500">Loading…</p>;
  const r = data.rollout;
  return (
    <div className="space-y-6">
      {data.available && (!r || !r.running) && <StartForm />}
      {!r ? (
        <EmptyState title="No release has been rolled out" description="Start one above or with `npm run deploy -- --strategy canary`." />
      ) : (
        <RolloutView rollout={r} />
      )}
    </div>
  );
}

function RolloutView({ rollout: r }: { rollout: Rollout }) {
  const measurements: Measurement[] = r.analysisRuns.flatMap((run, ri) =>
    run.metrics.flatMap((m) => m.measurements.map((x, i) => ({ ...x, metric: m.name, n: ri * 100 + i }))),
  );
  const errorBars = r.analysisRuns.flatMap((run) =>
    (run.metrics.find((m) => m.name === "error-rate")?.measurements ?? []).map((x, i) => ({
      name: `step ${run.step + 1} #${i + 1}`,
      errorRate: x.value === null ? null : Math.round(x.value * 1000) / 10,
    })),
  );
  return (
    <div className="space-y-6">
      <StatGroup>
        <Stat label="Release" value={`${r.stable.version} → ${r.next.version}`} hint={r.strategy} />
        <Stat label="Phase" value={r.phase} hint={r.running ? "job running" : "job ended"} />
        <Stat label="New version's traffic" value={`${r.canaryWeight} %`} hint={`stable ${100 - r.canaryWeight} %`} />
        {r.rollbackMs !== undefined && <Stat label="Rollback" value={`${r.rollbackMs} ms`} hint="decision → all weight on stable" />}
      </StatGroup>
      <p className="text-sm" role="status">
        {phase(r.phase)} <span className="ml-2">{r.message}</span>
      </p>
      <Controls rollout={r} />
      <Card title="Steps">
        <ol className="space-y-1 text-sm">
          {r.steps.map((s, i) => (
            <li key={i} className={i === r.stepIndex && !r.finishedAt ? "font-semibold" : i < r.stepIndex ? "text-zinc-500" : ""}>
              {i + 1}. {stepLabel(s)}
              {i === r.stepIndex && !r.finishedAt ? " ← now" : ""}
            </li>
          ))}
        </ol>
      </Card>
      {errorBars.length > 0 && (
        <Card title="Error rate per measurement (new version, %)">
          <CategoryBarChart data={errorBars} bars={[{ key: "errorRate", label: "server errors %", color: "#e11d48" }]} unit="%" />
        </Card>
      )}
      {r.analysisRuns.map((run, ri) => (
        <Card key={ri} title={`Analysis at step ${run.step + 1} (${run.version})`} description={run.metrics.map((m) => `${m.name}: ${m.condition}`).join(" · ")}>
          <p className="mb-2 text-sm">
            {phase(run.phase)} {run.metrics.map((m) => `${m.name}: ${m.reason}`).join("; ")}
          </p>
          <Table<Measurement>
            caption="Measurements"
            rows={measurements.filter((m) => Math.floor(m.n / 100) === ri)}
            rowKey={(m) => `${m.metric}-${m.n}`}
            columns={[
              { key: "at", header: "When", cell: (m) => m.at.slice(11, 19) },
              { key: "metric", header: "Metric", cell: (m) => m.metric },
              { key: "value", header: "Value", align: "right", cell: (m) => value(m.metric, m.value) },
              { key: "requests", header: "Calls", align: "right", cell: (m) => m.requests, hideOnMobile: true },
              { key: "phase", header: "Verdict", cell: (m) => phase(m.phase) },
            ]}
          />
        </Card>
      ))}
      <Card title="Events">
        <ul className="max-h-80 space-y-1 overflow-y-auto text-xs">
          {[...r.events].reverse().map((e, i) => (
            <li key={i}>
              <span className="text-zinc-500">{e.at.slice(11, 19)}</span> {e.message}
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
