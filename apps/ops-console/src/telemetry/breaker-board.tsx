"use client";

import { useQuery } from "@tanstack/react-query";
import { Badge, Card, EmptyState, type BadgeTone } from "@agora/ui";
import { useTRPC } from "@agora/trpc-next/react";

const TONE: Record<"closed" | "half-open" | "open", BadgeTone> = {
  closed: "success",
  "half-open": "warning",
  open: "danger",
};

const MEANING = {
  closed: "calls flow",
  "half-open": "one probe call decides",
  open: "calls refused at once",
} as const;

/**
 * Every circuit breaker of every process, as of the console's latest scrape: an open breaker is
 * the system degrading on purpose (refusing at once) instead of piling up timeouts.
 */
export function BreakerBoard() {
  const trpc = useTRPC();
  const readings = useQuery({
    ...trpc.ops.telemetry.breakers.queryOptions(),
    refetchInterval: 2_000,
    retry: false,
  });
  return (
    <Card
      title="Circuit breakers"
      description="State per process at the latest scrape (every 5 s). Open = the dependency is refused at once."
    >
      {readings.error ? (
        <EmptyState
          tone="error"
          title="Breakers unavailable"
          description={readings.error.message}
        />
      ) : (readings.data ?? []).length === 0 ? (
        <EmptyState
          title="No breaker reported yet"
          description="Processes report breakers once they have made a call."
        />
      ) : (
        <ul className="divide-y divide-zinc-200 dark:divide-zinc-800">
          {(readings.data ?? []).map((r) => (
            <li
              key={`${r.service}/${r.breaker}`}
              data-testid={`breaker-${r.breaker}`}
              data-state={r.state}
              className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm"
            >
              <span className="min-w-0">
                <span className="font-medium">{r.breaker}</span>{" "}
                <span className="text-zinc-500">in {r.service}</span>
              </span>
              <span className="flex items-center gap-2">
                <span className="hidden text-xs text-zinc-500 sm:inline">{MEANING[r.state]}</span>
                <Badge tone={TONE[r.state]}>{r.state}</Badge>
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
