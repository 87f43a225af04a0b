// Settings (a wrong env stops the process), then tracing, log shipping and Sentry.
const { instrumentNextServer } = await import("@agora/telemetry/next-server");
await instrumentNextServer({
  service: "storefront",
  settings: async () => (await import("./src/env.ts")).env,
  sentry: () => import("@sentry/nextjs"),
});

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
