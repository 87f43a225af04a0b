/**
 * The Postgres connection budget: for each process kind, the most connections one instance may
 * hold on each side of a cluster (its pools' `max`, plus the sessions it opens outside them), and
 * what every member keeps for Patroni and the operators. Both producers of configuration read it:
 * infra/local gives each process its `AGORA_DB_POOL_MAX_*` keys and sums the topology against
 * Patroni's `max_connections`; the Kubernetes generator does the same with replica counts.
 *
 * A pool smaller than the concurrency that uses it is fine: a caller waits for a free connection
 * (back-pressure) for up to the pool's acquire timeout (`AGORA_DB_POOL_ACQUIRE_TIMEOUT_MS`, 10 s),
 * and only then fails. A pool larger than that concurrency is connections nobody can use, times
 * every instance, against one primary's `max_connections`.
 */
import { CORE_CLUSTER, type ClusterRole } from "./clusters.ts";
import type { WebApp, WorkerPool } from "./deployables.ts";

/** Where a pool connects: core or a vendor shard, read-write (primary) or read-only (replicas). */
export const DB_TARGETS = ["core-rw", "core-ro", "shard-rw", "shard-ro"] as const;
export type DbTarget = (typeof DB_TARGETS)[number];

/** `core` + `rw` → `core-rw`; any other cluster is a vendor shard. */
export function dbTargetOf(cluster: string, role: ClusterRole): DbTarget {
  return `${cluster === CORE_CLUSTER ? "core" : "shard"}-${role}`;
}

/** The variable that sets a target's pool `max`: `core-rw` → `AGORA_DB_POOL_MAX_CORE_RW`. */
export function poolMaxEnvName(target: DbTarget): string {
  return `AGORA_DB_POOL_MAX_${target.toUpperCase().replace("-", "_")}`;
}

/** Processes besides the web apps and the worker pools; the ones without Postgres say so below. */
export const OTHER_PROCESS_KINDS = [
  "realtime",
  "inventory",
  "outbox-relay",
  "projections",
  "identity",
  "telemetry-collector",
  "media-origin",
  "payment-sim",
  /** The release's migrations: a superuser session per cluster (one of RESERVED_CONNECTIONS). */
  "db-migrate",
  /** The demo seed (a Kubernetes Job; locally the seed runs as a test-runner). */
  "db-seed",
  /** Vitest, Playwright's setup and the CLIs (seed, migrate) of the local topology. */
  "test-runner",
] as const;
export type ProcessKind = WebApp | WorkerPool | (typeof OTHER_PROCESS_KINDS)[number];

export interface ConnectionAllowance {
  /** Each pool's `max` (one pool per target, opened on first use). */
  pools: Record<DbTarget, number>;
  /**
   * Connections opened beside the pools: the shard directory's LISTEN session to core's primary
   * (every process that routes by vendor), two-phase commit participants.
   */
  sessions?: Partial<Record<DbTarget, number>>;
  /** What sizes it: the concurrency that uses the pools. */
  why: string;
}

/** `none`: the process never opens a Postgres connection (or only a reserved one). */
export type BudgetEntry = ConnectionAllowance | { none: string };

const DIRECTORY_LISTENER = { "core-rw": 1 } as const;

/**
 * Pool `max` per process kind and target. Every worker serves `/readyz`, which asks core's primary
 * (`SELECT 1`): its core-rw pool has 2 so that a probe never queues behind a job's transaction.
 */
export const CONNECTION_BUDGET: Record<ProcessKind, BudgetEntry> = {
  storefront: {
    pools: { "core-rw": 4, "core-ro": 2, "shard-rw": 3, "shard-ro": 2 },
    sessions: DIRECTORY_LISTENER,
    why: "tRPC calls: at most 16 in flight per instance (HAProxy), 8 targeted by the autoscaler; a call holds a connection only for its statements",
  },
  "vendor-portal": {
    pools: { "core-rw": 2, "core-ro": 1, "shard-rw": 2, "shard-ro": 1 },
    sessions: DIRECTORY_LISTENER,
    why: "one vendor's staff: a handful of calls at once",
  },
  "ops-console": {
    pools: { "core-rw": 2, "core-ro": 1, "shard-rw": 2, "shard-ro": 1 },
    sessions: DIRECTORY_LISTENER,
    why: "operators: a few pages polling",
  },
  identity: {
    pools: { "core-rw": 2, "core-ro": 1, "shard-rw": 1, "shard-ro": 1 },
    why: "token and key reads on core only",
  },
  realtime: {
    pools: { "core-rw": 2, "core-ro": 1, "shard-rw": 1, "shard-ro": 1 },
    sessions: DIRECTORY_LISTENER,
    why: "one short read per room joined (order access, stock snapshot); pushes come from Redis",
  },
  inventory: {
    pools: { "core-rw": 2, "core-ro": 1, "shard-rw": 4, "shard-ro": 1 },
    sessions: DIRECTORY_LISTENER,
    why: "reservations are shard transactions; core holds only the request ledger",
  },
  sagas: {
    pools: { "core-rw": 4, "core-ro": 1, "shard-rw": 2, "shard-ro": 1 },
    sessions: DIRECTORY_LISTENER,
    why: "SAGA_CONCURRENCY 16 + 4 hand-offs, a step spending most of its time on the inventory service and the payments queue; with 2, up to 14 steps waited for a core connection in the 200-shopper bench (each on an order's critical path)",
  },
  payments: {
    pools: { "core-rw": 3, "core-ro": 1, "shard-rw": 2, "shard-ro": 1 },
    sessions: DIRECTORY_LISTENER,
    why: "PAYMENTS_CONCURRENCY 8, each job mostly waiting on the provider",
  },
  notifications: {
    pools: { "core-rw": 2, "core-ro": 1, "shard-rw": 1, "shard-ro": 1 },
    sessions: DIRECTORY_LISTENER,
    why: "deliveries are rate-limited per channel; a job writes its dedupe row and the inbox",
  },
  imports: {
    pools: { "core-rw": 2, "core-ro": 1, "shard-rw": 2, "shard-ro": 1 },
    sessions: DIRECTORY_LISTENER,
    why: "AGORA_IMPORTS_CONCURRENCY 1: one batch transaction on the vendor's shard at a time",
  },
  analytics: {
    pools: { "core-rw": 2, "core-ro": 1, "shard-rw": 1, "shard-ro": 1 },
    sessions: DIRECTORY_LISTENER,
    why: "one batch transaction of rollup upserts at a time per process",
  },
  maintenance: {
    pools: { "core-rw": 2, "core-ro": 1, "shard-rw": 2, "shard-ro": 1 },
    // Payout settlement: a participant session on core and on the shard, then one to finish.
    sessions: { "core-rw": 1 + 2, "shard-rw": 2 },
    why: "concurrency 1 (sweeps, payouts, the alert evaluator)",
  },
  "outbox-relay": {
    pools: { "core-rw": 2, "core-ro": 1, "shard-rw": 2, "shard-ro": 1 },
    sessions: DIRECTORY_LISTENER,
    why: "one fenced batch per cluster at a time (the standby only waits for the lease)",
  },
  projections: {
    pools: { "core-rw": 2, "core-ro": 1, "shard-rw": 2, "shard-ro": 1 },
    sessions: DIRECTORY_LISTENER,
    why: "8 jobs per queue, but one product's events apply one at a time (its read-model row)",
  },
  "test-runner": {
    pools: { "core-rw": 10, "core-ro": 2, "shard-rw": 10, "shard-ro": 2 },
    sessions: DIRECTORY_LISTENER,
    why: "an integration test plays several process kinds at once (200 placements beside in-process saga workers): the pools it always had",
  },
  "db-seed": {
    pools: { "core-rw": 2, "core-ro": 1, "shard-rw": 2, "shard-ro": 1 },
    sessions: DIRECTORY_LISTENER,
    why: "one vendor after another",
  },
  "db-migrate": { none: "its superuser session per cluster is one of RESERVED_CONNECTIONS" },
  "telemetry-collector": { none: "spans and logs live in Redis" },
  "media-origin": { none: "serves files" },
  "payment-sim": { none: "keeps its ledger in memory" },
};

/** What every member keeps besides the application's pools. */
export interface ReservedConnections {
  /** `superuser_reserved_connections`: the last slots, which only a superuser may take. */
  superuserReserved: number;
  /** Superuser sessions that do not come from a pool: each takes a slot too. */
  holders: readonly { name: string; connections: number }[];
}

export const RESERVED_CONNECTIONS: ReservedConnections = {
  superuserReserved: 3,
  holders: [
    // Patroni 3.0 keeps one connection for its HA loop and REST API.
    { name: "Patroni", connections: 1 },
    { name: "pg_rewind / Patroni's checks after a failover", connections: 1 },
    { name: "migrations (db-migrate)", connections: 1 },
    { name: "the bench's connection sampler", connections: 1 },
    { name: "status page / ops console probes", connections: 1 },
    { name: "an operator's psql, release markers", connections: 1 },
  ],
};

/**
 * Slots the application must leave free on a member. Superuser sessions may take the reserved
 * slots, so the pools may use `max_connections - max(superuserReserved, Σ holders)`.
 * (WAL senders have their own slots since Postgres 12: `max_wal_senders`, not counted here.)
 */
export function reservedConnections(r: ReservedConnections = RESERVED_CONNECTIONS): number {
  return Math.max(
    r.superuserReserved,
    r.holders.reduce((n, h) => n + h.connections, 0),
  );
}

export function isProcessKind(kind: string): kind is ProcessKind {
  return Object.hasOwn(CONNECTION_BUDGET, kind);
}

/**
 * The kind of a process name: `storefront-3`, `storefront-us-1` → storefront; `workers-sagas-2`
 * → sagas; `realtime-1`, `outbox-relay-2` → realtime, outbox-relay. Undefined: no budget entry.
 */
export function processKindOf(name: string): ProcessKind | undefined {
  const bare = name.replace(/^workers-/, "");
  if (isProcessKind(bare)) return bare;
  // An instance number, after a region for the second region's instances.
  const kind = /^(.+?)(?:-[a-z]{2})?-\d+$/.exec(bare)?.[1];
  return kind !== undefined && isProcessKind(kind) ? kind : undefined;
}

/** Connections one instance of `kind` may hold on `target` (0 for a kind without Postgres). */
export function connectionsPerInstance(kind: ProcessKind, target: DbTarget): number {
  const entry = CONNECTION_BUDGET[kind];
  if ("none" in entry) return 0;
  return entry.pools[target] + (entry.sessions?.[target] ?? 0);
}

/**
 * The `AGORA_DB_POOL_MAX_*` variables of a process of `kind`: one per target; none for a kind
 * that never opens a pool.
 */
export function poolMaxEnv(kind: ProcessKind): Record<string, string> {
  const entry = CONNECTION_BUDGET[kind];
  if ("none" in entry) return {};
  return Object.fromEntries(DB_TARGETS.map((t) => [poolMaxEnvName(t), String(entry.pools[t])]));
}

/** One line of a member's sum: `instances` processes of `kind`, each allowed `perInstance`. */
export interface DemandRow {
  kind: ProcessKind;
  instances: number;
  perInstance: number;
  total: number;
}

/** What may connect to one member (a cluster's primary, or one of its replicas). */
export interface MemberDemand {
  cluster: string;
  member: "primary" | "replica";
  rows: DemandRow[];
  reserved: number;
  total: number;
  maxConnections: number;
}

/**
 * Sums `instances` × per-instance connections of each kind on `target`, plus the reserved
 * slots. Replicas are counted as if one of them served all read-only connections (the others
 * may be down or rejoining).
 */
export function memberDemand(
  cluster: string,
  target: DbTarget,
  instances: ReadonlyMap<ProcessKind, number>,
  maxConnections: number,
): MemberDemand {
  const rows = [...instances]
    .map(([kind, n]): DemandRow => {
      const perInstance = connectionsPerInstance(kind, target);
      return { kind, instances: n, perInstance, total: n * perInstance };
    })
    .filter((r) => r.total > 0);
  const reserved = reservedConnections();
  return {
    cluster,
    member: target.endsWith("-rw") ? "primary" : "replica",
    rows,
    reserved,
    total: rows.reduce((n, r) => n + r.total, reserved),
    maxConnections,
  };
}
