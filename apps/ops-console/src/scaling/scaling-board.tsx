"use client";

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { RouterOutputs } from "@agora/api";
import { Badge, Card, EmptyState, Grid, Stat, StatGroup, Table } from "@agora/ui";
import { TimeSeriesChart } from "@agora/ui/charts";
import { useTRPC } from "@agora/trpc-next/react";
import { ActionButton } from "../shell/action-button.tsx";

type Overview = Extract<RouterOutputs["ops"]["scaling"]["overview"], { available: true }>;
type Decision = Overview["decisions"][number];
type Window = NonNullable<Overview["spike"]["latest"]>["windows"][number];
type Instance = Overview["storefront"]["instances"][number];

const COLORS = ["#0ea5e9", "#6366f1", "#22c55e", "#f59e0b", "#e11d48", "#14b8a6"];
const time = (iso: string) => new Date(iso).toLocaleTimeString("en-GB");

const field = "min-h-10 w-24 rounded-md border border-zinc-300 bg-transparent px-2 text-sm dark:border-zinc-700";

/** The spike's bounds as the operator chooses them (the API caps them like `npm run spike`). */
function SpikeForm({ running }: { running: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [durationS, setDurationS] = useState(180);
  const [connections, setConnections] = useState(40);
  const [shoppers, setShoppers] = useState(5);
  const start = useMutation({
    ...trpc.ops.scaling.startSpike.mutationOptions(),
    onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.ops.scaling.overview.queryKey() }),
  });
  const sent = start.variables;
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-sm">
          Duration (s)
          <input className={field} type="number" min={30} max={900} value={durationS} onChange={(e) => setDurationS(Number(e.target.value))} />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Connections
          <input className={field} type="number" min={1} max={64} value={connections} onChange={(e) => setConnections(Number(e.target.value))} />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Shoppers
          <input className={field} type="number" min={0} max={20} value={shoppers} onChange={(e) => setShoppers(Number(e.target.value))} />
        </label>
        <ActionButton
          label={running ? "A spike is running…" : "Start a sale spike"}
          pendingLabel="Starting…"
          action={start}
          onClick={() => start.mutate({ durationS, connections, shoppers, autoscale: true })}
          done={() => `Started: ${sent?.durationS ?? durationS} s at ${sent?.connections ?? connections} connections through the gateway. Watch the charts.`}
        />
      </div>
      <p className="text-xs text-zinc-500">
        Bounded: loopback only, one at a time, 30 s to 15 minutes, at most 64 connections and 20 shoppers. The same run as{" "}
        <code>npm run spike</code>.
      </p>
    </div>
  );
}

/** Every live storefront instance the service registry lists, with its latest scrape. */
function StorefrontInstances({ tier }: { tier: Overview["storefront"] }) {
  return (
    <div data-testid="storefront-instances">
      <Table<Instance>
        caption="Live storefront instances"
        rows={tier.instances}
        rowKey={(i) => i.instanceId}
        empty={
          <EmptyState
            title={tier.registryReachable ? "No storefront instance is registered" : "The service registry does not answer"}
            description="Instances register themselves in etcd with a lease; the list follows them as they come and go."
          />
        }
        columns={[
          { key: "id", header: "Instance", cell: (i) => <span className="font-medium">{i.instanceId}</span> },
          { key: "address", header: "Address", cell: (i) => <code className="text-xs">{i.address}</code>, hideOnMobile: true },
          { key: "version", header: "Version", cell: (i) => i.version, hideOnMobile: true },
          {
            key: "ready",
            header: "Routing",
            cell: (i) => <Badge tone={i.ready ? "success" : "warning"}>{i.ready ? "ready" : "draining"}</Badge>,
          },
          { key: "rps", header: "req/s", align: "right", cell: (i) => (i.rps === null ? "–" : i.rps.toFixed(1)) },
          { key: "p95", header: "p95 ms", align: "right", cell: (i) => i.p95Ms ?? "–" },
          {
            key: "scraped",
            header: "Metrics",
            cell: (i) => (i.scraped === null ? "waiting for its first scrape" : i.scraped ? "scraped" : <Badge tone="danger">no answer</Badge>),
            hideOnMobile: true,
          },
        ]}
      />
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
        <Stat
          label="Storefront p95"
          value={data.storefront.p95Ms === null ? "–" : `${data.storefront.p95Ms} ms`}
          hint={`tRPC calls over ${data.storefront.instances.length} live instance(s), last 5 s`}
        />
        {targets.map((t) => (
          <Stat key={t.name} label={t.name} value={`${t.current} → ${t.desired}`} hint={`${t.min}–${t.max} · ${t.reason}`} />
        ))}
      </StatGroup>

      <Card title="Live storefront instances" description="From the service registry: the topology's own instances, the autoscaler's extra ones and a rollout's, each scraped every 5 s.">
        <StorefrontInstances tier={data.storefront} />
      </Card>

      <Card title="Sale spike" aside={data.spike.running ? <Badge tone="warning">running</Badge> : undefined}>
        <SpikeForm running={data.spike.running} />
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
        <Card
          title="Storefront p95 response time"
          description="95th percentile of the tRPC calls of every live storefront instance (their latency histograms, scraped every 5 s, merged); p50 for scale. The spike's own end-to-end p95 is in its table."
        >
          <TimeSeriesChart
            data={data.storefront.series}
            unit=" ms"
            series={[
              { key: "p95Ms", label: "p95 ms", color: "#e11d48" },
              { key: "p50Ms", label: "p50 ms", color: "#6366f1" },
            ]}
          />
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
