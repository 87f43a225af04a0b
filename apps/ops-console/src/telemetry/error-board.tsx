"use client";

import Link from "next/link";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Badge, Card, EmptyState, Table } from "@agora/ui";
import { CategoryBarChart } from "@agora/ui/charts";
import { useTRPC } from "@agora/trpc-next/react";

const time = (ms: number) => new Date(ms).toLocaleTimeString("en-GB");

/**
 * Errors of every process, grouped: what keeps failing, where, how often, since when, and a link
 * to the latest occurrence's trace and log lines. Works without any error-tracking service.
 */
export function ErrorBoard() {
  const trpc = useTRPC();
  const [minutes, setMinutes] = useState(60);
  const errors = useQuery({
    ...trpc.ops.telemetry.errors.queryOptions({ minutes }),
    refetchInterval: 5_000,
    retry: false,
  });
  if (errors.error)
    return (
      <EmptyState tone="error" title="Errors unavailable" description={errors.error.message} />
    );
  const data = errors.data;
  return (
    <div className="space-y-4">
      <label className="flex items-center gap-2 text-sm">
        last
        <select
          aria-label="Time window"
          className="min-h-10 rounded-md border border-zinc-300 px-2 dark:border-zinc-700 dark:bg-zinc-900"
          value={minutes}
          onChange={(e) => setMinutes(Number(e.target.value))}
        >
          {[15, 60, 360, 1440].map((m) => (
            <option key={m} value={m}>
              {m < 60 ? `${m} min` : `${m / 60} h`}
            </option>
          ))}
        </select>
      </label>
      {data && data.byService.length > 0 && (
        <Card title="Error lines per service">
          <CategoryBarChart
            data={data.byService.map((s) => ({ name: s.service, errors: s.errors }))}
            bars={[{ key: "errors", label: "error lines", color: "#e11d48" }]}
          />
        </Card>
      )}
      <Card
        title="Errors logged"
        description="Error and fatal log lines grouped by service and message (ids and numbers masked)."
      >
        <Table
          caption="Errors logged"
          rows={data?.logGroups ?? []}
          rowKey={(g) => `${g.service}/${g.shape}`}
          empty={
            <EmptyState
              title="No errors logged"
              description="Nothing at error level in this window."
            />
          }
          columns={[
            {
              key: "count",
              header: "Count",
              align: "right",
              cell: (g) => <Badge tone="danger">{g.count}</Badge>,
            },
            { key: "service", header: "Service", cell: (g) => g.service },
            {
              key: "message",
              header: "Message",
              cell: (g) => (
                <span className="block max-w-xl break-words font-mono text-xs" title={g.example}>
                  {g.shape}
                </span>
              ),
            },
            {
              key: "seen",
              header: "First / last",
              hideOnMobile: true,
              cell: (g) => `${time(g.firstMs)} – ${time(g.lastMs)}`,
            },
            {
              key: "trace",
              header: "Latest",
              cell: (g) =>
                g.latestTraceId ? (
                  <span className="flex flex-col gap-0.5">
                    <Link className="underline" href={`/traces/${g.latestTraceId}`}>
                      trace
                    </Link>
                    <Link className="underline" href={`/logs?traceId=${g.latestTraceId}`}>
                      logs
                    </Link>
                  </span>
                ) : (
                  "—"
                ),
            },
          ]}
        />
      </Card>
      <Card title="Failed traces" description="Traces with an error span, grouped by their root.">
        <Table
          caption="Failed traces"
          rows={data?.traceGroups ?? []}
          rowKey={(g) => `${g.service}/${g.rootName}`}
          empty={<EmptyState title="No failed traces" />}
          columns={[
            {
              key: "count",
              header: "Count",
              align: "right",
              cell: (g) => <Badge tone="danger">{g.count}</Badge>,
            },
            { key: "root", header: "Root span", cell: (g) => g.rootName },
            { key: "service", header: "Service", hideOnMobile: true, cell: (g) => g.service },
            { key: "last", header: "Last", hideOnMobile: true, cell: (g) => time(g.lastMs) },
            {
              key: "trace",
              header: "Latest",
              cell: (g) => (
                <Link className="underline" href={`/traces/${g.latestTraceId}`}>
                  trace
                </Link>
              ),
            },
          ]}
        />
      </Card>
    </div>
  );
}
