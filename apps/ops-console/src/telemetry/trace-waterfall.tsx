"use client";

import Link from "next/link";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { EmptyState } from "@agora/ui";
import { useTRPC } from "@agora/trpc-next/react";

/** One trace as a waterfall (bars on a shared time axis, indented by depth); tap a span for its attributes. */
export function TraceWaterfall({ traceId }: { traceId: string }) {
  const trpc = useTRPC();
  const trace = useQuery({ ...trpc.ops.telemetry.trace.queryOptions({ traceId }), retry: false });
  const [open, setOpen] = useState<string | null>(null);
  if (trace.isPending) return <p className="text-sm text-zinc-500">Loading…</p>;
  if (trace.error)
    return <EmptyState tone="error" title="Trace unavailable" description={trace.error.message} />;
  const spans = trace.data.spans;
  if (spans.length === 0)
    return (
      <EmptyState title="No spans" description="The trace is unknown or past the retention." />
    );
  const start = Math.min(...spans.map((s) => s.startMs));
  const end = Math.max(...spans.map((s) => s.startMs + s.durationMs));
  const total = Math.max(end - start, 0.001);
  const ids = new Set(spans.map((s) => s.spanId));
  const depth = new Map<string, number>();
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const depthOf = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    const parent = byId.get(id)?.parentSpanId;
    const d = parent && ids.has(parent) ? Math.min(depthOf(parent) + 1, 12) : 0;
    depth.set(id, d);
    return d;
  };
  return (
    <div className="space-y-1">
      <p className="text-sm text-zinc-500">
        {spans.length} spans · {total.toFixed(1)} ms ·{" "}
        <Link className="underline" href={`/logs?traceId=${traceId}`}>
          logs of this trace
        </Link>
      </p>
      {spans.map((s) => (
        <div key={s.spanId} className="text-xs">
          <button
            type="button"
            className="grid w-full grid-cols-[minmax(0,2fr)_minmax(0,3fr)] items-center gap-2 py-1 text-left hover:bg-zinc-50 dark:hover:bg-zinc-900"
            onClick={() => setOpen(open === s.spanId ? null : s.spanId)}
          >
            <span className="truncate" style={{ paddingLeft: depthOf(s.spanId) * 10 }}>
              <span className={s.error ? "text-rose-600" : ""}>{s.name}</span>{" "}
              <span className="text-zinc-500">{s.service}</span>
            </span>
            <span className="relative h-4 rounded bg-zinc-100 dark:bg-zinc-800">
              <span
                className={`absolute h-4 rounded ${s.error ? "bg-rose-500" : "bg-sky-500"}`}
                style={{
                  left: `${((s.startMs - start) / total) * 100}%`,
                  width: `${Math.max((s.durationMs / total) * 100, 0.5)}%`,
                }}
              />
              <span className="absolute right-1 tabular-nums">{s.durationMs.toFixed(1)} ms</span>
            </span>
          </button>
          {open === s.spanId && (
            <dl className="grid grid-cols-1 gap-x-4 gap-y-1 break-all rounded bg-zinc-50 p-2 font-mono sm:grid-cols-[max-content_1fr] dark:bg-zinc-900">
              {Object.entries({
                kind: s.kind,
                spanId: s.spanId,
                status: s.statusMessage ?? (s.error ? "error" : "ok"),
                ...s.attributes,
              }).map(([k, v]) => (
                <div key={k} className="contents">
                  <dt className="text-zinc-500">{k}</dt>
                  <dd>{String(v)}</dd>
                </div>
              ))}
            </dl>
          )}
        </div>
      ))}
    </div>
  );
}
