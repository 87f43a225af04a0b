"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Card, Stat, StatGroup } from "@agora/ui";
import { TimeSeriesChart } from "@agora/ui/charts";
import { useTRPC } from "@agora/trpc-next/react";

/** Samples kept for the chart: 2 s apart, the last 10 minutes. */
const KEEP = 300;

interface Sample extends Record<string, number | null> {
  t: number;
  inFlight: number;
  limit: number;
  waiting: number;
}

/**
 * Checkout admission control: orders between placement and the end of their saga against the
 * adaptive limit, the shoppers waiting in line, and the average time from admission to the end of
 * a saga against its target. The chart is sampled by this page while it is open.
 */
export function CheckoutLine() {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.ops.queues.admission.queryOptions(), refetchInterval: 2_000 });
  const [samples, setSamples] = useState<Sample[]>([]);
  const data = q.data;
  useEffect(() => {
    if (!data?.enabled) return;
    const sample = { t: data.at, inFlight: data.inFlight, limit: data.limit, waiting: data.waiting };
    setSamples((prev) => (prev.at(-1)?.t === sample.t ? prev : [...prev, sample].slice(-KEEP)));
  }, [data]);

  return (
    <Card
      title="Checkout line"
      description="Admission control: an order is admitted while fewer than the limit are in flight; above it shoppers wait in line (TOO_MANY_REQUESTS, their place and a Retry-After). The limit grows while orders end within the target and is cut by a quarter when they do not."
    >
      {!data ? (
        <p className="text-sm text-zinc-500">{q.error?.message ?? "Loading…"}</p>
      ) : !data.enabled ? (
        <p className="text-sm text-zinc-500" data-testid="checkout-line-off">
          Admission control is off (AGORA_CHECKOUT_ADMISSION=off): every order is admitted.
        </p>
      ) : (
        <div className="space-y-4" data-testid="checkout-line">
          <StatGroup>
            <Stat label="In flight / limit" value={`${data.inFlight} / ${data.limit}`} hint={`limit ${data.minLimit}–${data.maxLimit}`} />
            <Stat label="Waiting in line" value={data.waiting} />
            <Stat
              label="Admission → end, average"
              value={data.averageMs === null ? "—" : `${(data.averageMs / 1000).toFixed(1)} s`}
              hint={`target ${(data.targetMs / 1000).toFixed(1)} s`}
            />
            <Stat label="Admitted / refused" value={`${data.admitted} / ${data.refused}`} hint={`${data.cuts} cuts of the limit`} />
            <Stat
              label="Leases expired / left the line"
              value={`${data.expired} / ${data.abandoned}`}
              hint="permits never given back; shoppers who stopped asking"
            />
          </StatGroup>
          <TimeSeriesChart
            data={samples}
            series={[
              { key: "inFlight", label: "in flight", color: "#0ea5e9" },
              { key: "limit", label: "limit", color: "#f59e0b" },
              { key: "waiting", label: "waiting in line", color: "#a855f7" },
            ]}
            height={180}
          />
        </div>
      )}
    </Card>
  );
}
