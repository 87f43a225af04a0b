"use client";

import Link from "next/link";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Badge, EmptyState } from "@agora/ui";
import { useTRPC } from "@agora/trpc-next/react";
import {
  completeTraceId,
  FILTER_INPUT,
  FilterForm,
  TextFilter,
  TraceIdFilter,
} from "./search-form.tsx";

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
      traceId: completeTraceId(traceId),
      limit: 50,
    }),
    refetchInterval: 5_000,
    retry: false,
  });
  return (
    <div className="space-y-4">
      <FilterForm columns={5}>
        <select
          aria-label="Service"
          className={FILTER_INPUT}
          value={service}
          onChange={(e) => setService(e.target.value)}
        >
          <option value="">All services</option>
          {(services.data ?? []).map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <TextFilter
          label="Procedure"
          placeholder="procedure, e.g. checkout.place"
          value={procedure}
          onChange={setProcedure}
        />
        <TextFilter
          label="Minimum duration (ms)"
          placeholder="min ms"
          numeric
          value={minMs}
          onChange={(v) => setMinMs(v.replace(/\D/g, ""))}
        />
        <TraceIdFilter value={traceId} onChange={setTraceId} />
        <label className="flex min-h-10 items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={errorsOnly}
            onChange={(e) => setErrorsOnly(e.target.checked)}
          />{" "}
          errors only
        </label>
      </FilterForm>
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
