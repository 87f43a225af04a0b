/** Tracing and log shipping. */
import { z } from "zod";
import { baseUrl } from "./primitives.ts";

export const telemetrySchema = z.object({
  /** Collector base URL (OTLP/HTTP + span/log store API); unset = telemetry off. */
  AGORA_TELEMETRY_URL: baseUrl.optional(),
  /** Head-sampling ratio of new traces (0..1, default 1). */
  AGORA_TRACE_SAMPLE_RATE: z.coerce.number().min(0).max(1).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SENTRY_DSN: z.string().min(1).optional(),
});
