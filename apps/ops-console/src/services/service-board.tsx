"use client";

import { useQuery } from "@tanstack/react-query";
import type { RouterOutputs } from "@agora/api";
import { Badge, EmptyState, Stat, StatGroup, Table } from "@agora/ui";
import { useTRPC } from "@agora/trpc-next/react";

type Instance = RouterOutputs["ops"]["services"]["instances"][number];

function age(s: number): string {
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function ServiceBoard() {
  const trpc = useTRPC();
  const overview = useQuery({ ...trpc.ops.services.queryOptions(), refetchInterval: 3_000 });
  const data = overview.data;
  if (overview.isError)
    return (
      <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
        {overview.error.message}
      </p>
    );
  if (!data) return <p className="text-sm text-zinc-500">Loading…</p>;
  if (!data.reachable)
    return (
      <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
        The service registry (etcd) is not answering; instances cannot be listed right now.
      </p>
    );
  return (
    <div className="space-y-6">
      <StatGroup>
        {data.services.map((s) => (
          <Stat key={s.service} label={s.service} value={`${s.ready}/${s.registered}`} hint="ready / registered" />
        ))}
      </StatGroup>
      <Table<Instance>
        caption="Live service instances"
        rows={data.instances}
        rowKey={(i) => `${i.service}/${i.instanceId}`}
        empty={<EmptyState title="No instances registered" description="Started instances register within a second or two." />}
        columns={[
          { key: "id", header: "Instance", cell: (i) => <span className="font-medium">{i.instanceId}</span> },
          {
            key: "ready",
            header: "State",
            cell: (i) => <Badge tone={i.ready ? "success" : "warning"}>{i.ready ? "ready" : "not ready"}</Badge>,
          },
          { key: "service", header: "Service", cell: (i) => i.service, hideOnMobile: true },
          { key: "address", header: "Address", cell: (i) => <code className="text-xs">{i.address}</code>, hideOnMobile: true },
          { key: "version", header: "Version", cell: (i) => i.version, hideOnMobile: true },
          { key: "region", header: "Region", cell: (i) => i.region, hideOnMobile: true },
          { key: "lease", header: "Lease age", cell: (i) => age(i.leaseAgeS), align: "right" },
        ]}
      />
    </div>
  );
}
