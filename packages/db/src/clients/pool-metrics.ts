/**
 * DB pool usage as Prometheus gauges: for every pg pool this process opened, the connections open,
 * in use, idle, and the callers waiting for one (`agora_db_pool_connections{cluster,role,state}`),
 * plus the pool's ceiling (`agora_db_pool_max`). Read at scrape time from the pools themselves.
 * A pool with waiters and in_use = max is the saturation signal a bulkhead or a bigger pool fixes.
 */
import type { Pool } from "pg";
import { gauge } from "@agora/telemetry";

interface TrackedPool {
  pool: Pool;
  cluster: string;
  role: string;
  max: number;
}

const pools = new Set<TrackedPool>();

export interface PoolUsage {
  cluster: string;
  role: string;
  max: number;
  total: number;
  idle: number;
  inUse: number;
  waiting: number;
}

/** Usage of every live pool, summed per (cluster, role): a process may hold several clients. */
export function poolUsage(): PoolUsage[] {
  const byKey = new Map<string, PoolUsage>();
  for (const t of pools) {
    if (t.pool.ended) {
      pools.delete(t);
      continue;
    }
    const key = `${t.cluster}\u0000${t.role}`;
    const u = byKey.get(key) ?? {
      cluster: t.cluster,
      role: t.role,
      max: 0,
      total: 0,
      idle: 0,
      inUse: 0,
      waiting: 0,
    };
    u.max += t.max;
    u.total += t.pool.totalCount;
    u.idle += t.pool.idleCount;
    u.inUse += t.pool.totalCount - t.pool.idleCount;
    u.waiting += t.pool.waitingCount;
    byKey.set(key, u);
  }
  return [...byKey.values()];
}

let registered = false;

function registerGauges(): void {
  if (registered) return;
  registered = true;
  gauge({
    name: "db_pool_connections",
    help: "pg pool connections of this process by cluster, role and state (total, in_use, idle, waiting callers)",
    labelNames: ["cluster", "role", "state"] as const,
    collect: (g) => {
      g.reset();
      for (const u of poolUsage()) {
        const labels = { cluster: u.cluster, role: u.role };
        g.set({ ...labels, state: "total" }, u.total);
        g.set({ ...labels, state: "in_use" }, u.inUse);
        g.set({ ...labels, state: "idle" }, u.idle);
        g.set({ ...labels, state: "waiting" }, u.waiting);
      }
    },
  });
  gauge({
    name: "db_pool_max",
    help: "Configured ceiling of this process's pg pools by cluster and role",
    labelNames: ["cluster", "role"] as const,
    collect: (g) => {
      g.reset();
      for (const u of poolUsage()) g.set({ cluster: u.cluster, role: u.role }, u.max);
    },
  });
}

/** Counts `pool` in the gauges until it is ended. */
export function trackPool(pool: Pool, cluster: string, role: string, max: number): void {
  registerGauges();
  pools.add({ pool, cluster, role, max });
}
