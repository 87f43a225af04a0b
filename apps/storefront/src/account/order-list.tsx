"use client";

import { Badge, EmptyState, formatPrice } from "@agora/ui";
import { useTRPC } from "@agora/trpc-next/react";
import { useQuery } from "@tanstack/react-query";

const date = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

/** The shopper's orders, newest first, each linking to its live order page. */
export function OrderList() {
  const trpc = useTRPC();
  const orders = useQuery(trpc.orders.list.queryOptions());
  if (orders.isPending) return <p className="text-sm text-zinc-500">Loading your orders…</p>;
  if (orders.isError)
    return (
      <EmptyState
        tone="error"
        title="Your orders are unavailable right now"
        description="Please try again in a moment."
      />
    );
  if (orders.data.length === 0)
    return (
      <EmptyState
        title="No orders yet"
        description={
          <a className="underline" href="/">
            Start shopping
          </a>
        }
      />
    );
  return (
    <ul className="divide-y divide-zinc-200 rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
      {orders.data.map((o) => (
        <li key={o.id}>
          <a
            href={`/orders/${o.id}`}
            className="flex flex-wrap items-center gap-3 px-4 py-3 hover:bg-zinc-50 dark:hover:bg-zinc-900"
          >
            <span className="font-medium">{date.format(o.createdAt)}</span>
            <span className="text-sm text-zinc-600 dark:text-zinc-400">
              {o.itemCount} {o.itemCount === 1 ? "item" : "items"} · {formatPrice(o.totalCents)}
            </span>
            <Badge
              tone={o.status === "FAILED" || o.status === "CANCELLED" ? "danger" : "brand"}
              className="ml-auto"
            >
              {o.status}
            </Badge>
          </a>
        </li>
      ))}
    </ul>
  );
}
