/**
 * The console's own error view (it works with no Sentry DSN): recent error and fatal log lines of
 * every process grouped by service and message shape (ids and numbers masked, so "order 1f…
 * failed" and "order 9c… failed" are one group), plus failed traces grouped by their root span.
 * Every group links to its latest trace.
 */
import type { z } from "zod";
import { searchLogs, searchTraces } from "./collector-client.ts";
import type { errorsInput, LogLine, TraceSummary } from "./telemetry.schema.ts";

export interface ErrorGroup {
  service: string;
  /** The message with ids and numbers masked. */
  shape: string;
  /** One real message of the group (the latest). */
  example: string;
  count: number;
  firstMs: number;
  lastMs: number;
  latestTraceId: string | null;
}

export interface FailedTraceGroup {
  service: string;
  rootName: string;
  count: number;
  lastMs: number;
  latestTraceId: string;
}

export interface ErrorOverview {
  logGroups: ErrorGroup[];
  traceGroups: FailedTraceGroup[];
  /** Error lines per service (for the chart). */
  byService: { service: string; errors: number }[];
}

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const HEX = /\b[0-9a-f]{16,}\b/gi;
const NUMBER = /\b\d+(\.\d+)?\b/g;

/** The message with what varies between occurrences (ids, hashes, numbers) masked. */
export function messageShape(msg: string): string {
  return msg.replace(UUID, "<id>").replace(HEX, "<hex>").replace(NUMBER, "<n>").slice(0, 300);
}

export function groupErrorLines(lines: readonly LogLine[]): ErrorGroup[] {
  const groups = new Map<string, ErrorGroup>();
  // Oldest first, so the last line seen is the group's example and latest trace.
  for (const l of [...lines].sort((a, b) => a.timeMs - b.timeMs)) {
    const shape = messageShape(l.msg);
    const key = `${l.service}\u0000${shape}`;
    const g = groups.get(key);
    if (!g) {
      groups.set(key, {
        service: l.service,
        shape,
        example: l.msg,
        count: 1,
        firstMs: l.timeMs,
        lastMs: l.timeMs,
        latestTraceId: l.traceId,
      });
      continue;
    }
    g.count += 1;
    g.lastMs = l.timeMs;
    g.example = l.msg;
    g.latestTraceId = l.traceId ?? g.latestTraceId;
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || b.lastMs - a.lastMs);
}

export function groupFailedTraces(traces: readonly TraceSummary[]): FailedTraceGroup[] {
  const groups = new Map<string, FailedTraceGroup>();
  for (const t of [...traces].sort((a, b) => a.startMs - b.startMs)) {
    const key = `${t.rootService}\u0000${t.rootName}`;
    const g = groups.get(key);
    if (!g)
      groups.set(key, {
        service: t.rootService,
        rootName: t.rootName,
        count: 1,
        lastMs: t.startMs,
        latestTraceId: t.traceId,
      });
    else {
      g.count += 1;
      g.lastMs = t.startMs;
      g.latestTraceId = t.traceId;
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || b.lastMs - a.lastMs);
}

export async function errorOverview(input: z.output<typeof errorsInput>): Promise<ErrorOverview> {
  const since = Date.now() - input.minutes * 60_000;
  const [lines, traces] = await Promise.all([
    searchLogs({ level: "error", sinceMinutes: input.minutes, limit: 1_000 }),
    searchTraces({ errorsOnly: true, limit: 200 }),
  ]);
  const logGroups = groupErrorLines(lines);
  const perService = new Map<string, number>();
  for (const l of lines) perService.set(l.service, (perService.get(l.service) ?? 0) + 1);
  return {
    logGroups,
    traceGroups: groupFailedTraces(traces.filter((t) => t.startMs >= since)),
    byService: [...perService.entries()]
      .map(([service, errors]) => ({ service, errors }))
      .sort((a, b) => b.errors - a.errors),
  };
}
