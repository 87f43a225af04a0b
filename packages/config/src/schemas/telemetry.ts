/** Tracing and log shipping, and the collector's two tokens. */
import { z } from "zod";
import { baseUrl, port } from "./primitives.ts";
import { secretsSchema, serviceToken } from "./secrets.ts";

export const telemetrySchema = z
  .object({
    /** Collector base URL (OTLP/HTTP + span/log store API); unset = telemetry off. */
    AGORA_TELEMETRY_URL: baseUrl.optional(),
    /** Bearer token every shipper sends with spans and log lines; required with the URL. */
    AGORA_TELEMETRY_INGEST_TOKEN: serviceToken.optional(),
    /** Head-sampling ratio of new traces (0..1, default 1). */
    AGORA_TRACE_SAMPLE_RATE: z.coerce.number().min(0).max(1).optional(),
    /** New traces per second per process kept whatever the ratio (default 0). */
    AGORA_TRACE_RESERVOIR_PER_SECOND: z.coerce.number().int().min(0).optional(),
    LOG_LEVEL: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
      .default("info"),
    SENTRY_DSN: z.string().min(1).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.AGORA_TELEMETRY_URL && !env.AGORA_TELEMETRY_INGEST_TOKEN)
      ctx.addIssue({
        code: "custom",
        path: ["AGORA_TELEMETRY_INGEST_TOKEN"],
        message:
          "required when AGORA_TELEMETRY_URL is set (the collector refuses unsigned spans and logs)",
      });
  });

/**
 * Reading traces and logs (they hold request inputs) takes a token of its own, which only the
 * ops console has: a process that can ship telemetry cannot read anyone else's.
 */
export const telemetryReadSchema = secretsSchema({
  AGORA_TELEMETRY_READ_TOKEN: serviceToken,
});

/** The collector checks both tokens. */
export const telemetryCollectorSchema = secretsSchema({
  AGORA_TELEMETRY_INGEST_TOKEN: serviceToken,
  AGORA_TELEMETRY_READ_TOKEN: serviceToken,
});

/**
 * Where traces and logs are read: the collector's query API, HTTPS with mutual TLS (the reader
 * presents its service identity, see serviceTlsSchema). Its own port: shippers stay on the
 * ingest port, which serves no reads.
 */
export const telemetryQuerySchema = z.object({
  /** Unset (a deployment without the internal PKI): reads go to AGORA_TELEMETRY_URL. */
  AGORA_TELEMETRY_QUERY_URL: z
    .url({ protocol: /^https$/, message: "must be an https URL (the query API speaks mutual TLS only)" })
    .transform((v) => v.replace(/\/+$/, ""))
    .optional(),
});

/** The collector's query API port (HTTPS, client certificates required); unset: no reads served. */
export const telemetryQueryListenSchema = z.object({
  AGORA_TELEMETRY_QUERY_PORT: port.optional(),
});
