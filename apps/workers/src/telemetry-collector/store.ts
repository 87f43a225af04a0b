/**
 * Span and log storage on Redis: one stream each (`XADD … MAXLEN =` bounds the count, a `MINID`
 * trim bounds the age) for searching recent telemetry, plus one list per trace id (capped, with a
 * TTL equal to the retention) so one trace's spans and logs are a single LRANGE. A sorted set of
 * trace ids by first-seen time bounds those lists by count too: without it they grew for a whole
 * retention under steady load (+22 % Redis in a ten-minute soak, docs/performance.md).
 */
import type { Redis } from "ioredis";
import { z } from "zod";
import type { StoredLog, StoredSpan } from "./otlp.ts";

export interface RetentionPolicy {
  /** How long spans and log lines are kept. */
  retentionMs: number;
  /** Most spans kept in the search stream. */
  maxSpans: number;
  /** Most log lines kept in the search stream. */
  maxLogs: number;
  /** Most spans (and log lines) kept for one trace. */
  maxPerTrace: number;
  /**
   * Most traces whose span and log lists are kept, newest by first seen. The default 2,000 covers
   * at least what the 50,000-span search stream holds when most traces are small (a cached read,
   * a job: 1-20 spans), so a trace found by a search can still be opened; it bounds the lists to
   * ~35 MB of Redis on a mixed load (3,884 lists took 69 MB in a soak) and to ~250 MB when every
   * trace is a checkout (~250 spans).
   */
  maxTraces: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  retentionMs: 60 * 60_000,
  maxSpans: 50_000,
  maxLogs: 50_000,
  maxPerTrace: 2_000,
  maxTraces: 2_000,
};

export const traceSearchSchema = z.object({
  service: z.string().min(1).optional(),
  /** Substring of the span name, e.g. a tRPC procedure `checkout.place`. */
  name: z.string().min(1).optional(),
  minDurationMs: z.coerce.number().nonnegative().optional(),
  errorsOnly: z.preprocess((v) => v === true || v === "true" || v === "1", z.boolean()).optional(),
  traceId: z.string().regex(/^[0-9a-f]{32}$/).optional(),
  limit: z.coerce.number().int().positive().max(200).default(50),
});
export type TraceSearch = z.infer<typeof traceSearchSchema>;

export const logSearchSchema = z.object({
  traceId: z.string().regex(/^[0-9a-f]{32}$/).optional(),
  service: z.string().min(1).optional(),
  level: z.enum(["trace", "debug", "info", "warn", "error", "fatal"]).optional(),
  /** Substring of the message. */
  text: z.string().min(1).optional(),
  sinceMs: z.coerce.number().nonnegative().optional(),
  untilMs: z.coerce.number().nonnegative().optional(),
  limit: z.coerce.number().int().positive().max(1_000).default(200),
});
export type LogSearch = z.infer<typeof logSearchSchema>;

export interface TraceSummary {
  traceId: string;
  /** The earliest span of the trace seen in the window (its entry point). */
  rootName: string;
  rootService: string;
  startMs: number;
  durationMs: number;
  spanCount: number;
  services: string[];
  error: boolean;
}

const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"];
// Streams are scanned newest-first in pages; a search never reads more than this many entries.
const SCAN_LIMIT = 20_000;
const PAGE = 1_000;
// Traces dropped per ZPOPMIN/UNLINK round trip when the trace index is over its bound.
const EVICT_BATCH = 500;

export interface TelemetryStore {
  addSpans(spans: StoredSpan[]): Promise<void>;
  addLogs(logs: StoredLog[]): Promise<void>;
  searchTraces(q: TraceSearch): Promise<TraceSummary[]>;
  getTrace(traceId: string): Promise<StoredSpan[]>;
  searchLogs(q: LogSearch): Promise<StoredLog[]>;
  services(): Promise<string[]>;
  /** Drops stream entries older than the retention (also done on every write). */
  trim(): Promise<void>;
}

/** A pipeline answers each command's error in place; the first one fails the write. */
function failedCommand(results: [Error | null, unknown][] | null): void {
  const failed = results?.find(([err]) => err)?.[0];
  if (failed) throw failed;
}

export function createTelemetryStore(
  redis: Redis,
  policy: RetentionPolicy = DEFAULT_RETENTION,
  opts: { prefix?: string; now?: () => number } = {},
): TelemetryStore {
  const p = opts.prefix ?? "telemetry";
  const now = opts.now ?? Date.now;
  const spansKey = `${p}:spans`;
  const logsKey = `${p}:logs`;
  const traceKey = (id: string) => `${p}:trace:${id}`;
  const traceLogsKey = (id: string) => `${p}:trace-logs:${id}`;
  const servicesKey = `${p}:services`;
  // Trace id → first-seen ms; its oldest entries are the lists dropped to stay within maxTraces.
  const traceIndexKey = `${p}:trace-index`;
  const cutoff = () => now() - policy.retentionMs;

  /** Visits the newest `bound` entries of a stream (it may hold a few more: trimmed by nodes). */
  async function scan(key: string, bound: number, visit: (json: string) => boolean): Promise<void> {
    let end = "+";
    let read = 0;
    const limit = Math.min(SCAN_LIMIT, bound);
    while (read < limit) {
      const want = Math.min(PAGE, limit - read);
      const page = await redis.xrevrange(key, end, "-", "COUNT", want);
      if (page.length === 0) return;
      for (const [, fields] of page) {
        if (fields[1] !== undefined && !visit(fields[1])) return;
      }
      read += page.length;
      const lastId = page[page.length - 1]?.[0];
      if (!lastId || page.length < want) return;
      end = `(${lastId}`;
    }
  }

  /**
   * One batch is one pipeline, not a MULTI: telemetry shares the product's Redis, and an EXEC of
   * a few hundred spans held its one thread for tens of milliseconds at a time, so under a checkout
   * burst every session, cart and rate-limit command queued behind it (5-s ioredis timeouts seen on
   * `get`). A pipeline lets other clients' commands run between these. Nothing here needs the
   * batch to be atomic: each span is one stream entry and one list element. Spans of one trace go
   * in with one RPUSH (and one LTRIM/PEXPIRE), and the services hash is written once per batch.
   * The streams are trimmed approximately (`MAXLEN ~`, whole stream nodes, the cheap form Redis
   * recommends; exact trimming rewrote the oldest node on every entry): a stream may hold up to one
   * node (100 entries) beyond its bound, and searches read only the newest `max` entries.
   * The batch's trace ids join the trace index (`ZADD NX`: first seen wins) in the same pipeline,
   * whose ZCARD says whether `dropOldestTraces` has anything to do.
   */
  async function appendGrouped<T>(
    items: readonly T[],
    streamKey: string,
    field: string,
    maxLen: number,
    traceOf: (item: T) => string | null,
    listKey: (traceId: string) => string,
    serviceOf: (item: T) => string,
  ): Promise<void> {
    const pipe = redis.pipeline();
    const perTrace = new Map<string, string[]>();
    const services = new Map<string, string>();
    const at = now();
    for (const item of items) {
      const json = JSON.stringify(item);
      pipe.xadd(streamKey, "MAXLEN", "~", maxLen, "*", field, json);
      const traceId = traceOf(item);
      if (traceId) {
        const list = perTrace.get(traceId);
        if (list) list.push(json);
        else perTrace.set(traceId, [json]);
      }
      services.set(serviceOf(item), String(at));
    }
    for (const [traceId, jsons] of perTrace) {
      const key = listKey(traceId);
      pipe.rpush(key, ...jsons);
      pipe.ltrim(key, -policy.maxPerTrace, -1);
      pipe.pexpire(key, policy.retentionMs);
    }
    pipe.hset(servicesKey, Object.fromEntries(services));
    if (perTrace.size === 0) return pipe.exec().then(failedCommand);
    pipe.zadd(traceIndexKey, "NX", ...[...perTrace.keys()].flatMap((id) => [at, id]));
    pipe.pexpire(traceIndexKey, policy.retentionMs);
    pipe.zcard(traceIndexKey);
    const results = await pipe.exec();
    failedCommand(results);
    const traces = Number(results?.[results.length - 1]?.[1] ?? 0);
    if (traces > policy.maxTraces) await dropOldestTraces(traces - policy.maxTraces);
  }

  /**
   * Drops the `count` first-seen traces from the index and UNLINKs both their lists (freed off
   * Redis' main thread), EVICT_BATCH at a time. ZPOPMIN hands each entry to one caller only: two
   * collectors over the bound at the same moment may drop a few traces too many, never one twice.
   */
  async function dropOldestTraces(count: number): Promise<void> {
    for (let left = count; left > 0; left -= EVICT_BATCH) {
      const popped = await redis.zpopmin(traceIndexKey, Math.min(left, EVICT_BATCH));
      // Reply is [member, score, member, score, …].
      const keys = popped.flatMap((id, i) => (i % 2 === 0 ? [traceKey(id), traceLogsKey(id)] : []));
      if (keys.length === 0) return;
      await redis.unlink(...keys);
    }
  }

  const store: TelemetryStore = {
    async addSpans(spans) {
      if (spans.length === 0) return;
      await appendGrouped(
        spans,
        spansKey,
        "s",
        policy.maxSpans,
        (s) => s.traceId,
        traceKey,
        (s) => s.service,
      );
      await store.trim();
    },
    async addLogs(logs) {
      if (logs.length === 0) return;
      await appendGrouped(
        logs,
        logsKey,
        "l",
        policy.maxLogs,
        (l) => l.traceId,
        traceLogsKey,
        (l) => l.service,
      );
      await store.trim();
    },
    async trim() {
      // Stream ids start with the Redis server's ms clock; MINID drops everything older.
      const minMs = Math.max(0, Math.floor(cutoff()));
      await redis
        .pipeline()
        .xtrim(spansKey, "MINID", `${minMs}-0`)
        .xtrim(logsKey, "MINID", `${minMs}-0`)
        // Index entries first seen before the cutoff (a trace still written rejoins on its next write).
        .zremrangebyscore(traceIndexKey, "-inf", `(${minMs}`)
        .exec()
        .then(failedCommand);
    },
    async searchTraces(q) {
      if (q.traceId) {
        const spans = await store.getTrace(q.traceId);
        return spans.length ? [summarize(q.traceId, spans)] : [];
      }
      const byTrace = new Map<string, StoredSpan[]>();
      const matched = new Set<string>();
      const min = cutoff();
      await scan(spansKey, policy.maxSpans, (json) => {
        const s = JSON.parse(json) as StoredSpan;
        if (s.startMs < min) return true; // entries are in arrival order, not start order
        const list = byTrace.get(s.traceId) ?? [];
        list.push(s);
        byTrace.set(s.traceId, list);
        if (
          (!q.service || s.service === q.service) &&
          (!q.name || s.name.includes(q.name)) &&
          (q.minDurationMs === undefined || s.durationMs >= q.minDurationMs) &&
          (!q.errorsOnly || s.error)
        ) {
          matched.add(s.traceId);
        }
        return true;
      });
      const out: TraceSummary[] = [];
      for (const id of matched) out.push(summarize(id, byTrace.get(id) ?? []));
      return out.sort((a, b) => b.startMs - a.startMs).slice(0, q.limit);
    },
    async getTrace(traceId) {
      const min = cutoff();
      const rows = await redis.lrange(traceKey(traceId), 0, -1);
      return rows
        .map((r) => JSON.parse(r) as StoredSpan)
        .filter((s) => s.startMs >= min)
        .sort((a, b) => a.startMs - b.startMs);
    },
    async searchLogs(q) {
      const min = Math.max(cutoff(), q.sinceMs ?? 0);
      const minLevel = q.level ? LEVELS.indexOf(q.level) : 0;
      const keep = (l: StoredLog) =>
        l.timeMs >= min &&
        (q.untilMs === undefined || l.timeMs <= q.untilMs) &&
        (!q.service || l.service === q.service) &&
        LEVELS.indexOf(l.level) >= minLevel &&
        (!q.text || l.msg.includes(q.text));
      if (q.traceId) {
        const rows = await redis.lrange(traceLogsKey(q.traceId), 0, -1);
        return rows
          .map((r) => JSON.parse(r) as StoredLog)
          .filter(keep)
          .sort((a, b) => a.timeMs - b.timeMs)
          .slice(0, q.limit);
      }
      const out: StoredLog[] = [];
      await scan(logsKey, policy.maxLogs, (json) => {
        const l = JSON.parse(json) as StoredLog;
        if (keep(l)) out.push(l);
        return out.length < q.limit;
      });
      return out;
    },
    async services() {
      const all = await redis.hgetall(servicesKey);
      const min = cutoff();
      return Object.entries(all)
        .filter(([, at]) => Number(at) >= min)
        .map(([name]) => name)
        .sort();
    },
  };
  return store;
}

export function summarize(traceId: string, spans: StoredSpan[]): TraceSummary {
  const sorted = [...spans].sort((a, b) => a.startMs - b.startMs);
  const ids = new Set(sorted.map((s) => s.spanId));
  const root = sorted.find((s) => !s.parentSpanId || !ids.has(s.parentSpanId)) ?? sorted[0];
  const start = sorted[0]?.startMs ?? 0;
  const end = Math.max(...sorted.map((s) => s.startMs + s.durationMs), start);
  return {
    traceId,
    rootName: root?.name ?? "",
    rootService: root?.service ?? "",
    startMs: start,
    durationMs: end - start,
    spanCount: sorted.length,
    services: [...new Set(sorted.map((s) => s.service))].sort(),
    error: sorted.some((s) => s.error),
  };
}
