"use client";

import type { RouterOutputs } from "@agora/api";
import { Badge, EmptyState, Stat, StatGroup, Table, type Column } from "@agora/ui";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@agora/trpc-next/react";

type Vendor = RouterOutputs["catalog"]["overview"]["vendors"][number];

const columns: Column<Vendor>[] = [
  {
    key: "name",
    header: "Vendor",
    cell: (v) => (
      <div>
        <div className="font-medium">{v.name}</div>
        <div className="text-xs text-zinc-500">{v.slug}</div>
      </div>
    ),
  },
  {
    key: "shard",
    header: "Shard",
    cell: (v) => <Badge tone="brand">{v.shard ?? "unassigned"}</Badge>,
  },
  {
    key: "products",
    header: "Products",
    align: "right",
    cell: (v) =>
      v.productCount === null ? (
        <span className="text-zinc-400">n/a</span>
      ) : (
        v.productCount.toLocaleString("en")
      ),
  },
  {
    key: "status",
    header: "Status",
    hideOnMobile: true,
    cell: (v) => <Badge tone={v.status === "active" ? "success" : "warning"}>{v.status}</Badge>,
  },
];

export function TenantList() {
  const trpc = useTRPC();
  const overview = useQuery(trpc.catalog.overview.queryOptions());

  if (overview.isPending) {
    return <p className="text-sm text-zinc-500">Loading tenants…</p>;
  }
  if (overview.isError) {
    const unavailable = overview.error.data?.code === "SERVICE_UNAVAILABLE";
    return (
      <EmptyState
        tone="error"
        title={unavailable ? "Database unavailable" : "Could not load tenants"}
        description={<p className="font-mono text-xs">{overview.error.message}</p>}
        action={
          <button
            type="button"
            onClick={() => void overview.refetch()}
            className="min-h-10 rounded-md bg-zinc-900 px-4 text-sm font-medium text-white dark:bg-zinc-100 dark:text-zinc-900"
          >
            Retry
          </button>
        }
      />
    );
  }

  const { vendors, shards } = overview.data;
  return (
    <div className="space-y-6">
      <StatGroup>
        <Stat label="Tenants" value={vendors.length} />
        {shards.map((s) => (
          <Stat
            key={s.name}
            label={s.name}
            value={s.vendorCount}
            hint={
              s.available
                ? `${(s.productCount ?? 0).toLocaleString("en")} products`
                : "not reachable"
            }
          />
        ))}
      </StatGroup>
      <Table
        caption="Tenants"
        columns={columns}
        rows={vendors}
        rowKey={(v) => v.id}
        empty={<EmptyState title="No tenants yet" description="Run the seed to add vendors." />}
      />
    </div>
  );
}
