/**
 * `instrumentNextServer`: what each Next app's instrumentation-node.ts runs first. Everything is
 * imported lazily, in the order the steps need it: the settings first, then the tracing SDK.
 */
import type { StartTelemetryOptions } from "./tracing/start-telemetry.ts";

/** The part of an app's validated settings (`loadWebEnv` of @agora/api/env) read here. */
export interface NextServerSettings {
  runtime: { AGORA_SERVICE_NAME?: string };
  telemetry: { SENTRY_DSN?: string };
}

/** The `init` of the app's Sentry SDK (`@sentry/nextjs`). */
export interface SentrySdk {
  init(options: {
    dsn: string;
    enableOpenTelemetrySetup: boolean;
    tracesSampleRate: number;
  }): unknown;
}

export async function instrumentNextServer<S extends NextServerSettings>(opts: {
  /** `service.name` when AGORA_SERVICE_NAME is not set. */
  service: StartTelemetryOptions["service"];
  /** Loads (validates) the app's settings and does whatever else must succeed before it serves. */
  settings: () => Promise<S>;
  /** Imports the app's Sentry SDK; called only with a SENTRY_DSN. */
  sentry: () => Promise<SentrySdk>;
}): Promise<S> {
  let settings: S;
  try {
    settings = await opts.settings();
  } catch (err) {
    // Next only logs a failing register() and keeps a half-started server listening; a wrong env
    // must stop the process so the launcher reports it instead of routing traffic to it.
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }

  // Tracing + log shipping (one OpenTelemetry provider, ours); Sentry only captures errors, only
  // with a DSN, and must not install its own OpenTelemetry setup over ours
  // (`enableOpenTelemetrySetup: false`, the 11.x name of `skipOpenTelemetrySetup`).
  const { startTelemetry } = await import("./tracing/start-telemetry.ts");
  startTelemetry({ service: settings.runtime.AGORA_SERVICE_NAME ?? opts.service });
  if (settings.telemetry.SENTRY_DSN) {
    const Sentry = await opts.sentry();
    Sentry.init({
      dsn: settings.telemetry.SENTRY_DSN,
      enableOpenTelemetrySetup: false,
      tracesSampleRate: 0,
    });
  }
  return settings;
}
