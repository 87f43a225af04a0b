"use client";

import { useQuery } from "@tanstack/react-query";
import type { RouterOutputs } from "@agora/api";
import { Badge, Card, EmptyState, Grid, Stat, StatGroup, Table } from "@agora/ui";
import { TimeSeriesChart } from "@agora/ui/charts";
import { useTRPC } from "@agora/trpc-next/react";
import { LinkControls } from "./link-controls.tsx";
import { RegionDrillPanel } from "./region-drill-panel.tsx";
import { RegionMap } from "./region-map.tsx";

type Overview = Extract<RouterOutputs["ops"]["regions"]["overview"], { available: true }>;
type Tenant = NonNullable<Overview["tenants"]>[number];
type Drill = NonNullable<Overview["drills"]>[number];
type Consistency = Overview["consistency"][number];

const COLORS = ["#0ea5e9", "#f59e0b", "#22c55e", "#e11d48"];
const when = (iso: string) => new Date(iso).toLocaleString("en-GB");
const seconds = (ms: number | null) => (ms === null ? "–" : `${(ms / 1000).toFixed(1)} s`);
const bytes = (n: number | null) => (n === null ? "–" : n < 1024 ? `${n} B` : `${(n / 1024).toFixed(0)} kB`);

function Refusal() {
  return (
    <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
      Partition controls need the ops:regions permission (admins).
    </p>
  );
}

export function RegionBoard({ canControl }: { canControl: boolean }) {
  const trpc = useTRPC();
  const overview = useQuery({ ...trpc.ops.regions.overview.queryOptions({ minutes: 15 }), refetchInterval: 5_000 });
  const data = overview.data;
  if (overview.isError)
    return (
      <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
        {overview.error.message}
      </p>
    );
  if (!data) return <p className="text-sm text-zinc-500">Loading…</p>;
  if (!data.available)
    return <EmptyState title="No region data here" description="This deployment's ops backend does not describe its regions." />;

  const remote = data.regions.filter((r) => !r.holdsCorePrimary);
  const link = data.links[0];
  const standby = link?.standby[0];
  const oneRegion = data.regions.length === 1;
  return (
    <div className="space-y-6">
      {oneRegion && (
        <Card title="One region">
          <p className="text-sm" data-testid="one-region">
            This deployment runs one region ({data.coreRegion}): every shard, the core primary and every worker pool are
            there, and there is no link to partition. Start two with <code>{data.twoRegionsHint}</code>.
          </p>
        </Card>
      )}
      {data.unreachableLinks.length > 0 && (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
          The link to {data.unreachableLinks.join(", ")} does not answer (its process is down): state unknown.
        </p>
      )}

      <StatGroup>
        <Stat label="Regions" value={data.regions.length} hint={`core primary in ${data.coreRegion}`} />
        <Stat
          label="Link"
          value={link ? link.state.mode : oneRegion ? "–" : "unknown"}
          hint={
            link
              ? `${link.state.rttMs} ms round trip${link.state.witness ? ` · witness ⇄ eu ${link.state.witness.eu}, ⇄ us ${link.state.witness.us}` : ""}`
              : undefined
          }
        />
        {link && (
          <Stat
            label={`Arbiter of ${link.region}`}
            value={link.arbiter ? link.arbiter.decision : "–"}
            hint={
              link.arbiter
                ? `${link.arbiter.mode === "auto" ? "promotes on its own" : "advisory"}: ${link.arbiter.reason}`
                : "no decision recorded"
            }
          />
        )}
        <Stat
          label={remote[0] ? `${remote[0].name} copy age` : "Copy age"}
          value={seconds(standby?.copyAgeMs ?? null)}
          hint={standby ? `${bytes(standby.lagBytes)} behind · ${standby.role ?? "not answering"}` : undefined}
        />
        <Stat
          label="Shoppers by home region"
          value={Object.entries(data.shoppersByRegion ?? {})
            .map(([r, n]) => `${r} ${n}`)
            .join(" · ") || "–"}
          hint="recorded at sign-up from the region that served it"
        />
      </StatGroup>

      <Card title="Map" description="What runs where. The core primary takes every order; the other region keeps a read-only copy of core through the link.">
        <div className="overflow-x-auto">
          <RegionMap regions={data.regions} links={data.links} />
        </div>
      </Card>

      <Grid>
        <Card
          title="Replication lag of the remote copy"
          description="Age of the us copy of core by the replication heartbeat (grows while the link is cut: replay lag alone cannot show that), sampled every 5 s."
        >
          {oneRegion ? (
            <EmptyState title="One region" description="No remote copy to chart." />
          ) : data.lag.length === 0 ? (
            <EmptyState title="Collecting…" />
          ) : (
            <TimeSeriesChart
              unit=" ms"
              data={data.lag.map((p) => ({ t: p.t, ...Object.fromEntries(Object.entries(p.copyAgeMs).map(([r, v]) => [`age:${r}`, v])) }))}
              series={remote.map((r, i) => ({ key: `age:${r.name}`, label: `${r.name} copy age`, color: COLORS[i % COLORS.length] ?? "#71717a" }))}
            />
          )}
        </Card>
        <Card title="Partition controls" description="Cut, heal, one-way, flaky, latency of the link between the regions.">
          {!canControl ? <Refusal /> : oneRegion ? <p className="text-sm text-zinc-500">One region: no link to change.</p> : <LinkControls />}
        </Card>
      </Grid>

      {!oneRegion && <RegionDrillPanel canControl={canControl} coreRegion={data.coreRegion} promotedRegion={data.promotedRegion} />}

      <Table<Consistency>
        caption="Consistency per kind of data"
        rows={[...data.consistency]}
        rowKey={(c) => c.data}
        columns={[
          { key: "data", header: "Data", cell: (c) => <span className="font-medium">{c.data}</span> },
          { key: "choice", header: "Under a partition", cell: (c) => <Badge tone={c.choice === "AP" ? "success" : "warning"}>{c.choice}</Badge> },
          { key: "read", header: "Reads", cell: (c) => c.read, hideOnMobile: true },
        ]}
      />

      {data.tenants === null ? (
        <EmptyState title="Tenants unavailable" description="Core (this console's database) does not answer: during a region drill, until the failback." />
      ) : (
        <Table<Tenant>
          caption="Where each tenant lives"
          rows={data.tenants}
          rowKey={(v) => v.id}
          empty={<EmptyState title="No vendors yet" />}
          columns={[
            { key: "name", header: "Vendor", cell: (v) => <span className="font-medium">{v.name}</span> },
            { key: "home", header: "Home region", cell: (v) => v.homeRegion },
            { key: "shard", header: "Shard", cell: (v) => v.shard ?? "–" },
            { key: "shardRegion", header: "Shard runs in", cell: (v) => v.shardRegion ?? "–", hideOnMobile: true },
            {
              key: "local",
              header: "Locality",
              cell: (v) => <Badge tone={v.local ? "success" : "danger"}>{v.local ? "in its home region" : "outside its home region"}</Badge>,
            },
          ]}
        />
      )}

      <div data-testid="region-drills">
        {data.drills === null ? (
          <EmptyState title="Drill history unavailable" description="The drill store (in core) could not be read: during a region drill it comes back with the failback." />
        ) : (
          <Table<Drill>
            caption="Region drills"
            rows={data.drills}
            rowKey={(d) => d.id}
            empty={<EmptyState title="No region drill yet" description="Region failover drills record their report in the drill store; they are listed here with RTO and RPO." />}
            columns={[
              { key: "at", header: "Started", cell: (d) => when(d.startedAt) },
              // The region drill stores its target as `region-<name>` beside the cluster drills.
              { key: "target", header: "Lost", cell: (d) => `${d.target.replace(/^region-/, "")} (${d.mode})` },
              { key: "status", header: "Result", cell: (d) => <Badge tone={d.status === "passed" ? "success" : d.status === "running" ? "warning" : "danger"}>{d.status}</Badge> },
              { key: "rto", header: "RTO", align: "right", cell: (d) => seconds(d.rtoMs) },
              { key: "rpo", header: "RPO (acked lost)", align: "right", cell: (d) => (d.rpoLost === null ? "–" : d.rpoLost) },
              { key: "rpoMs", header: "RPO window", align: "right", cell: (d) => seconds(d.rpoMs), hideOnMobile: true },
            ]}
          />
        )}
      </div>
    </div>
  );
}
