"use client";

import type { RouterOutputs } from "@agora/api";
import { Badge, EmptyState, formatPrice, Table, type Column } from "@agora/ui";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useTRPC } from "@agora/trpc-next/react";
import Link from "next/link";
import { useState } from "react";

type Product = RouterOutputs["vendor"]["products"]["list"]["items"][number];

const columns: Column<Product>[] = [
  {
    key: "title",
    header: "Product",
    cell: (p) => (
      <Link href={`/products/${p.id}`} className="block">
        <div className="font-medium underline-offset-2 hover:underline">{p.title}</div>
        <div className="text-xs text-zinc-500">{p.sku ?? "no SKU"} · {p.variants.length} variant(s)</div>
      </Link>
    ),
  },
  { key: "price", header: "Price", align: "right", cell: (p) => formatPrice(p.priceCents, p.currency) },
  { key: "available", header: "Available", align: "right", cell: (p) => p.available.toLocaleString("en") },
  {
    key: "status",
    header: "Status",
    hideOnMobile: true,
    cell: (p) => (
      <Badge tone={p.status === "active" ? "success" : p.status === "draft" ? "warning" : "neutral"}>{p.status}</Badge>
    ),
  },
  { key: "version", header: "v", hideOnMobile: true, align: "right", cell: (p) => p.version },
];

export function ProductList() {
  const trpc = useTRPC();
  const [q, setQ] = useState("");
  const [status, setStatus] = useState<"all" | "active" | "draft" | "archived">("all");
  const query = useInfiniteQuery(
    trpc.vendor.products.list.infiniteQueryOptions(
      { limit: 25, status, ...(q ? { q } : {}) },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap gap-2">
        <input
          className="min-w-0 flex-1 rounded border border-zinc-300 px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
          placeholder="Search title or SKU"
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <select
          className="rounded border border-zinc-300 px-2 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
          value={status}
          onChange={(e) => setStatus(e.target.value as typeof status)}
        >
          {(["all", "active", "draft", "archived"] as const).map((s) => (
            <option key={s} value={s}>{s}</option>
          ))}
        </select>
      </div>
      {query.error ? (
        <EmptyState tone="error" title="Products unavailable" description={query.error.message} />
      ) : query.isPending ? (
        <p className="text-sm text-zinc-500">Loading…</p>
      ) : items.length === 0 ? (
        <EmptyState title="No products yet" description="Create one, or import a CSV." />
      ) : (
        <Table columns={columns} rows={items} rowKey={(p) => p.id} />
      )}
      {query.hasNextPage ? (
        <button
          type="button"
          className="rounded border border-zinc-300 px-3 py-2 text-sm dark:border-zinc-700"
          disabled={query.isFetchingNextPage}
          onClick={() => void query.fetchNextPage()}
        >
          {query.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      ) : null}
    </div>
  );
}
