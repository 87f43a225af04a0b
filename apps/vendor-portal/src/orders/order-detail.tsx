"use client";

import {
  Badge,
  Card,
  EmptyState,
  FormError,
  Grid,
  Table,
  formatPrice,
  type Column,
} from "@agora/ui";
import type { RouterOutputs } from "@agora/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@agora/trpc-next/react";
import { useState, type FormEvent } from "react";
import { carrierLabel, parcelStatus } from "./parcel-status.ts";

type View = RouterOutputs["vendor"]["orders"]["get"];

const lineColumns = (currency: string): Column<View["lines"][number]>[] => [
  { key: "title", header: "Product", cell: (l) => l.title || l.productId.slice(0, 8) },
  { key: "qty", header: "Qty", align: "right", cell: (l) => l.quantity },
  {
    key: "price",
    header: "Price",
    align: "right",
    cell: (l) => formatPrice(l.quantity * l.unitPriceCents, currency),
  },
];

const newRequestId = () => crypto.randomUUID().replaceAll("-", "");

const buttonClass =
  "min-h-11 rounded-md bg-zinc-900 px-4 text-sm font-medium text-white disabled:opacity-50 dark:bg-zinc-100 dark:text-zinc-900";

/** One parcel of an order: lines, address, tracking, timeline and the actions its state allows. */
export function OrderDetail({ orderId, canRefund }: { orderId: string; canRefund: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  const [amount, setAmount] = useState("");
  // One id per intended request: a double click or a retried submit is the same request.
  const [requestId, setRequestId] = useState(newRequestId);
  const order = useQuery({
    ...trpc.vendor.orders.get.queryOptions({ orderId }),
    refetchInterval: 2000,
  });
  const done = {
    onSuccess: async () => {
      setError(null);
      await queryClient.invalidateQueries({ queryKey: trpc.vendor.orders.pathKey() });
    },
    onError: (err: { message: string }) => setError(err.message),
  };
  const accept = useMutation(trpc.vendor.orders.accept.mutationOptions(done));
  const pack = useMutation(trpc.vendor.orders.pack.mutationOptions(done));
  const ship = useMutation(trpc.vendor.orders.ship.mutationOptions(done));
  const requested = {
    ...done,
    onSuccess: async () => {
      setReason("");
      setAmount("");
      setRequestId(newRequestId());
      await done.onSuccess();
    },
  };
  const cancel = useMutation(trpc.vendor.orders.cancel.mutationOptions(requested));
  const refund = useMutation(trpc.vendor.orders.refund.mutationOptions(requested));

  if (order.error)
    return <EmptyState tone="error" title="Order unavailable" description={order.error.message} />;
  const v = order.data;
  if (!v) return <EmptyState title="Loading…" />;
  const p = v.parcel;
  const status = parcelStatus(p.status);
  const version = { orderId, expectedVersion: v.version };
  const busy =
    accept.isPending || pack.isPending || ship.isPending || cancel.isPending || refund.isPending;
  const money = (cents: number) => formatPrice(cents, v.currency);

  const onRefund = (e: FormEvent) => {
    e.preventDefault();
    const cents = Math.round(Number(amount.replace(",", ".")) * 100);
    if (!Number.isFinite(cents) || cents <= 0)
      return setError("Enter an amount greater than zero.");
    refund.mutate({ ...version, amountCents: cents, reason, requestId });
  };

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <Badge tone={status.tone}>{status.label}</Badge>
        <span className="text-sm text-zinc-600 dark:text-zinc-400">
          order {v.orderStatus.toLowerCase().replaceAll("_", " ")}
        </span>
      </div>
      <FormError testId="order-action-error">{error}</FormError>
      <div className="flex flex-wrap gap-3">
        {p.status === "AWAITING" ? (
          <button
            type="button"
            className={buttonClass}
            disabled={busy}
            onClick={() => accept.mutate(version)}
          >
            Accept
          </button>
        ) : null}
        {p.status === "ACCEPTED" ? (
          <button
            type="button"
            className={buttonClass}
            disabled={busy}
            onClick={() => pack.mutate(version)}
          >
            Mark packed
          </button>
        ) : null}
        {p.status === "ACCEPTED" || p.status === "PACKED" ? (
          <button
            type="button"
            className={buttonClass}
            disabled={busy}
            onClick={() => ship.mutate(version)}
          >
            {ship.isPending ? "Booking carrier…" : "Ship"}
          </button>
        ) : null}
      </div>
      <Grid>
        <Card title="Parcel">
          <dl className="grid grid-cols-2 gap-2 text-sm">
            <dt className="text-zinc-500">Your share</dt>
            <dd className="text-right">{money(p.shareCents)}</dd>
            <dt className="text-zinc-500">Shipping</dt>
            <dd className="text-right">{money(v.shippingCents)}</dd>
            <dt className="text-zinc-500">Refunded</dt>
            <dd className="text-right">{money(p.refundedCents)}</dd>
            <dt className="text-zinc-500">Tracking</dt>
            <dd className="text-right font-mono">{p.trackingNumber ?? "—"}</dd>
            <dt className="text-zinc-500">Carrier</dt>
            <dd className="text-right">{carrierLabel(p.carrierStatus)}</dd>
          </dl>
          {p.refundInProgress ? (
            <p className="mt-3 text-sm text-amber-700 dark:text-amber-300">
              {p.refundInProgress.cancel ? "Cancelling" : "Refunding"}{" "}
              {money(p.refundInProgress.amountCents)}…
            </p>
          ) : null}
          {p.cancelReason ? <p className="mt-3 text-sm">Cancelled: {p.cancelReason}</p> : null}
        </Card>
        <Card title="Ship to">
          {v.address ? (
            <address className="text-sm not-italic">
              {v.address.name}
              <br />
              {v.address.line1}
              <br />
              {v.address.postalCode} {v.address.city}
              <br />
              {v.address.country}
            </address>
          ) : v.customerErased ? (
            <p className="text-sm text-zinc-500">Deleted customer: the address was erased.</p>
          ) : (
            <p className="text-sm text-zinc-500">No address on this order.</p>
          )}
        </Card>
      </Grid>
      <Table
        columns={lineColumns(v.currency)}
        rows={v.lines}
        rowKey={(l) => l.productId}
        caption="Lines"
      />
      {canRefund && p.status !== "CANCELLED" && !p.refundInProgress ? (
        <Card
          title="Refund or cancel"
          description={`Up to ${money(p.refundableCents)} can still be refunded.`}
        >
          <form className="space-y-3" onSubmit={onRefund}>
            <label className="block text-sm">
              Reason
              <input
                className="mt-1 min-h-11 w-full rounded-md border border-zinc-300 px-2 dark:border-zinc-700 dark:bg-zinc-900"
                value={reason}
                minLength={3}
                maxLength={300}
                required
                onChange={(e) => setReason(e.target.value)}
              />
            </label>
            <label className="block text-sm">
              Amount to refund ({v.currency})
              <input
                className="mt-1 min-h-11 w-full rounded-md border border-zinc-300 px-2 dark:border-zinc-700 dark:bg-zinc-900"
                inputMode="decimal"
                value={amount}
                onChange={(e) => setAmount(e.target.value)}
              />
            </label>
            <div className="flex flex-wrap gap-3">
              <button
                type="submit"
                className={buttonClass}
                disabled={busy || p.refundableCents === 0}
              >
                Refund amount
              </button>
              {["AWAITING", "ACCEPTED", "PACKED"].includes(p.status) ? (
                <button
                  type="button"
                  className="min-h-11 rounded-md border border-rose-300 px-4 text-sm font-medium text-rose-700 disabled:opacity-50 dark:border-rose-800 dark:text-rose-300"
                  disabled={busy || reason.trim().length < 3}
                  onClick={() => cancel.mutate({ ...version, reason, requestId })}
                >
                  Cancel parcel and refund {money(p.refundableCents)}
                </button>
              ) : null}
            </div>
          </form>
        </Card>
      ) : null}
      <Card title="Timeline">
        <ol className="space-y-2 text-sm">
          {v.timeline.map((t) => (
            <li key={t.version} className="flex flex-wrap justify-between gap-2">
              <span>{t.type.replace(/([a-z])([A-Z])/g, "$1 $2")}</span>
              <span className="text-zinc-500">
                {t.at.toISOString().replace("T", " ").slice(0, 19)}
              </span>
            </li>
          ))}
        </ol>
      </Card>
    </div>
  );
}
