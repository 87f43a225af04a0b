"use client";

import { Badge, EmptyState, Table, type Column } from "@agora/ui";
import type { RouterOutputs } from "@agora/api";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@agora/trpc-next/react";
import { useState } from "react";

type Row = RouterOutputs["vendor"]["stock"]["list"]["items"][number];
const input = "rounded border border-zinc-300 px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/**
 * Stock of one warehouse per product variant (and the product's own stock), with adjust (reason),
 * transfer to another warehouse and the low-stock threshold of each line; 200 lines at a time.
 */
export function StockBoard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const warehouses = useQuery(trpc.vendor.warehouses.list.queryOptions());
  const [picked, setPicked] = useState<string | null>(null);
  const [lowOnly, setLowOnly] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  // One line's forms at a time: 200–400 lines of inputs and selects made the page slow to render
  // and cramped on a phone; a line opens its editor on demand.
  const [editing, setEditing] = useState<string | null>(null);
  const keyOf = (r: Row) => `${r.productId}/${r.variantId ?? ""}`;
  const warehouseId = picked ?? warehouses.data?.[0]?.id ?? null;
  const stock = useInfiniteQuery(
    trpc.vendor.stock.list.infiniteQueryOptions(
      { warehouseId: warehouseId ?? "", limit: 200, lowOnly },
      { enabled: !!warehouseId, getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const lines = stock.data?.pages.flatMap((p) => p.items) ?? [];
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.vendor.stock.pathKey() });
  const done = (text: string) => async () => {
    setMessage(text);
    setEditing(null);
    await refresh();
  };
  const fail = (err: { message: string }) => setMessage(err.message);
  const adjust = useMutation(trpc.vendor.stock.adjust.mutationOptions({ onSuccess: done("Stock adjusted."), onError: fail }));
  const transfer = useMutation(trpc.vendor.stock.transfer.mutationOptions({ onSuccess: done("Transferred."), onError: fail }));
  const threshold = useMutation(
    trpc.vendor.stock.setLowStockThreshold.mutationOptions({ onSuccess: done("Threshold saved."), onError: fail }),
  );
  const lowCount = lines.filter((r) => r.low).length;
  const others = warehouses.data?.filter((w) => w.id !== warehouseId) ?? [];

  const columns: Column<Row>[] = [
    {
      key: "product",
      header: "Product",
      cell: (r) => (
        <div>
          <div className="font-medium">{r.title}</div>
          <div className="text-xs text-zinc-500">
            {r.variantId ? `${r.variantTitle ?? ""} · ${r.variantSku ?? ""}` : (r.sku ?? "no SKU")}
          </div>
        </div>
      ),
    },
    { key: "onHand", header: "On hand", align: "right", cell: (r) => r.onHand },
    { key: "reserved", header: "Reserved", align: "right", hideOnMobile: true, cell: (r) => r.reserved },
    {
      key: "available",
      header: "Available",
      align: "right",
      cell: (r) => (r.low ? <Badge tone="warning">{r.available} low</Badge> : r.available),
    },
    {
      key: "threshold",
      header: "Alert at",
      align: "right",
      hideOnMobile: true,
      cell: (r) =>
        editing !== keyOf(r) ? (
          r.lowStockThreshold
        ) : (
        <form
          className="flex justify-end gap-1"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            threshold.mutate({
              warehouseId: r.warehouseId,
              productId: r.productId,
              variantId: r.variantId,
              threshold: Number(f.get("threshold")),
            });
          }}
        >
          <input
            name="threshold"
            type="number"
            min={0}
            required
            defaultValue={r.lowStockThreshold}
            aria-label="Low-stock threshold"
            className={`${input} w-16`}
          />
          <button type="submit" className="rounded border border-zinc-300 px-2 py-1 text-sm dark:border-zinc-700">Set</button>
        </form>
        ),
    },
    {
      key: "actions",
      header: "Change",
      cell: (r) =>
        editing !== keyOf(r) ? (
          <button
            type="button"
            className="rounded border border-zinc-300 px-2 py-1 text-sm dark:border-zinc-700"
            onClick={() => setEditing(keyOf(r))}
          >
            Change
          </button>
        ) : (
        <form
          className="flex flex-wrap gap-1"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            const qty = Number(f.get("qty"));
            const action = String(f.get("action"));
            if (action === "transfer")
              transfer.mutate({
                fromWarehouseId: r.warehouseId,
                toWarehouseId: String(f.get("to")),
                productId: r.productId,
                variantId: r.variantId,
                quantity: qty,
              });
            else
              adjust.mutate({
                warehouseId: r.warehouseId,
                productId: r.productId,
                variantId: r.variantId,
                delta: qty,
                reason: action === "restock" ? "restock" : "adjust",
                note: String(f.get("note") ?? ""),
              });
          }}
        >
          <input name="qty" type="number" required aria-label="Quantity (negative to remove)" className={`${input} w-20`} />
          <select name="action" aria-label="Action" className={input} defaultValue="restock">
            <option value="restock">restock</option>
            <option value="adjust">adjust</option>
            {others.length ? <option value="transfer">transfer to</option> : null}
          </select>
          {others.length ? (
            <select name="to" aria-label="Destination warehouse" className={input}>
              {others.map((w) => <option key={w.id} value={w.id}>{w.code}</option>)}
            </select>
          ) : null}
          <input name="note" aria-label="Reason" placeholder="reason" className={`${input} w-28`} />
          <button type="submit" className="rounded border border-zinc-300 px-2 py-1 text-sm dark:border-zinc-700">OK</button>
          <button type="button" className="px-2 py-1 text-sm text-zinc-500" onClick={() => setEditing(null)}>
            Cancel
          </button>
        </form>
        ),
    },
  ];

  if (warehouses.error) return <EmptyState tone="error" title="Stock unavailable" description={warehouses.error.message} />;
  if (warehouses.data?.length === 0) return <EmptyState title="No warehouses yet" description="Create one first." />;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <select aria-label="Warehouse" className={input} value={warehouseId ?? ""} onChange={(e) => setPicked(e.target.value)}>
          {warehouses.data?.map((w) => <option key={w.id} value={w.id}>{w.code} · {w.name}</option>)}
        </select>
        <label className="text-sm"><input type="checkbox" checked={lowOnly} onChange={(e) => setLowOnly(e.target.checked)} /> low stock only</label>
      </div>
      {message ? <p role="status" className="text-sm">{message}</p> : null}
      {lowCount > 0 ? (
        <p role="alert" className="text-sm font-medium text-amber-700 dark:text-amber-400">
          {lowCount} line{lowCount === 1 ? " is" : "s are"} at or below the low-stock threshold in this warehouse.
        </p>
      ) : null}
      {stock.error ? (
        <EmptyState tone="error" title="Stock unavailable" description={stock.error.message} />
      ) : stock.isPending ? (
        // Not "Nothing here." while the first page is on its way: that would say the warehouse is empty.
        <p role="status" className="text-sm text-zinc-500">
          Loading stock…
        </p>
      ) : (
        <Table columns={columns} rows={lines} rowKey={keyOf} empty={<p className="text-sm text-zinc-500">Nothing here.</p>} />
      )}
      {stock.hasNextPage ? (
        <button
          type="button"
          className="rounded border border-zinc-300 px-3 py-2 text-sm dark:border-zinc-700"
          disabled={stock.isFetchingNextPage}
          onClick={() => void stock.fetchNextPage()}
        >
          {stock.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      ) : null}
    </div>
  );
}
