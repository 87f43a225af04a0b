"use client";

import Link from "next/link";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Badge, EmptyState } from "@agora/ui";
import { useTRPC } from "@agora/trpc-next/react";

const INPUT =
  "min-h-10 w-full rounded-md border border-zinc-300 bg-white px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/** Search recent traces by service, procedure, minimum duration, errors, or one trace id. */
export function TraceSearch() {
  const trpc = useTRPC();
  const [service, setService] = useState("");
  const [procedure, setProcedure] = useState("");
  const [minMs, setMinMs] = useState("");
  const [errorsOnly, setErrorsOnly] = useState(false);
  const [traceId, setTraceId] = useState("");
  const services = useQuery({ ...trpc.ops.telemetry.services.queryOptions(), retry: false });
  const traces = useQuery({
    ...trpc.ops.telemetry.traces.queryOptions({
      service: service || undefined,
      procedure: procedure || undefined,
      minDurationMs: minMs ? Number(minMs) : undefined,
      errorsOnly: errorsOnly || undefined,
      traceId: /^[0-9a-f]{32}$/.test(traceId) ? traceId : undefined,
      limit: 50,
    }),
    refetchInterval: 5_000,
    retry: false,
  });
  return (
    <div className="space-y-4">
      <form
        className="grid grid-cols-1 gap-2 sm:grid-cols-2 lg:grid-cols-5"
        onSubmit={(e) => e.preventDefault()}
      >
        <select
          aria-label="Service"
          className={INPUT}
          value={service}
          onChange={(e) => setService(e.target.value)}
        >
          <option value="">All services</option>
          {(services.data ?? []).map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <input
          aria-label="Procedure"
          className={INPUT}
          placeholder="procedure, e.g. checkout.place"
          value={procedure}
          onChange={(e) => setProcedure(e.target.value)}
        />
        <input
          aria-label="Minimum duration (ms)"
          className={INPUT}
          inputMode="numeric"
          placeholder="min ms"
          value={minMs}
          onChange={(e) => setMinMs(e.target.value.replace(/\D/g, ""))}
        />
        <input
          aria-label="Trace id"
          className={INPUT}
          placeholder="trace id"
          value={traceId}
          onChange={(e) => setTraceId(e.target.value.trim().toLowerCase())}
        />
        <label className="flex min-h-10 items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={errorsOnly}
            onChange={(e) => setErrorsOnly(e.target.checked)}
          />{" "}
          errors only
        </label>
      </form>
      {traces.error ? (
        <EmptyState tone="error" title="Traces unavailable" description={traces.error.message} />
      ) : traces.data?.length === 0 ? (
        <EmptyState title="No traces match" description="Widen the search or wait for traffic." />
      ) : (
        <ul className="divide-y divide-zinc-200 dark:divide-zinc-800">
          {(traces.data ?? []).map((t) => (
            <li key={t.traceId} className="py-2">
              <Link
                href={`/traces/${t.traceId}`}
                className="flex flex-wrap items-center gap-2 text-sm hover:underline"
              >
                {t.error ? <Badge tone="danger">error</Badge> : <Badge tone="success">ok</Badge>}
                <span className="font-medium">{t.rootName}</span>
                <span className="text-zinc-500">{t.rootService}</span>
                <span className="ml-auto tabular-nums">
                  {t.durationMs.toFixed(1)} ms · {t.spanCount} spans
                </span>
                <span className="w-full truncate font-mono text-xs text-zinc-500">
                  {t.traceId} · {new Date(t.startMs).toLocaleTimeString("en-GB")} ·{" "}
                  {t.services.join(", ")}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
