"use client";

import { useQuery } from "@tanstack/react-query";
import { Badge, Card, EmptyState, type BadgeTone } from "@agora/ui";
import { useTRPC } from "@agora/trpc-next/react";

const TONE: Record<"closed" | "half-open" | "open", BadgeTone> = {
  closed: "success",
  "half-open": "warning",
  open: "danger",
};

const LABEL: Record<string, string> = { card: "Card API", payswift: "PaySwift" };

/**
 * The payment providers side by side: each one's breaker and its share of authorizations. While
 * one provider's breaker is open its share falls and the other's rises: that is the failover.
 */
export function PaymentProviders() {
  const trpc = useTRPC();
  const readings = useQuery({
    ...trpc.ops.telemetry.paymentProviders.queryOptions(),
    refetchInterval: 2_000,
    retry: false,
  });
  return (
    <Card
      title="Payment providers"
      description="Breaker and share of authorizations per provider since the payments workers started. The router picks the cheapest healthy provider that settles the currency and fails over when one is down."
    >
      {readings.error ? (
        <EmptyState
          tone="error"
          title="Providers unavailable"
          description={readings.error.message}
        />
      ) : (
        <ul className="divide-y divide-zinc-200 dark:divide-zinc-800">
          {(readings.data ?? []).map((r) => (
            <li
              key={r.provider}
              data-testid={`payment-provider-${r.provider}`}
              data-state={r.breaker ?? "unknown"}
              className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm"
            >
              <span className="min-w-0">
                <span className="font-medium">{LABEL[r.provider] ?? r.provider}</span>{" "}
                <span className="text-zinc-500">
                  {r.authorized} authorized
                  {r.share === null ? "" : ` · ${Math.round(r.share * 100)} % of payments`}
                </span>
              </span>
              <span className="flex items-center gap-2">
                <span
                  className="h-2 w-24 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800"
                  aria-hidden="true"
                >
                  <span
                    className="block h-full bg-emerald-500"
                    style={{ width: `${Math.round((r.share ?? 0) * 100)}%` }}
                  />
                </span>
                <Badge tone={r.breaker ? TONE[r.breaker] : "neutral"}>
                  {r.breaker ?? "no report"}
                </Badge>
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
