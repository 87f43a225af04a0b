/** `tsx src/main.ts <pool>`: runs one worker pool in this process until SIGTERM/SIGINT. */
// First: tracing must be on before pg, ioredis and node:http are loaded.
import { telemetry } from "./telemetry.ts";
import { startWorkerOpsEndpoints } from "./ops-endpoints.ts";
import { startTelemetryCollector } from "./telemetry-collector/collector-process.ts";
import { startMediaOrigin } from "./media-origin/media-origin-process.ts";
import { startOutboxRelay } from "./outbox/relay-process.ts";
import { startProjections } from "./projections/projections-process.ts";
import { realtimeInstance, startRealtime } from "./realtime/realtime-process.ts";
import { inventoryInstance, startInventory } from "./inventory/inventory-process.ts";
import { analyticsPool } from "./pools/analytics.ts";
import { importsPool } from "./pools/imports.ts";
import { maintenancePool } from "./pools/maintenance.ts";
import { notificationsPool } from "./pools/notifications.ts";
import { paymentsPool } from "./pools/payments.ts";
import { type PoolSpec, runPool } from "./pools/run-pool.ts";
import { sagasPool } from "./pools/sagas.ts";
import { runMigrations } from "./release/migrate.ts";
import { checkStartupConfig } from "./startup-config.ts";

// Factories: only the pool this process runs opens its connections.
const POOLS: Record<string, () => PoolSpec> = {
  analytics: analyticsPool,
  imports: importsPool,
  maintenance: maintenancePool,
  notifications: notificationsPool,
  payments: paymentsPool,
  sagas: sagasPool,
};

// Processes that are not BullMQ workers (singletons behind leader election, HTTP services).
const PROCESSES: Record<string, () => Promise<{ close: () => Promise<void> }>> = {
  "outbox-relay": () => Promise.resolve(startOutboxRelay()),
  projections: () => Promise.resolve(startProjections()),
  "media-origin": startMediaOrigin,
  "telemetry-collector": startTelemetryCollector,
};

// One-shot commands (release Jobs): run, print, exit.
const ONE_SHOT: Record<string, (write: (line: string) => void) => Promise<void>> = {
  migrate: runMigrations,
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
if (makeSpec) pool = await runPool(makeSpec(), { pool: name });
else if (makeProcess) pool = await makeProcess();
// Socket.IO gateway instances: `realtime-1`, `realtime-2`, … (one port each in the topology).
else if (realtimeInstance(name) !== null) pool = await startRealtime(name);
// Inventory gRPC service instances: `inventory-1`, `inventory-2`, … (one port each).
else if (inventoryInstance(name) !== null) pool = await startInventory();
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
