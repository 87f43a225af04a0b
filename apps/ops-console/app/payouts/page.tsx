import { Badge, EmptyState, Table, formatPrice, type Column } from "@agora/ui";
import type { RouterOutputs } from "@agora/api";
import { OpsShell } from "../../src/shell/ops-shell.tsx";
import { api, orUnavailable } from "../../src/trpc/server.tsx";

export const metadata = { title: "Payouts" };
export const dynamic = "force-dynamic";

type Overview = RouterOutputs["ops"]["payouts"];
type InDoubt = Overview["inDoubt"][number];
type Recent = Overview["recent"][number];

const at = (d: Date) => d.toISOString().replace("T", " ").slice(0, 19);

const inDoubtColumns: Column<InDoubt>[] = [
  { key: "cluster", header: "Cluster", cell: (x) => x.cluster },
  { key: "gid", header: "Global transaction id", cell: (x) => <span className="font-mono text-xs">{x.gid}</span> },
  { key: "age", header: "Prepared for", align: "right", cell: (x) => `${x.ageSeconds} s` },
  {
    key: "decision",
    header: "Coordinator log",
    cell: (x) =>
      x.decision === "committed" ? (
        <Badge tone="success">committed → will COMMIT PREPARED</Badge>
      ) : (
        <Badge tone="warning">{x.decision ?? "no row"} → will ROLLBACK PREPARED after the grace period</Badge>
      ),
  },
];

const recentColumns: Column<Recent>[] = [
  { key: "when", header: "Created", cell: (p) => at(p.createdAt) },
  { key: "vendor", header: "Vendor", hideOnMobile: true, cell: (p) => <span className="font-mono text-xs">{p.vendorId}</span> },
  { key: "shard", header: "Shard", hideOnMobile: true, cell: (p) => p.shard },
  { key: "amount", header: "Amount", align: "right", cell: (p) => formatPrice(p.amountCents, p.currency) },
  {
    key: "state",
    header: "State",
    cell: (p) => (
      <span title={p.failure ?? undefined}>
        <Badge tone={p.state === "committed" ? "success" : p.state === "aborted" ? "danger" : "warning"}>{p.state}</Badge>
        {p.state === "committed" && !p.completed ? <span className="ml-2 text-xs text-zinc-500">not yet committed on both sides</span> : null}
      </span>
    ),
  },
];

export default async function PayoutsPage() {
  const overview = await orUnavailable((await api()).ops.payouts());
  return (
    <OpsShell
      current="/payouts"
      title="Payouts"
      description="Vendor payouts are a two-phase commit across the core ledger and the vendor's shard. Prepared transactions listed here are in doubt: they hold locks until the maintenance pool's recovery commits or rolls them back by the coordinator log."
    >
      {overview.ok ? (
        <div className="space-y-8">
          <section>
            <h2 className="mb-2 text-sm font-semibold">In-doubt transactions</h2>
            <Table
              columns={inDoubtColumns}
              rows={overview.data.inDoubt}
              rowKey={(x) => `${x.cluster}/${x.gid}`}
              empty={<p className="text-sm text-zinc-500">None: no prepared payout transaction on any cluster.</p>}
            />
          </section>
          <section>
            <h2 className="mb-2 text-sm font-semibold">Recent payouts</h2>
            <Table columns={recentColumns} rows={overview.data.recent} rowKey={(p) => p.id} empty={<p className="text-sm text-zinc-500">No payouts yet.</p>} />
          </section>
        </div>
      ) : (
        <EmptyState tone="error" title="Payouts unavailable" description={overview.reason} />
      )}
    </OpsShell>
  );
}
