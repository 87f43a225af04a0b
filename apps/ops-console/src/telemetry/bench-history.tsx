"use client";

import { useQuery } from "@tanstack/react-query";
import type { RouterOutputs } from "@agora/api";
import { Badge, Card, EmptyState, Table } from "@agora/ui";
import { TimeSeriesChart } from "@agora/ui/charts";
import { useTRPC } from "@agora/trpc-next/react";

type Run = RouterOutputs["ops"]["performance"]["runs"][number];
type Scenario = Run["scenarios"][number];

const READS = [
  { key: "catalog-home", label: "catalog home", color: "#0ea5e9" },
  { key: "category-page-1", label: "category page", color: "#6366f1" },
  { key: "product", label: "product", color: "#22c55e" },
  { key: "search", label: "search", color: "#f59e0b" },
  { key: "suggest", label: "suggest", color: "#14b8a6" },
  { key: "product-origin", label: "product, edge bypassed", color: "#e11d48" },
];
const PAGES = [
  { key: "html-home", label: "home page HTML", color: "#0ea5e9" },
  { key: "html-product", label: "product page HTML", color: "#22c55e" },
  { key: "add-to-cart", label: "add to cart", color: "#f59e0b" },
];

const scenario = (run: Run, name: string): Scenario | undefined =>
  run.scenarios.find((s) => s.name === name);

/** One row per run with a number per series key (null where the run did not measure it). */
function points(
  runs: readonly Run[],
  series: readonly { key: string }[],
  value: (s: Scenario) => number | null,
) {
  return runs.map((run) => ({
    t: run.t,
    ...Object.fromEntries(
      series.map((x) => {
        const s = scenario(run, x.key);
        return [x.key, s ? value(s) : null];
      }),
    ),
  }));
}

/** One row per run from that run's `name` scenario (absent in a run: every value null). */
function perRun<K extends string>(
  runs: readonly Run[],
  name: string,
  row: (s: Scenario | undefined) => Record<K, number | null>,
) {
  return runs.map((run) => ({ t: run.t, ...row(scenario(run, name)) }));
}

const fmt = (n: number | null, digits = 0) => (n === null ? "–" : n.toFixed(digits));

/** The newest run as a table: the figures and each target met or missed. */
function LatestRun({ run }: { run: Run }) {
  return (
    <Card
      title="Latest run"
      description={`${new Date(run.at).toLocaleString("en-GB", { timeZone: "UTC" })} UTC, ${run.mode}${run.loadAvg1m !== null ? `, load ${run.loadAvg1m.toFixed(1)} at start` : ""}`}
    >
      <Table
        caption="Scenarios of the newest bench run"
        rows={run.scenarios}
        rowKey={(s) => s.name}
        columns={[
          { key: "name", header: "scenario", cell: (s) => s.name },
          {
            key: "rps",
            header: "rps",
            align: "right",
            cell: (s) =>
              s.idleCores !== null
                ? `${s.idleCores.toFixed(3)} core`
                : fmt(s.rps, s.rps !== null && s.rps < 100 ? 1 : 0),
          },
          { key: "p95", header: "p95 ms", align: "right", cell: (s) => fmt(s.p95Ms, 1) },
          {
            key: "ratio",
            header: "× ceiling",
            align: "right",
            hideOnMobile: true,
            cell: (s) => (s.ratioToCeiling === null ? "–" : `${(s.ratioToCeiling * 100).toFixed(1)} %`),
          },
          {
            key: "errors",
            header: "non-2xx / errors",
            align: "right",
            hideOnMobile: true,
            cell: (s) => `${s.non2xx} / ${s.errors}`,
          },
          {
            key: "targets",
            header: "targets",
            cell: (s) => (
              <span className="flex flex-wrap gap-1">
                {s.targets.map((t) => (
                  <Badge key={t.label} tone={t.met ? "success" : "danger"}>
                    {t.met ? "✔" : "✖"} {t.label}
                  </Badge>
                ))}
              </span>
            ),
          },
        ]}
      />
    </Card>
  );
}

export function BenchHistory() {
  const trpc = useTRPC();
  const overview = useQuery({ ...trpc.ops.performance.queryOptions(), refetchInterval: 30_000 });
  if (overview.error)
    return (
      <EmptyState tone="error" title="Bench history unavailable" description={overview.error.message} />
    );
  if (!overview.data) return <p className="text-sm text-zinc-500">Loading…</p>;
  if (!overview.data.available)
    return (
      <EmptyState
        title="No bench history in this deployment"
        description="The history is kept beside a local topology (its state folder)."
      />
    );
  const runs = overview.data.runs;
  const latest = runs.at(-1);
  if (!latest)
    return (
      <EmptyState
        title="No bench run yet"
        description="Run `npm run bench` (or `npm run bench -- --quick`) in the repository while the product runs; each run appears here."
      />
    );
  return (
    <div className="space-y-4">
      <LatestRun run={latest} />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Card
          title="Reads through the gateway, share of the ceiling"
          description="rps of each scenario over the bare Node server's rps in the same run (goal: ≥ 25 %)."
        >
          <TimeSeriesChart
            timeFormat="hour"
            unit="%"
            series={READS}
            data={points(runs, READS, (s) =>
              s.ratioToCeiling === null ? null : Math.round(s.ratioToCeiling * 1000) / 10,
            )}
          />
        </Card>
        <Card title="Reads, p95 latency" description="Goal: ≤ 20 ms cached, search ≤ 50 ms.">
          <TimeSeriesChart
            timeFormat="hour"
            unit="ms"
            series={READS}
            data={points(runs, READS, (s) => s.p95Ms)}
          />
        </Card>
        <Card title="Pages and cart, p95 latency" description="Goal: HTML ≤ 100 ms, API < 200 ms.">
          <TimeSeriesChart
            timeFormat="hour"
            unit="ms"
            series={PAGES}
            data={points(runs, PAGES, (s) => s.p95Ms)}
          />
        </Card>
        <Card
          title="Checkout end to end"
          description="Submit → READY_FOR_FULFILMENT with N shoppers at once (goal: p95 < 5 s, 0 failed)."
        >
          <TimeSeriesChart
            timeFormat="hour"
            series={[
              { key: "p95", label: "p95 s", color: "#f59e0b" },
              { key: "failed", label: "orders not ready", color: "#e11d48" },
            ]}
            data={perRun(runs, "checkout", (c) => ({
              p95: c?.p95Ms == null ? null : Math.round(c.p95Ms / 100) / 10,
              failed: c ? c.errors : null,
            }))}
          />
        </Card>
        <Card
          title="Idle cost of the whole product"
          description="CPU cores and resident memory with nobody using it (goals: ≤ 0.15 core, ≤ 2.5 GB)."
        >
          <TimeSeriesChart
            timeFormat="hour"
            series={[
              { key: "cores", label: "cores × 10", color: "#6366f1" },
              { key: "rssGb", label: "RSS GB", color: "#14b8a6" },
            ]}
            data={perRun(runs, "idle", (idle) => ({
              cores: idle?.idleCores == null ? null : Math.round(idle.idleCores * 100) / 10,
              rssGb: idle?.idleRssMb == null ? null : Math.round(idle.idleRssMb / 100) / 10,
            }))}
          />
        </Card>
      </div>
    </div>
  );
}
