"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { RouterOutputs } from "@agora/api";
import { Badge, type BadgeTone, Card, EmptyState, Stat, StatGroup, Table } from "@agora/ui";
import { useTRPC } from "@agora/trpc-next/react";

type Overview = RouterOutputs["ops"]["shards"]["overview"];
type Move = Overview["moves"][number];

const PHASE_TONE: Record<string, BadgeTone> = {
  done: "success",
  "rolled-back": "warning",
  failed: "danger",
  flipped: "brand",
};

const time = (iso: string) => new Date(iso).toLocaleTimeString();

export function ShardBoard() {
  const trpc = useTRPC();
  const overview = useQuery({
    ...trpc.ops.shards.overview.queryOptions(),
    refetchInterval: (q) => ((q.state.data?.running.length ?? 0) > 0 ? 1_000 : 5_000),
  });
  const data = overview.data;
  if (overview.isError)
    return (
      <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
        {overview.error.message}
      </p>
    );
  if (!data) return <p className="text-sm text-zinc-500">Loading…</p>;
  return (
    <div className="space-y-6">
      <StatGroup>
        {data.shards.map((s) => (
          <Stat key={s.name} label={s.name} value={s.vendors} hint={`vendors · load ${s.load}`} />
        ))}
      </StatGroup>
      <MoveForm overview={data} onStarted={() => void overview.refetch()} />
      <Card
        title="Rebalancer"
        description="Moves that would even out the shards' load (products + stock movements of the last day per vendor). Nothing moves until you start it above."
      >
        {data.proposals.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            The shards are balanced; nothing to propose.
          </p>
        ) : (
          <ul className="space-y-1 text-sm">
            {data.proposals.map((p) => (
              <li key={p.vendorId}>
                Move <strong>{p.vendorName}</strong> from {p.from} to {p.to} (load {p.load})
              </li>
            ))}
          </ul>
        )}
      </Card>
      {data.running.map((r) => (
        <Card
          key={r.vendorId}
          title={`Moving ${r.vendorName}`}
          aside={<Badge tone="brand">{r.phase}</Badge>}
        >
          <progress
            className="h-2 w-full"
            max={Math.max(r.rowsTotal ?? 0, r.rowsCopied, 1)}
            value={r.rowsCopied}
            aria-label="rows copied"
          />
          <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
            {r.rowsCopied}
            {r.rowsTotal !== undefined ? ` of ${r.rowsTotal}` : ""} rows copied
            {r.table ? ` (${r.table})` : ""}; {r.changesCaughtUp} changes caught up
          </p>
        </Card>
      ))}
      <Card
        title="Moves"
        description="Write fence: how long the vendor's writes were refused (writers wait and retry meanwhile)."
      >
        <Table<Move>
          caption="Latest vendor moves"
          rows={data.moves}
          rowKey={(m) => m.id}
          empty={<EmptyState title="No vendor has been moved yet" />}
          columns={[
            { key: "vendor", header: "Vendor", cell: (m) => m.vendorName },
            { key: "route", header: "From → to", cell: (m) => `${m.fromShard} → ${m.toShard}` },
            {
              key: "phase",
              header: "Phase",
              cell: (m) => (
                <span title={m.error ?? undefined}>
                  <Badge tone={PHASE_TONE[m.phase] ?? "neutral"}>{m.phase}</Badge>
                </span>
              ),
            },
            {
              key: "fence",
              header: "Write fence",
              align: "right",
              cell: (m) => (m.writeFenceMs === null ? "–" : `${m.writeFenceMs} ms`),
            },
            {
              key: "rows",
              header: "Rows copied / caught up",
              align: "right",
              hideOnMobile: true,
              cell: (m) => `${m.rowsCopied} / ${m.changesCaughtUp}`,
            },
            {
              key: "started",
              header: "Started",
              hideOnMobile: true,
              cell: (m) => time(m.startedAt),
            },
          ]}
        />
      </Card>
    </div>
  );
}

function MoveForm({ overview, onStarted }: { overview: Overview; onStarted: () => void }) {
  const trpc = useTRPC();
  const [vendorId, setVendorId] = useState("");
  const vendor = overview.vendors.find((v) => v.id === vendorId);
  const targets = overview.shards.map((s) => s.name).filter((s) => s !== vendor?.shard);
  const [toShard, setToShard] = useState("");
  const move = useMutation({
    ...trpc.ops.shards.moveVendor.mutationOptions(),
    onSuccess: onStarted,
  });
  const target = targets.includes(toShard) ? toShard : (targets[0] ?? "");
  return (
    <Card title="Move a vendor" description="Needs the ops:scale permission (admins).">
      <form
        className="flex flex-col gap-3 sm:flex-row sm:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          if (vendorId && target) move.mutate({ vendorId, toShard: target });
        }}
      >
        <label className="flex flex-1 flex-col gap-1 text-sm">
          Vendor
          <select
            value={vendorId}
            onChange={(e) => setVendorId(e.target.value)}
            className="min-h-10 rounded-md border border-zinc-300 bg-white px-2 dark:border-zinc-700 dark:bg-zinc-900"
          >
            <option value="">Choose a vendor…</option>
            {overview.vendors.map((v) => (
              <option key={v.id} value={v.id}>
                {v.name} ({v.shard ?? "?"})
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm">
          To shard
          <select
            value={target}
            onChange={(e) => setToShard(e.target.value)}
            className="min-h-10 rounded-md border border-zinc-300 bg-white px-2 dark:border-zinc-700 dark:bg-zinc-900"
          >
            {targets.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button
          type="submit"
          disabled={!vendorId || !target || move.isPending}
          className="min-h-10 rounded-md bg-zinc-900 px-4 text-sm font-medium text-white disabled:opacity-50 dark:bg-zinc-100 dark:text-zinc-900"
        >
          {move.isPending ? "Starting…" : "Move"}
        </button>
      </form>
      {move.isError && (
        <p role="alert" className="mt-2 text-sm text-rose-700 dark:text-rose-400">
          {move.error.message}
        </p>
      )}
      {move.isSuccess && (
        <p role="status" className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
          Move started; follow it below.
        </p>
      )}
    </Card>
  );
}
