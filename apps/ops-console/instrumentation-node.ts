// Settings (a wrong env stops the process), then tracing, log shipping and Sentry.
const { instrumentNextServer } = await import("@agora/telemetry/next-server");
await instrumentNextServer({
  service: "ops-console",
  settings: async () => {
    const { env } = await import("./src/env.ts");
    // Status, chaos and drills act on the processes through the backend of this deployment.
    const { installConfiguredOpsBackend } = await import("./src/ops-backend/install.ts");
    const backend = await installConfiguredOpsBackend();
    console.log(`[ops] backend: ${backend ?? "none (ops actions not available in this deployment)"}`);
    return env;
  },
  sentry: () => import("@sentry/nextjs"),
});

// Service registry: this instance under a lease, its readiness (own /readyz) published for the
// gateway, drained on SIGTERM when Next leaves signals to us (NEXT_MANUAL_SIG_HANDLE, set by infra/local).
const { registerFromEnv } = await import("@agora/registry");
registerFromEnv({ service: "ops-console", exitOnSignal: Boolean(process.env.NEXT_MANUAL_SIG_HANDLE) });
