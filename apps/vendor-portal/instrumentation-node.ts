// Settings (a wrong env stops the process), then tracing, log shipping and Sentry.
const { instrumentNextServer } = await import("@agora/telemetry/next-server");
await instrumentNextServer({
  service: "vendor-portal",
  settings: async () => (await import("./src/env.ts")).env,
  sentry: () => import("@sentry/nextjs"),
});

// Service registry: this instance under a lease, its readiness (own /readyz) published for the
// gateway, drained on SIGTERM when Next leaves signals to us (NEXT_MANUAL_SIG_HANDLE, set by infra/local).
const { registerFromEnv } = await import("@agora/registry");
registerFromEnv({ service: "vendor-portal", exitOnSignal: Boolean(process.env.NEXT_MANUAL_SIG_HANDLE) });
