/**
 * OTLP/HTTP JSON (what `@opentelemetry/exporter-trace-otlp-http` and our log shipper send) →
 * the flat span and log records the collector stores. zod checks the envelope; attribute values
 * of unknown shapes are kept as JSON text rather than rejected.
 */
import { z } from "zod";

export type AttributeValue = string | number | boolean;

export interface StoredSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  service: string;
  kind: string;
  startMs: number;
  durationMs: number;
  error: boolean;
  statusMessage: string | null;
  attributes: Record<string, AttributeValue>;
  events: { name: string; atMs: number; attributes: Record<string, AttributeValue> }[];
}

export interface StoredLog {
  timeMs: number;
  service: string;
  level: string;
  msg: string;
  traceId: string | null;
  spanId: string | null;
  attributes: Record<string, AttributeValue>;
}

const anyValue: z.ZodType<unknown> = z.unknown();
const keyValue = z.object({ key: z.string(), value: anyValue.optional() });
const attrs = z.array(keyValue).optional();
const nanos = z.union([z.string(), z.number()]);
const resource = z.object({ attributes: attrs }).optional();

const span = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().optional(),
  name: z.string(),
  kind: z.union([z.number(), z.string()]).optional(),
  startTimeUnixNano: nanos,
  endTimeUnixNano: nanos,
  attributes: attrs,
  status: z.object({ code: z.union([z.number(), z.string()]).optional(), message: z.string().optional() }).optional(),
  events: z
    .array(z.object({ name: z.string(), timeUnixNano: nanos, attributes: attrs }))
    .optional(),
});

export const tracesRequestSchema = z.object({
  resourceSpans: z
    .array(z.object({ resource, scopeSpans: z.array(z.object({ spans: z.array(span).optional() })).optional() }))
    .default([]),
});

const logRecord = z.object({
  timeUnixNano: nanos.optional(),
  observedTimeUnixNano: nanos.optional(),
  severityText: z.string().optional(),
  severityNumber: z.number().optional(),
  body: anyValue.optional(),
  traceId: z.string().optional(),
  spanId: z.string().optional(),
  attributes: attrs,
});

export const logsRequestSchema = z.object({
  resourceLogs: z
    .array(
      z.object({ resource, scopeLogs: z.array(z.object({ logRecords: z.array(logRecord).optional() })).optional() }),
    )
    .default([]),
});

const KINDS = ["unspecified", "internal", "server", "client", "producer", "consumer"];

function value(v: unknown): AttributeValue {
  if (typeof v !== "object" || v === null) return String(v);
  const o = v as Record<string, unknown>;
  if (typeof o.stringValue === "string") return o.stringValue;
  if (typeof o.boolValue === "boolean") return o.boolValue;
  if (o.intValue !== undefined) return Number(o.intValue);
  if (typeof o.doubleValue === "number") return o.doubleValue;
  return JSON.stringify(o.arrayValue ?? o.kvlistValue ?? o);
}

function attributes(list: z.infer<typeof keyValue>[] | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const kv of list ?? []) out[kv.key] = value(kv.value);
  return out;
}

const toMs = (n: string | number) => Number(BigInt(n) / 1_000n) / 1_000;

// The JS exporter encodes ids as hex; the protobuf-JSON mapping of other SDKs uses base64.
function hexId(id: string, bytes: number): string {
  if (/^[0-9a-f]+$/i.test(id) && id.length === bytes * 2) return id.toLowerCase();
  return Buffer.from(id, "base64").toString("hex");
}

export function spansFromOtlp(body: unknown): StoredSpan[] {
  const req = tracesRequestSchema.parse(body);
  const out: StoredSpan[] = [];
  for (const rs of req.resourceSpans) {
    const service = String(attributes(rs.resource?.attributes)["service.name"] ?? "unknown");
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        const startMs = toMs(s.startTimeUnixNano);
        const code = s.status?.code;
        out.push({
          traceId: hexId(s.traceId, 16),
          spanId: hexId(s.spanId, 8),
          parentSpanId: s.parentSpanId ? hexId(s.parentSpanId, 8) : null,
          name: s.name,
          service,
          kind: typeof s.kind === "number" ? (KINDS[s.kind] ?? "internal") : String(s.kind ?? "internal"),
          startMs,
          durationMs: Math.max(0, toMs(s.endTimeUnixNano) - startMs),
          error: code === 2 || code === "STATUS_CODE_ERROR",
          statusMessage: s.status?.message ?? null,
          attributes: attributes(s.attributes),
          events: (s.events ?? []).map((e) => ({
            name: e.name,
            atMs: toMs(e.timeUnixNano),
            attributes: attributes(e.attributes),
          })),
        });
      }
    }
  }
  return out;
}

export function logsFromOtlp(body: unknown): StoredLog[] {
  const req = logsRequestSchema.parse(body);
  const out: StoredLog[] = [];
  for (const rl of req.resourceLogs) {
    const service = String(attributes(rl.resource?.attributes)["service.name"] ?? "unknown");
    for (const sl of rl.scopeLogs ?? []) {
      for (const r of sl.logRecords ?? []) {
        const time = r.timeUnixNano ?? r.observedTimeUnixNano;
        out.push({
          timeMs: time !== undefined ? toMs(time) : Date.now(),
          service,
          level: (r.severityText ?? "info").toLowerCase(),
          msg: r.body === undefined ? "" : String(value(r.body)),
          traceId: r.traceId ? hexId(r.traceId, 16) : null,
          spanId: r.spanId ? hexId(r.spanId, 8) : null,
          attributes: attributes(r.attributes),
        });
      }
    }
  }
  return out;
}
