"use client";

import { Badge, EmptyState, Table, formatPrice, type Column } from "@agora/ui";
import type { RouterOutputs } from "@agora/api";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@agora/trpc-next/react";
import Link from "next/link";
import { useState } from "react";
import { carrierLabel, PARCEL_STATUS, parcelStatus } from "./parcel-status.ts";

type Row = RouterOutputs["vendor"]["orders"]["list"]["items"][number];

const columns: Column<Row>[] = [
  {
    key: "order",
    header: "Order",
    cell: (r) => (
      <Link
        href={`/orders/${r.orderId}`}
        className="font-mono text-brand-700 underline dark:text-brand-500"
      >
        {r.orderId.slice(0, 8)}
      </Link>
    ),
  },
  {
    key: "when",
    header: "Placed",
    hideOnMobile: true,
    cell: (r) => r.createdAt.toISOString().replace("T", " ").slice(0, 16),
  },
  {
    key: "status",
    header: "Status",
    cell: (r) => (
      <Badge tone={parcelStatus(r.fulfilmentStatus).tone}>
        {parcelStatus(r.fulfilmentStatus).label}
      </Badge>
    ),
  },
  { key: "items", header: "Items", align: "right", hideOnMobile: true, cell: (r) => r.itemCount },
  {
    key: "total",
    header: "Total",
    align: "right",
    cell: (r) => formatPrice(r.totalCents + r.shippingCents - r.refundedCents, r.currency),
  },
  {
    key: "tracking",
    header: "Tracking",
    hideOnMobile: true,
    cell: (r) =>
      r.trackingNumber ? `${r.trackingNumber} · ${carrierLabel(r.carrierStatus)}` : "—",
  },
];

/** The shop's parcels, newest first; refreshed every 2 s so webhooks and payments show up live. */
export function OrderList() {
  const trpc = useTRPC();
  const [status, setStatus] = useState<string>("");
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const list = useQuery({
    ...trpc.vendor.orders.list.queryOptions({ status: status || undefined, cursor, limit: 25 }),
    refetchInterval: 2000,
  });
  if (list.error)
    return <EmptyState tone="error" title="Orders unavailable" description={list.error.message} />;
  return (
    <div className="space-y-4">
      <label className="flex items-center gap-2 text-sm">
        <span className="text-zinc-600 dark:text-zinc-400">Status</span>
        <select
          className="min-h-11 rounded-md border border-zinc-300 bg-white px-2 dark:border-zinc-700 dark:bg-zinc-900"
          value={status}
          onChange={(e) => {
            setStatus(e.target.value);
            setCursors([]);
          }}
        >
          <option value="">All</option>
          {Object.entries(PARCEL_STATUS).map(([value, s]) => (
            <option key={value} value={value}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      <Table
        columns={columns}
        rows={list.data?.items ?? []}
        rowKey={(r) => r.orderId}
        caption="Orders"
        empty={<EmptyState title={list.isLoading ? "Loading…" : "No orders here yet"} />}
      />
      <div className="flex gap-3 text-sm">
        {cursors.length > 0 ? (
          <button
            type="button"
            className="min-h-11 underline"
            onClick={() => setCursors(cursors.slice(0, -1))}
          >
            Newer
          </button>
        ) : null}
        {list.data?.nextCursor ? (
          <button
            type="button"
            className="min-h-11 underline"
            onClick={() => setCursors([...cursors, list.data?.nextCursor ?? ""])}
          >
            Older
          </button>
        ) : null}
      </div>
    </div>
  );
}
