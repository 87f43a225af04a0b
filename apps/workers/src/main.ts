/** `tsx src/main.ts <pool>`: runs one worker pool in this process until SIGTERM/SIGINT. */
import { maintenancePool } from "./pools/maintenance.ts";
import { type PoolSpec, runPool } from "./pools/run-pool.ts";
import { sagasPool } from "./pools/sagas.ts";

// Factories: only the pool this process runs opens its connections.
const POOLS: Record<string, () => PoolSpec> = {
  maintenance: () => maintenancePool,
  sagas: sagasPool,
};

const name = process.argv[2] ?? "maintenance";
const makeSpec = POOLS[name];
if (!makeSpec) {
  process.stderr.write(`unknown pool "${name}" (known: ${Object.keys(POOLS).join(", ")})\n`);
  process.exit(2);
}
const pool = await runPool(makeSpec());
process.stdout.write(
  `${JSON.stringify({ level: "info", pool: name, msg: "started", pid: process.pid })}\n`,
);
const stop = () => {
  void pool.close().then(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
