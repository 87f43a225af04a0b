/** `tsx src/main.ts <pool>`: runs one worker pool in this process until SIGTERM/SIGINT. */
// First: tracing must be on before pg, ioredis and node:http are loaded.
import { telemetry } from "./telemetry.ts";
import { startWorkerOpsEndpoints } from "./ops-endpoints.ts";
import type { PoolSpec } from "./pools/run-pool.ts";
import { inventoryInstance, realtimeInstance } from "./process-names.ts";
import { checkStartupConfig } from "./startup-config.ts";

// Each kind's code is loaded by the process that runs it, and only there: imported at the top,
// every pool process loaded every other kind's modules too (Socket.IO, gRPC, CSV, the collector,
// the payment providers, …) and kept them resident. See docs/performance.md, "Idle".

// Factories: only the pool this process runs opens its connections.
const POOLS: Record<string, () => Promise<PoolSpec>> = {
  analytics: async () => (await import("./pools/analytics.ts")).analyticsPool(),
  imports: async () => (await import("./pools/imports.ts")).importsPool(),
  maintenance: async () => (await import("./pools/maintenance.ts")).maintenancePool(),
  notifications: async () => (await import("./pools/notifications.ts")).notificationsPool(),
  payments: async () => (await import("./pools/payments.ts")).paymentsPool(),
  sagas: async () => (await import("./pools/sagas.ts")).sagasPool(),
};

// Processes that are not BullMQ workers (singletons behind leader election, HTTP services).
const PROCESSES: Record<string, () => Promise<{ close: () => Promise<void> }>> = {
  "outbox-relay": async () => (await import("./outbox/relay-process.ts")).startOutboxRelay(),
  projections: async () =>
    (await import("./projections/projections-process.ts")).startProjections(),
  "media-origin": async () =>
    (await import("./media-origin/media-origin-process.ts")).startMediaOrigin(),
  "telemetry-collector": async () =>
    (await import("./telemetry-collector/collector-process.ts")).startTelemetryCollector(),
};

// One-shot commands (release Jobs): run, print, exit.
const ONE_SHOT: Record<string, (write: (line: string) => void) => Promise<void>> = {
  migrate: async (write) => (await import("./release/migrate.ts")).runMigrations(write),
};

const name = process.argv[2] ?? "maintenance";
try {
  checkStartupConfig(name);
} catch (err) {
  // One message naming every missing or invalid variable, then a non-zero exit.
  process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
const oneShot = ONE_SHOT[name];
if (oneShot) {
  try {
    await oneShot((line) => process.stdout.write(`${line}\n`));
    await telemetry?.shutdown();
    process.exit(0);
  } catch (err) {
    process.stderr.write(`${name} failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
const makeSpec = POOLS[name];
const makeProcess = PROCESSES[name];
let pool: { close: () => Promise<void> };
if (makeSpec) {
  const { runPool } = await import("./pools/run-pool.ts");
  pool = await runPool(await makeSpec(), { pool: name });
} else if (makeProcess) pool = await makeProcess();
// Socket.IO gateway instances: `realtime-1`, `realtime-2`, … (one port each in the topology).
else if (realtimeInstance(name) !== null)
  pool = await (await import("./realtime/realtime-process.ts")).startRealtime(name);
// Inventory gRPC service instances: `inventory-1`, `inventory-2`, … (one port each).
else if (inventoryInstance(name) !== null)
  pool = await (await import("./inventory/inventory-process.ts")).startInventory();
else {
  const known = [
    ...Object.keys(POOLS),
    ...Object.keys(PROCESSES),
    "realtime-<n>",
    "inventory-<n>",
    ...Object.keys(ONE_SHOT),
  ].join(", ");
  process.stderr.write(`unknown pool "${name}" (known: ${known})\n`);
  process.exit(2);
}
process.stdout.write(
  `${JSON.stringify({ level: "info", pool: name, msg: "started", pid: process.pid })}\n`,
);
const opsEndpoints = await startWorkerOpsEndpoints(name);
const stop = () => {
  void pool
    .close()
    .then(() => opsEndpoints?.close())
    .then(() => telemetry?.shutdown())
    .then(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
