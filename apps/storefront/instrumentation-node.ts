let settings: Awaited<typeof import("./src/env.ts")>["env"];
try {
  settings = (await import("./src/env.ts")).env;
} catch (err) {
  // Next only logs a failing register() and keeps a half-started server listening; a wrong env
  // must stop the process so the launcher reports it instead of routing traffic to it.
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}

// Tracing + log shipping (one OpenTelemetry provider, ours); Sentry only captures errors and only
// with a DSN, and must not install its own OpenTelemetry setup over ours (`enableOpenTelemetrySetup: false`, 11.x name of `skipOpenTelemetrySetup`).
const { startTelemetry } = await import("@agora/telemetry/start");
startTelemetry({ service: settings.runtime.AGORA_SERVICE_NAME ?? "storefront" });
if (settings.telemetry.SENTRY_DSN) {
  const Sentry = await import("@sentry/nextjs");
  Sentry.init({ dsn: settings.telemetry.SENTRY_DSN, enableOpenTelemetrySetup: false, tracesSampleRate: 0 });
}

// Service registry: this instance under a lease, its readiness (own /readyz) published for the
// gateway, drained on SIGTERM when Next leaves signals to us (NEXT_MANUAL_SIG_HANDLE, set by infra/local).
const { callsInFlight, registerFromEnv } = await import("@agora/registry");
// A scale-in drains for 5 s: under a spike a request can take seconds, and it must finish here.
// Before it is published ready it serves itself the home page and the catalog read a few times.
registerFromEnv({
  service: "storefront",
  exitOnSignal: Boolean(process.env.NEXT_MANUAL_SIG_HANDLE),
  drainMs: 5_000,
  // …and then on while tRPC calls are still being handled (a checkout placed just before), ≤ 30 s.
  busy: callsInFlight,
  warmUp: ["/", "/api/trpc/catalog.home"],
});
