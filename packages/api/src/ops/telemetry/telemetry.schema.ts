/** Inputs of the ops console's Traces and Logs pages, and the collector's answers (checked with zod). */
import { z } from "zod";

const traceId = z.string().regex(/^[0-9a-f]{32}$/, "a trace id is 32 lowercase hex characters");

export const traceSearchInput = z.object({
  service: z.string().min(1).max(100).optional(),
  /** Substring of a span name, e.g. the tRPC procedure `checkout.place`. */
  procedure: z.string().min(1).max(200).optional(),
  minDurationMs: z.number().nonnegative().max(600_000).optional(),
  errorsOnly: z.boolean().optional(),
  traceId: traceId.optional(),
  limit: z.number().int().positive().max(200).default(50),
});

export const traceInput = z.object({ traceId });

export const logSearchInput = z.object({
  traceId: traceId.optional(),
  service: z.string().min(1).max(100).optional(),
  level: z.enum(["debug", "info", "warn", "error", "fatal"]).optional(),
  text: z.string().min(1).max(200).optional(),
  /** Only lines from the last N minutes. */
  sinceMinutes: z
    .number()
    .int()
    .positive()
    .max(24 * 60)
    .optional(),
  limit: z.number().int().positive().max(1_000).default(200),
});

export const errorsInput = z.object({
  minutes: z
    .number()
    .int()
    .positive()
    .max(24 * 60)
    .default(60),
});

const attr = z.union([z.string(), z.number(), z.boolean()]);

export const traceSummarySchema = z.object({
  traceId: z.string(),
  rootName: z.string(),
  rootService: z.string(),
  startMs: z.number(),
  durationMs: z.number(),
  spanCount: z.number(),
  services: z.array(z.string()),
  error: z.boolean(),
});

export const spanSchema = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().nullable(),
  name: z.string(),
  service: z.string(),
  kind: z.string(),
  startMs: z.number(),
  durationMs: z.number(),
  error: z.boolean(),
  statusMessage: z.string().nullable(),
  attributes: z.record(z.string(), attr),
  events: z.array(
    z.object({ name: z.string(), atMs: z.number(), attributes: z.record(z.string(), attr) }),
  ),
});

export const logLineSchema = z.object({
  timeMs: z.number(),
  service: z.string(),
  level: z.string(),
  msg: z.string(),
  traceId: z.string().nullable(),
  spanId: z.string().nullable(),
  attributes: z.record(z.string(), attr),
});

export type Span = z.infer<typeof spanSchema>;
export type TraceSummary = z.infer<typeof traceSummarySchema>;
export type LogLine = z.infer<typeof logLineSchema>;
