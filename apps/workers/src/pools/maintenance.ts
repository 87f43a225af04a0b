import type { PoolSpec } from "./run-pool.ts";

/** Housekeeping jobs; `ping` lets operators and tests check a pool end to end. */
export const maintenancePool: PoolSpec = {
  queue: "maintenance",
  concurrency: 1,
  processor: async (job) => {
    if (job.name === "ping") return { pong: true, pid: process.pid, at: new Date().toISOString() };
    throw new Error(`maintenance pool has no job "${job.name}"`);
  },
};
