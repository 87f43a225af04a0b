"use client";

import { Badge, EmptyState, cx, formatPrice } from "@agora/ui";
import { ORDER_RESYNC_MS, versionToRead } from "@agora/api/live";
import { useTRPC } from "@agora/trpc-next/react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { compensationLabel, orderFailureMessage } from "../checkout/payment-messages.ts";
import { useLiveConnection, useLiveOrder } from "../live/use-live.ts";
import { isFailed, isSettled, MILESTONES, reachedMilestone } from "./order-progress.ts";

const time = new Intl.DateTimeFormat("en", { timeStyle: "medium" });

const parcelTone = (s: string) =>
  s === "DELIVERED"
    ? "success"
    : s === "CANCELLED"
      ? "danger"
      : s === "SHIPPED"
        ? "warning"
        : "neutral";

/**
 * The order's live timeline. Pushes are at most once on the wire, so the page re-reads whenever a
 * push (or the gateway's snapshot after each (re)subscribe) announces a version it does not show,
 * and every ORDER_RESYNC_MS while the order can still change (see @agora/api/live order-follow).
 */
export function OrderTracker({ orderId }: { orderId: string }) {
  const trpc = useTRPC();
  // The newest version a push announced: the next read must show at least that (see orders.get).
  const [minVersion, setMinVersion] = useState<number | undefined>(undefined);
  const order = useQuery({
    ...trpc.orders.get.queryOptions({ orderId, minVersion }),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => {
      const o = q.state.data;
      if (!o) return ORDER_RESYNC_MS;
      const vendorStatuses = o.vendors.map((v) => v.fulfilment?.status ?? v.status);
      return isSettled(o.status, vendorStatuses) ? false : ORDER_RESYNC_MS;
    },
  });
  const live = useLiveConnection();
  const shown = order.data?.version;
  useLiveOrder(orderId, (push) => {
    const next = versionToRead(shown, minVersion, push);
    if (next !== null) setMinVersion(next);
  });

  if (order.isPending) return <p className="text-sm text-zinc-500">Loading your order…</p>;
  if (order.isError)
    return (
      <EmptyState
        tone="error"
        title={
          order.error.data?.code === "NOT_FOUND"
            ? "Order not found"
            : "This order is unavailable right now"
        }
        description={
          <a className="underline" href="/account">
            Your orders
          </a>
        }
      />
    );
  const o = order.data;
  // A paid order's parcels carry their fulfilment; before that, the shard's reservation status.
  const vendorStatuses = o.vendors.map((v) => v.fulfilment?.status ?? v.status);
  const reached = reachedMilestone(
    o.status,
    vendorStatuses,
    o.timeline.map((t) => t.status),
  );
  const failed = isFailed(o.status);

  return (
    <div className="space-y-8">
      <div className="flex flex-wrap items-center gap-3">
        <Badge tone={failed ? "danger" : isSettled(o.status, vendorStatuses) ? "success" : "brand"}>
          <span data-testid="order-status">{o.status}</span>
        </Badge>
        <span className="text-sm text-zinc-600 dark:text-zinc-400">
          {formatPrice(o.totalCents)} · placed {time.format(o.createdAt)}
        </span>
        <span className="text-xs text-zinc-500">
          {live === "live" ? "● live" : "○ reconnecting…"}
        </span>
      </div>

      {o.failure ? (
        <section
          role="alert"
          aria-label="What went wrong"
          className="rounded-lg bg-rose-50 p-4 text-rose-900 dark:bg-rose-950 dark:text-rose-100"
        >
          <p className="font-semibold" data-testid="order-failure">
            {orderFailureMessage(o.failure.reason, o.failure.detail)}
          </p>
          {o.failure.compensations.length > 0 ? (
            <ul className="mt-2 list-disc pl-5 text-sm" aria-label="What we undid">
              {o.failure.compensations.map((c) => (
                <li key={c}>{compensationLabel(c)}</li>
              ))}
            </ul>
          ) : (
            <p className="mt-2 text-sm">Nothing had been reserved or charged.</p>
          )}
        </section>
      ) : null}

      <ol aria-label="Progress" className="grid gap-2 sm:grid-cols-6">
        {MILESTONES.map((m, i) => {
          const done = i <= reached && !(failed && i > reached);
          return (
            <li
              key={m.key}
              data-testid={`milestone-${m.key}`}
              data-done={done}
              className={cx(
                "rounded-md border px-3 py-2 text-sm",
                done
                  ? "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100"
                  : "border-zinc-200 text-zinc-500 dark:border-zinc-800",
              )}
            >
              {done ? "✓ " : ""}
              {m.label}
            </li>
          );
        })}
      </ol>

      <section aria-labelledby="shipments-title">
        <h2 id="shipments-title" className="mb-2 text-lg font-semibold">
          Shipments
        </h2>
        <ul className="space-y-3">
          {o.vendors.map((v) => (
            <li
              key={v.vendorId}
              className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800"
            >
              <p className="flex flex-wrap items-center gap-2 font-medium">
                {v.vendorName}{" "}
                <Badge tone={parcelTone(v.fulfilment?.status ?? v.status)}>
                  <span data-testid="parcel-status">{v.fulfilment?.status ?? v.status}</span>
                </Badge>
                {v.trackingNumber ? (
                  <span className="font-mono text-xs">tracking {v.trackingNumber}</span>
                ) : null}
                {v.fulfilment?.carrierStatus ? (
                  <span className="text-xs text-zinc-500">
                    {v.fulfilment.carrierStatus.replaceAll("_", " ")}
                  </span>
                ) : null}
              </p>
              {v.fulfilment && v.fulfilment.refundedCents > 0 ? (
                <p className="mt-1 text-sm text-emerald-700 dark:text-emerald-300">
                  Refunded {formatPrice(v.fulfilment.refundedCents)}
                  {v.fulfilment.cancelReason ? ` · cancelled: ${v.fulfilment.cancelReason}` : ""}
                </p>
              ) : null}
              <ul className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
                {o.items
                  .filter((i) => i.vendorId === v.vendorId)
                  .map((i) => (
                    <li key={i.productId}>
                      {i.quantity} × {i.title} · {formatPrice(i.unitPriceCents)}
                    </li>
                  ))}
              </ul>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title" className="mb-2 text-lg font-semibold">
          Timeline
        </h2>
        <ol className="space-y-1 text-sm" data-testid="order-timeline">
          {o.timeline.map((t) => (
            <li key={t.version} className="flex gap-3">
              <span className="w-20 shrink-0 font-mono text-xs text-zinc-500">
                {time.format(t.at)}
              </span>
              <span>
                {t.type} <span className="text-zinc-500">→ {t.status}</span>
              </span>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
