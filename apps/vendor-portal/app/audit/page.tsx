import { hasPermission } from "@agora/api/permissions";
import { EmptyState, PageHeader, Table, type Column } from "@agora/ui";
import type { RouterOutputs } from "@agora/api";
import { forbidden } from "next/navigation";
import { currentSession } from "../../src/auth/session.ts";
import { VendorShell } from "../../src/shell/vendor-shell.tsx";
import { api, orUnavailable } from "../../src/trpc/server.tsx";

export const metadata = { title: "Audit log" };

type Entry = RouterOutputs["vendor"]["auditLog"]["items"][number];

function summary(v: unknown): string {
  if (v === null || v === undefined) return "—";
  const s = JSON.stringify(v);
  return s.length > 140 ? `${s.slice(0, 140)}…` : s;
}

const columns: Column<Entry>[] = [
  { key: "at", header: "When", cell: (e) => e.at.toISOString().replace("T", " ").slice(0, 19) },
  { key: "who", header: "Who", cell: (e) => e.actorEmail ?? e.actorUserId ?? "system" },
  { key: "what", header: "What", cell: (e) => <span className="font-mono text-xs">{e.action} {e.targetId}</span> },
  { key: "before", header: "Before", hideOnMobile: true, cell: (e) => <span className="font-mono text-xs">{summary(e.before)}</span> },
  { key: "after", header: "After", hideOnMobile: true, cell: (e) => <span className="font-mono text-xs">{summary(e.after)}</span> },
];

export default async function AuditPage() {
  const session = await currentSession();
  if (!session || !hasPermission(session.roles, "vendor:audit:read")) forbidden();
  const log = await orUnavailable((await api()).vendor.auditLog({ limit: 100 }));
  return (
    <VendorShell current="/audit">
      <PageHeader title="Audit log" description="Every privileged change in your shop: who, what, before and after." />
      {log.ok ? (
        <Table columns={columns} rows={log.data.items} rowKey={(e) => e.id} empty={<p className="text-sm text-zinc-500">Nothing yet.</p>} />
      ) : (
        <EmptyState tone="error" title="Audit log unavailable" description={log.reason} />
      )}
    </VendorShell>
  );
}
