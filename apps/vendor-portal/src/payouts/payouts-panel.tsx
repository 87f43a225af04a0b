"use client";

import { Badge, EmptyState, Stat, StatGroup, Table, formatPrice, type BadgeTone, type Column } from "@agora/ui";
import type { RouterOutputs } from "@agora/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@agora/trpc-next/react";
import { useState } from "react";

type Payout = RouterOutputs["vendor"]["payouts"]["list"]["payouts"][number];

const STATE: Record<string, { label: string; tone: BadgeTone }> = {
  preparing: { label: "Preparing", tone: "neutral" },
  prepared: { label: "Prepared", tone: "warning" },
  committed: { label: "Paid", tone: "success" },
  aborted: { label: "Not paid", tone: "danger" },
};

const day = (d: Date) => d.toISOString().slice(0, 10);

const columns: Column<Payout>[] = [
  { key: "when", header: "Requested", cell: (p) => p.createdAt.toISOString().replace("T", " ").slice(0, 19) },
  { key: "period", header: "Period ending", hideOnMobile: true, cell: (p) => day(p.periodEnd) },
  { key: "amount", header: "Amount", align: "right", cell: (p) => formatPrice(p.amountCents, p.currency) },
  {
    key: "state",
    header: "Status",
    cell: (p) => {
      const s = STATE[p.state] ?? { label: p.state, tone: "neutral" as const };
      return (
        <span title={p.failure ?? undefined}>
          <Badge tone={s.tone}>{s.label}</Badge>
          {p.state === "committed" && !p.completed ? <span className="ml-2 text-xs text-zinc-500">finishing…</span> : null}
        </span>
      );
    },
  },
];

/** Balance owed to the shop, the payout history and "pay out now" (owner only). */
export function PayoutsPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<string | null>(null);
  const [requestedAt, setRequestedAt] = useState<number | null>(null);
  const list = useQuery({
    ...trpc.vendor.payouts.list.queryOptions(),
    // While a payout is on its way (or was just requested), look again until both sides are final.
    refetchInterval: (q) =>
      q.state.data?.payouts.some((p) => p.state !== "aborted" && !p.completed) ||
      (requestedAt !== null && Date.now() - requestedAt < 30_000)
        ? 2000
        : false,
  });
  const request = useMutation(
    trpc.vendor.payouts.requestNow.mutationOptions({
      onSuccess: async () => {
        setMessage("Payout requested.");
        setRequestedAt(Date.now());
        await queryClient.invalidateQueries({ queryKey: trpc.vendor.payouts.pathKey() });
      },
      onError: (err) => setMessage(err.message),
    }),
  );
  if (list.error) return <EmptyState tone="error" title="Payouts unavailable" description={list.error.message} />;
  const data = list.data;
  const owed = data?.balances.filter((b) => b.balanceCents > 0) ?? [];
  return (
    <div className="space-y-6">
      <StatGroup>
        {owed.length === 0 ? (
          <Stat label="Balance owed to you" value={data ? formatPrice(0) : "…"} hint="from the platform ledger" />
        ) : (
          owed.map((b) => (
            <Stat key={b.currency} label={`Balance owed (${b.currency})`} value={formatPrice(b.balanceCents, b.currency)} hint="from the platform ledger" />
          ))
        )}
        <Stat label="Payouts" value={data?.payouts.filter((p) => p.state === "committed").length ?? "…"} hint="paid so far" />
      </StatGroup>
      <div className="flex items-center gap-3">
        <button
          type="button"
          className="rounded bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50 dark:bg-zinc-100 dark:text-zinc-900"
          disabled={request.isPending || owed.length === 0}
          onClick={() => request.mutate()}
        >
          Pay out now
        </button>
        <span className="text-sm text-zinc-500" role="status">
          {message ?? "At most one payout per day; the balance is also paid out automatically."}
        </span>
      </div>
      <Table
        columns={columns}
        rows={data?.payouts ?? []}
        rowKey={(p) => p.id}
        empty={<p className="text-sm text-zinc-500">{data ? "No payouts yet." : "Loading…"}</p>}
      />
    </div>
  );
}
