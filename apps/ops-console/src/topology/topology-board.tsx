"use client";

import { Badge, Card, EmptyState, HealthBadge, Stat, StatGroup, StatusDot } from "@agora/ui";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@agora/trpc-next/react";
import { formatBytes, groupHealth, type NodeStatus, uiHealth } from "./health.ts";

const POLL_MS = 2_000;

export function TopologyBoard() {
  const trpc = useTRPC();
  const status = useQuery({
    ...trpc.ops.topology.queryOptions(),
    refetchInterval: POLL_MS,
    // Keep polling in a background tab: an operator watching a failover drill may switch windows.
    refetchIntervalInBackground: true,
    staleTime: 0,
    retry: false,
  });

  if (status.isPending) return <p className="text-sm text-zinc-500">Probing the topology…</p>;
  if (status.isError && !status.data) {
    return (
      <EmptyState
        tone="error"
        title="Topology status unavailable"
        description={<p className="font-mono text-xs">{status.error.message}</p>}
      />
    );
  }
  const s = status.data;
  const stale = status.isError;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-2 text-xs text-zinc-500">
        <Badge tone="brand">profile {s.profile}</Badge>
        <span>
          probed {new Date(s.at).toLocaleTimeString("en-GB")} · refreshes every {POLL_MS / 1000} s
        </span>
        {stale ? <Badge tone="danger">last refresh failed: {status.error?.message}</Badge> : null}
      </div>

      <StatGroup>
        <Stat label="Up" value={<span className="text-emerald-600">{s.totals.up}</span>} />
        <Stat
          label="Degraded"
          value={<span className="text-amber-600">{s.totals.degraded}</span>}
        />
        <Stat label="Down" value={<span className="text-rose-600">{s.totals.down}</span>} />
        <Stat
          label="Memory"
          value={`${Math.round(s.totals.rssKb / 1024)} MB`}
          hint="resident, all processes"
        />
      </StatGroup>

      <div className="grid gap-4 lg:grid-cols-2">
        <Panel
          title="etcd (Raft)"
          nodes={s.etcd.members}
          leader={s.etcd.leader}
          leaderLabel="Raft leader"
        />
        {s.postgres.map((c) => (
          <Panel
            key={c.name}
            title={`Postgres · ${c.name}`}
            nodes={c.members}
            leader={c.leader}
            leaderLabel="Patroni leader"
          />
        ))}
        <Panel
          title="Redis + Sentinel"
          nodes={[...s.redis.nodes, ...s.redis.sentinels]}
          leader={s.redis.master}
          leaderLabel="master"
        />
        <Panel title="Edge: HAProxy and the CDN" nodes={s.haproxy} />
        {s.apps.length > 0 ? <Panel title="Apps" nodes={s.apps} /> : null}
      </div>
    </div>
  );
}

function Panel({
  title,
  nodes,
  leader,
  leaderLabel,
}: {
  title: string;
  nodes: NodeStatus[];
  leader?: string | null;
  leaderLabel?: string;
}) {
  const health = groupHealth(nodes);
  return (
    <Card title={title} aside={<HealthBadge health={health} />}>
      {leaderLabel ? (
        <p className="mb-3 text-sm" data-leader-of={title}>
          <span className="text-zinc-500">{leaderLabel}: </span>
          {leader ? (
            <span className="font-medium">{leader}</span>
          ) : (
            <span className="font-medium text-rose-600">none</span>
          )}
        </p>
      ) : null}
      {nodes.length === 0 ? (
        <p className="text-sm text-zinc-500">No processes reported.</p>
      ) : (
        <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {nodes.map((n) => (
            <NodeRow key={n.name} node={n} isLeader={leader === n.name} />
          ))}
        </ul>
      )}
    </Card>
  );
}

function NodeRow({ node, isLeader }: { node: NodeStatus; isLeader: boolean }) {
  const facts: string[] = [];
  if (node.port) facts.push(`:${node.port}`);
  if (node.pid) facts.push(`pid ${node.pid}`);
  if (node.lagBytes !== undefined) facts.push(`lag ${formatBytes(node.lagBytes)}`);
  if (node.lagMs !== undefined) facts.push(`replay ${node.lagMs} ms`);
  if (node.rssKb) facts.push(`${Math.round(node.rssKb / 1024)} MB`);
  return (
    <li className="py-2">
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <StatusDot health={uiHealth(node.health)} label={`${node.name}: ${node.health}`} />
        <span className="font-medium">{node.name}</span>
        <Badge tone={isLeader ? "brand" : "neutral"}>{node.role}</Badge>
        <span className="basis-full pl-4.5 text-xs text-zinc-500 tabular-nums sm:ml-auto sm:basis-auto sm:pl-0">
          {facts.join(" · ")}
        </span>
      </div>
      {node.detail ? <p className="mt-0.5 pl-4.5 text-xs text-zinc-500">{node.detail}</p> : null}
    </li>
  );
}
