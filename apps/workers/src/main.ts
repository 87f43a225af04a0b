/** `tsx src/main.ts <pool>`: runs one worker pool in this process until SIGTERM/SIGINT. */
import { maintenancePool } from "./pools/maintenance.ts";
import { type PoolSpec, runPool } from "./pools/run-pool.ts";

const POOLS: Record<string, PoolSpec> = { maintenance: maintenancePool };

const name = process.argv[2] ?? "maintenance";
const spec = POOLS[name];
if (!spec) {
  process.stderr.write(`unknown pool "${name}" (known: ${Object.keys(POOLS).join(", ")})\n`);
  process.exit(2);
}
const pool = runPool(spec);
process.stdout.write(`${JSON.stringify({ level: "info", pool: name, msg: "started", pid: process.pid })}\n`);
const stop = () => {
  void pool.close().then(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
