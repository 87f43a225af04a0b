"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import type { RouterOutputs } from "@agora/api";
import { Badge, Card, EmptyState, Grid, Stat, StatGroup, Table } from "@agora/ui";
import { TimeSeriesChart } from "@agora/ui/charts";
import { useTRPC } from "@agora/trpc-next/react";
import { ActionButton } from "../shell/action-button.tsx";

type Overview = Extract<RouterOutputs["ops"]["scaling"]["overview"], { available: true }>;
type Decision = Overview["decisions"][number];
type Window = NonNullable<Overview["spike"]["latest"]>["windows"][number];

const COLORS = ["#0ea5e9", "#6366f1", "#22c55e", "#f59e0b", "#e11d48", "#14b8a6"];
const time = (iso: string) => new Date(iso).toLocaleTimeString("en-GB");

function SpikeButton({ running }: { running: boolean }) {
  const trpc = useTRPC();
  const start = useMutation(trpc.ops.scaling.startSpike.mutationOptions());
  return (
    <div className="space-y-2">
      <ActionButton
        label={running ? "A spike is running…" : "Start a sale spike"}
        pendingLabel="Starting…"
        action={start}
        onClick={() => start.mutate({ durationS: 180, connections: 40, shoppers: 5, autoscale: true })}
        done={() => "Started: 3 minutes at 40 connections through the gateway. Watch the charts."}
      />
      <p className="text-xs text-zinc-500">
        Bounded: loopback only, one at a time, at most 15 minutes and 64 connections. The same run as{" "}
        <code>npm run spike</code>.
      </p>
    </div>
  );
}

export function ScalingBoard() {
  const trpc = useTRPC();
  const overview = useQuery({ ...trpc.ops.scaling.overview.queryOptions(), refetchInterval: 5_000 });
  const data = overview.data;
  if (overview.isError)
    return (
      <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
        {overview.error.message}
      </p>
    );
  if (!data) return <p className="text-sm text-zinc-500">Loading…</p>;
  if (!data.available)
    return <EmptyState title="No autoscaler here" description="This deployment keeps no autoscaler record." />;

  const targets = data.targets.map((t, i) => ({ ...t, color: COLORS[i % COLORS.length] as string }));
  const pools = targets.filter((t) => t.name.startsWith("workers-"));
  const spike = data.spike.running ? data.spike.progress : data.spike.latest;
  return (
    <div className="space-y-6">
      <StatGroup>
        <Stat label="Autoscaling" value={data.enabled === null ? "–" : data.enabled ? "on" : "off"} hint={data.intervalMs ? `every ${data.intervalMs / 1000} s` : undefined} />
        {targets.map((t) => (
          <Stat key={t.name} label={t.name} value={`${t.current} → ${t.desired}`} hint={`${t.min}–${t.max} · ${t.reason}`} />
        ))}
      </StatGroup>

      <Card title="Sale spike" aside={data.spike.running ? <Badge tone="warning">running</Badge> : undefined}>
        <SpikeButton running={data.spike.running} />
        {spike && (
          <div className="mt-4">
            <p className="mb-2 text-sm text-zinc-600 dark:text-zinc-400">
              {data.spike.running ? "Running" : "Last run"}: autoscaling {spike.autoscale ? "on" : "off"}, {spike.connections} connections,{" "}
              {spike.durationS} s{spike.loadAverage.length ? `, load average ${spike.loadAverage.join(" ")}` : ""}
              {spike.checkout ? `; checkouts ${spike.checkout.ready}/${spike.checkout.shoppers} ready` : ""}
            </p>
            <Table<Window>
              caption="Spike per window"
              rows={spike.windows}
              rowKey={(w) => String(w.atS)}
              columns={[
                { key: "t", header: "t (s)", cell: (w) => w.atS },
                { key: "rps", header: "req/s", cell: (w) => w.rps, align: "right" },
                { key: "p95", header: "p95 ms", cell: (w) => w.p95Ms, align: "right" },
                { key: "errors", header: "errors", cell: (w) => w.errors, align: "right" },
                { key: "sf", header: "storefronts", cell: (w) => w.instances.storefront ?? "–", align: "right" },
              ]}
            />
          </div>
        )}
      </Card>

      <Grid>
        <Card title="Instances per target">
          <TimeSeriesChart
            data={data.series}
            series={targets.map((t) => ({ key: `instances:${t.name}`, label: t.name, color: t.color }))}
          />
        </Card>
        <Card title="Storefront requests per second">
          <TimeSeriesChart data={data.series} series={[{ key: "rps", label: "req/s (gateway)", color: "#0ea5e9" }]} />
        </Card>
        <Card title="Storefront response time" description="HAProxy's average over the last 1024 requests; the spike's own p95 is in its table.">
          <TimeSeriesChart data={data.series} unit=" ms" series={[{ key: "responseMs", label: "response ms", color: "#e11d48" }]} />
        </Card>
        <Card title="Oldest waiting job per pool">
          <TimeSeriesChart
            data={data.series}
            unit=" s"
            series={pools.map((t) => ({ key: `age:${t.name}`, label: t.name, color: t.color }))}
          />
        </Card>
      </Grid>

      <Table<Decision>
        caption="Latest decisions"
        rows={data.decisions}
        rowKey={(d) => `${d.at}/${d.target}`}
        empty={<EmptyState title="No decisions yet" description="Each change of a target's size, and each change of reason, is listed here." />}
        columns={[
          { key: "at", header: "Time", cell: (d) => time(d.at) },
          { key: "target", header: "Target", cell: (d) => <span className="font-medium">{d.target}</span> },
          { key: "change", header: "Instances", cell: (d) => `${d.from} → ${d.to}`, align: "right" },
          {
            key: "reason",
            header: "Reason",
            cell: (d) => (
              <Badge tone={d.to > d.from ? "warning" : d.to < d.from ? "success" : "neutral"}>
                {d.by}: {d.reason}
              </Badge>
            ),
          },
          {
            key: "metrics",
            header: "Metrics",
            cell: (d) => (
              <code className="text-xs">
                {Object.entries(d.metrics)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(" ")}
              </code>
            ),
            hideOnMobile: true,
          },
        ]}
      />
    </div>
  );
}
