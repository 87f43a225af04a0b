/** `tsx src/main.ts <pool>`: runs one worker pool in this process until SIGTERM/SIGINT. */
import { startOutboxRelay } from "./outbox/relay-process.ts";
import { maintenancePool } from "./pools/maintenance.ts";
import { type PoolSpec, runPool } from "./pools/run-pool.ts";
import { sagasPool } from "./pools/sagas.ts";

// Factories: only the pool this process runs opens its connections.
const POOLS: Record<string, () => PoolSpec> = {
  maintenance: () => maintenancePool,
  sagas: sagasPool,
};

// Processes that are not BullMQ workers (singletons behind leader election).
const PROCESSES: Record<string, () => Promise<{ close: () => Promise<void> }>> = {
  "outbox-relay": () => Promise.resolve(startOutboxRelay()),
};

const name = process.argv[2] ?? "maintenance";
const makeSpec = POOLS[name];
const makeProcess = PROCESSES[name];
let pool: { close: () => Promise<void> };
if (makeSpec) pool = await runPool(makeSpec());
else if (makeProcess) pool = await makeProcess();
else {
  const known = [...Object.keys(POOLS), ...Object.keys(PROCESSES)].join(", ");
  process.stderr.write(`unknown pool "${name}" (known: ${known})\n`);
  process.exit(2);
}
process.stdout.write(
  `${JSON.stringify({ level: "info", pool: name, msg: "started", pid: process.pid })}\n`,
);
const stop = () => {
  void pool.close().then(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
