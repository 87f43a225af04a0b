import type { RouterOutputs } from "@agora/api";
import { Badge, type BadgeTone, Card, type Column, EmptyState, Table } from "@agora/ui";
import { api, orUnavailable } from "../trpc/server.tsx";
import { RunReconcileButton } from "./run-reconcile-button.tsx";

type Run = RouterOutputs["ops"]["analytics"]["reconcileRuns"][number];

const TONE: Record<string, BadgeTone> = {
  clean: "success",
  repaired: "warning",
  failed: "danger",
  running: "brand",
};

const day = (d: Date) => d.toISOString().slice(0, 10);

const columns: Column<Run>[] = [
  {
    key: "started",
    header: "Started (UTC)",
    cell: (r) => r.startedAt.toISOString().slice(0, 16).replace("T", " "),
  },
  {
    key: "status",
    header: "Result",
    cell: (r) => <Badge tone={TONE[r.status] ?? "neutral"}>{r.status}</Badge>,
  },
  { key: "range", header: "Days", cell: (r) => `${day(r.rangeStart)} → ${day(r.rangeEnd)}` },
  { key: "trigger", header: "Trigger", hideOnMobile: true, cell: (r) => r.trigger },
  {
    key: "read",
    header: "Events / views",
    align: "right",
    hideOnMobile: true,
    cell: (r) => `${r.eventsRead} / ${r.viewsRead}`,
  },
  {
    key: "differences",
    header: "Differences (vendors)",
    align: "right",
    cell: (r) => `${r.differences} (${r.vendorsAffected})`,
  },
];

/** The analytics batch's latest runs: recomputed from the events, compared, repaired. */
export async function ReconcileRuns() {
  const runs = await orUnavailable((await api()).ops.analytics.reconcileRuns({ limit: 10 }));
  return (
    <Card
      title="Analytics reconcile"
      description="The nightly batch recomputes sales rollups from order events and repairs every difference the stream left."
    >
      <div className="mb-3">
        <RunReconcileButton />
      </div>
      {runs.ok ? (
        <Table
          columns={columns}
          rows={runs.data}
          rowKey={(r) => r.id}
          caption="Analytics reconcile runs"
          empty={<p className="text-sm text-zinc-500">No reconcile run yet.</p>}
        />
      ) : (
        <EmptyState tone="error" title="Reconcile runs unavailable" description={runs.reason} />
      )}
    </Card>
  );
}
