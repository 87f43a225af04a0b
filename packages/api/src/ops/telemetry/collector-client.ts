/**
 * The ops console's reads of the telemetry collector's query API (apps/workers/src/telemetry-
 * collector). A collector that is down or slow becomes SERVICE_UNAVAILABLE with
 * domainCode TELEMETRY_UNAVAILABLE, never a hanging page.
 *
 * With AGORA_TELEMETRY_QUERY_URL (the local topology) the reads go to the collector's query port
 * over HTTPS, the console presenting its service certificate (mutual TLS; the collector refuses
 * a client without one). Without it (a deployment without the internal PKI) they go to
 * AGORA_TELEMETRY_URL as before.
 */
import { bearerHeader } from "@agora/auth/service-token";
import { loadConfig, telemetryQuerySchema, telemetryReadSchema } from "@agora/config";
import { serviceFetch } from "@agora/config/service-tls";
import { collectorUrlFromEnv } from "@agora/telemetry/start";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import {
  logLineSchema,
  type logSearchInput,
  spanSchema,
  type traceSearchInput,
  traceSummarySchema,
} from "./telemetry.schema.ts";

export class TelemetryUnavailableError extends Error {
  readonly code = "TELEMETRY_UNAVAILABLE";
  constructor(reason: string) {
    super(`the telemetry collector is unavailable: ${reason}`);
    this.name = "TelemetryUnavailableError";
  }
}

const TIMEOUT_MS = 5_000;

async function get<T>(
  path: string,
  params: Record<string, string | number | boolean | undefined>,
  schema: z.ZodType<T>,
): Promise<T> {
  const mutual = loadConfig(telemetryQuerySchema).AGORA_TELEMETRY_QUERY_URL;
  const base = mutual ?? collectorUrlFromEnv();
  if (!base) {
    const cause = new TelemetryUnavailableError("AGORA_TELEMETRY_URL is not set (telemetry off)");
    throw new TRPCError({ code: "PRECONDITION_FAILED", message: cause.message, cause });
  }
  const url = new URL(`${base}${path}`);
  for (const [k, v] of Object.entries(params))
    if (v !== undefined) url.searchParams.set(k, String(v));
  // Traces and logs hold request inputs: the collector answers only the read token.
  const { AGORA_TELEMETRY_READ_TOKEN } = loadConfig(telemetryReadSchema);
  let res: Response;
  try {
    // An https query URL: the console's service certificate goes with the request (mutual TLS).
    res = await serviceFetch(url, {
      headers: bearerHeader(AGORA_TELEMETRY_READ_TOKEN),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    const cause = new TelemetryUnavailableError(err instanceof Error ? err.message : String(err));
    throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: cause.message, cause });
  }
  if (!res.ok) {
    const cause = new TelemetryUnavailableError(`answered ${res.status}`);
    throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: cause.message, cause });
  }
  return schema.parse(await res.json());
}

export function searchTraces(input: z.output<typeof traceSearchInput>) {
  return get(
    "/api/traces",
    {
      service: input.service,
      name: input.procedure,
      minDurationMs: input.minDurationMs,
      errorsOnly: input.errorsOnly ? "true" : undefined,
      traceId: input.traceId,
      limit: input.limit,
    },
    z.array(traceSummarySchema),
  );
}

export function getTrace(traceId: string) {
  return get(
    `/api/traces/${traceId}`,
    {},
    z.object({ traceId: z.string(), spans: z.array(spanSchema) }),
  );
}

export function searchLogs(input: z.output<typeof logSearchInput>) {
  return get(
    "/api/logs",
    {
      traceId: input.traceId,
      service: input.service,
      level: input.level,
      text: input.text,
      sinceMs: input.sinceMinutes ? Date.now() - input.sinceMinutes * 60_000 : undefined,
      limit: input.limit,
    },
    z.array(logLineSchema),
  );
}

export function telemetryServices() {
  return get("/api/services", {}, z.array(z.string()));
}
