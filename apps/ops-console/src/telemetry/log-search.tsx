"use client";

import Link from "next/link";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { EmptyState } from "@agora/ui";
import { useTRPC } from "@agora/trpc-next/react";
import {
  completeTraceId,
  FILTER_INPUT,
  FilterForm,
  TextFilter,
  TraceIdFilter,
} from "./search-form.tsx";

const LEVELS = ["debug", "info", "warn", "error", "fatal"] as const;
type Level = (typeof LEVELS)[number];

/** Log lines from every process; each line with a trace id links to its waterfall. */
export function LogSearch({ initialTraceId }: { initialTraceId?: string }) {
  const trpc = useTRPC();
  const [traceId, setTraceId] = useState(initialTraceId ?? "");
  const [service, setService] = useState("");
  const [level, setLevel] = useState<Level | "">("");
  const [text, setText] = useState("");
  const logs = useQuery({
    ...trpc.ops.telemetry.logs.queryOptions({
      traceId: completeTraceId(traceId),
      service: service || undefined,
      level: level || undefined,
      text: text || undefined,
      sinceMinutes: 60,
      limit: 200,
    }),
    refetchInterval: 5_000,
    retry: false,
  });
  return (
    <div className="space-y-4">
      <FilterForm columns={4}>
        <TraceIdFilter value={traceId} onChange={setTraceId} />
        <TextFilter
          label="Service"
          placeholder="service"
          value={service}
          onChange={(v) => setService(v.trim())}
        />
        <select
          aria-label="Level"
          className={FILTER_INPUT}
          value={level}
          onChange={(e) => setLevel(e.target.value as Level | "")}
        >
          <option value="">any level</option>
          {LEVELS.map((l) => (
            <option key={l} value={l}>
              {l} and above
            </option>
          ))}
        </select>
        <TextFilter label="Text" placeholder="message contains" value={text} onChange={setText} />
      </FilterForm>
      {logs.error ? (
        <EmptyState tone="error" title="Logs unavailable" description={logs.error.message} />
      ) : logs.data?.length === 0 ? (
        <EmptyState title="No log lines match" />
      ) : (
        <ul className="divide-y divide-zinc-200 font-mono text-xs dark:divide-zinc-800">
          {(logs.data ?? []).map((l, i) => (
            <li key={`${l.timeMs}-${i}`} className="flex flex-wrap gap-x-2 py-1">
              <span className="text-zinc-500">
                {new Date(l.timeMs).toLocaleTimeString("en-GB")}
              </span>
              <span
                className={
                  l.level === "error" || l.level === "fatal"
                    ? "text-rose-600"
                    : l.level === "warn"
                      ? "text-amber-600"
                      : ""
                }
              >
                {l.level}
              </span>
              <span className="text-zinc-500">{l.service}</span>
              <span className="min-w-0 break-words">{l.msg}</span>
              {l.traceId && (
                <Link className="ml-auto text-sky-600 underline" href={`/traces/${l.traceId}`}>
                  trace {l.traceId.slice(0, 8)}
                </Link>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
