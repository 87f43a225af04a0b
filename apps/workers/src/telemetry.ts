/**
 * Imported first by main.ts, before any module opens pg/Redis/HTTP: turns on tracing and log
 * shipping for this worker process (`service.name` = `workers-<pool>`). The collector itself is
 * not traced: its spans would be sent to itself.
 */
import { loadConfig, telemetrySchema } from "@agora/config";
import { resilienceMetrics } from "@agora/resilience";
import { exposeRegistry } from "@agora/telemetry";
import { startTelemetry, type Telemetry } from "@agora/telemetry/start";

const pool = process.argv[2] ?? "maintenance";

export const telemetry: Telemetry | undefined =
  pool === "telemetry-collector" ? undefined : startTelemetry({ service: `workers-${pool}` });

// Breakers and bulkheads of this worker appear on its /metrics next to its own metrics.
exposeRegistry(resilienceMetrics);

// Errors to Sentry only with a DSN; its own OpenTelemetry setup stays off (ours is the provider).
const { SENTRY_DSN } = loadConfig(telemetrySchema);
if (SENTRY_DSN) {
  const Sentry = await import("@sentry/node");
  Sentry.init({ dsn: SENTRY_DSN, enableOpenTelemetrySetup: false, tracesSampleRate: 0 });
}
