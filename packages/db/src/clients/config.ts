/**
 * Where the data layer connects: `AGORA_DB_SHARDS` and one `AGORA_DB_URL_<CLUSTER>_RW/_RO` pair
 * per cluster (read through `@agora/config`), or explicit URLs from `configureDb` at start-up.
 * Each pool's `max` is the process's connection budget for that target
 * (`AGORA_DB_POOL_MAX_<CORE|SHARD>_<RW|RO>`, see @agora/config connection-budget.ts).
 */
import {
  databaseSchema,
  dbTargetOf,
  dbUrlEnvName,
  loadConfig,
  type ClusterRole,
} from "@agora/config";
import { z } from "zod";

export interface PoolSettings {
  /**
   * Connections per pool (each cluster has a primary and a replica pool). A burst beyond it waits
   * for a free connection (up to `acquireTimeoutMillis`) instead of opening more.
   */
  max: number;
  /** The process's service name: its connections are `agora:<cluster>:<role>:<service>` in pg_stat_activity. */
  serviceName?: string;
  /** Give up opening a connection after this long so callers fail fast during a failover. */
  connectionTimeoutMillis: number;
  /**
   * After a failed attempt to open a connection, keep retrying (jittered) for this long before
   * the caller gets DB_UNAVAILABLE (connect-retry.ts). 0 turns the retry off.
   */
  connectRetryBudgetMs: number;
  /**
   * How long a caller may wait for a free connection when all `max` are busy: a burst queues
   * (back-pressure) instead of failing as "database unavailable" while the database is healthy.
   */
  acquireTimeoutMillis: number;
  idleTimeoutMillis: number;
  /** Server-side `statement_timeout`. */
  statementTimeoutMs: number;
  /** Client-side timeout for a query's answer (covers a frozen server that never replies). */
  queryTimeoutMs: number;
  /** Timeouts of interactive transactions: waiting for a connection, and the transaction itself. */
  transactionMaxWaitMs: number;
  transactionTimeoutMs: number;
}

export interface DbConfig {
  /** Per cluster URL overrides, e.g. `{ core: { rw: "postgresql://…", ro: "postgresql://…" } }`. */
  urls?: Record<string, { rw?: string; ro?: string }>;
  pool?: Partial<PoolSettings>;
  /** Shard directory cache TTL (ms). */
  directoryTtlMs?: number;
  /** LISTEN for shard_directory changes (default true). */
  directoryListen?: boolean;
}

const DEFAULT_POOL: PoolSettings = {
  max: 10,
  // Opening a connection through HAProxy (TCP, TLS 1.3, SCRAM) takes milliseconds, ~0.5 s on a
  // saturated box; 2 s leaves room for that (no false "unavailable" under load) while a connect
  // that HAProxy is still retrying against a dead primary is given up soon enough to retry.
  connectionTimeoutMillis: 2000,
  // A node failover takes 3-5 s here (docs/runbooks/failover-drill.md): retrying a failed connect
  // for up to 1.5 s lets a request made in the last part of that window reach the new primary,
  // while one made at its start still fails fast with DB_UNAVAILABLE (within ~3.5 s at worst:
  // the budget plus one connect timeout) instead of hanging for the whole failover.
  connectRetryBudgetMs: 1500,
  acquireTimeoutMillis: 10_000,
  idleTimeoutMillis: 30_000,
  statementTimeoutMs: 15_000,
  queryTimeoutMs: 20_000,
  transactionMaxWaitMs: 10_000,
  transactionTimeoutMs: 15_000,
};

const pgUrl = z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL");

/** `shard-1` + `ro` → `AGORA_DB_URL_SHARD_1_RO`. */
export const urlEnvName = dbUrlEnvName;

export interface ResolvedConfig {
  /** Settings shared by every pool; `max` is the fallback where the budget sets none. */
  pool: PoolSettings;
  /** The settings of a cluster's primary (`rw`) or replica (`ro`) pool, with its budgeted `max`. */
  poolFor(cluster: string, role: ClusterRole): PoolSettings;
  directoryTtlMs: number;
  directoryListen: boolean;
  coreCluster: string;
  shardClusters: string[];
  url(cluster: string, role: ClusterRole): string;
}

let explicit: DbConfig = {};
let resolved: ResolvedConfig | undefined;

function resolve(): ResolvedConfig {
  const env = loadConfig(databaseSchema);
  const pool: PoolSettings = {
    ...DEFAULT_POOL,
    ...(env.pool.max ? { max: env.pool.max } : {}),
    ...(env.pool.connectTimeoutMs ? { connectionTimeoutMillis: env.pool.connectTimeoutMs } : {}),
    ...(env.pool.acquireTimeoutMs
      ? {
          acquireTimeoutMillis: env.pool.acquireTimeoutMs,
          transactionMaxWaitMs: env.pool.acquireTimeoutMs,
        }
      : {}),
    ...(env.pool.statementTimeoutMs ? { statementTimeoutMs: env.pool.statementTimeoutMs } : {}),
    ...(env.pool.queryTimeoutMs ? { queryTimeoutMs: env.pool.queryTimeoutMs } : {}),
    ...(env.serviceName ? { serviceName: env.serviceName } : {}),
    ...explicit.pool,
  };
  // An explicit `max` (configureDb, tests) applies to every pool; else the target's budget.
  const poolFor = (cluster: string, role: ClusterRole): PoolSettings => {
    if (explicit.pool?.max !== undefined) return pool;
    const budgeted = env.pool.maxByTarget[dbTargetOf(cluster, role)];
    return budgeted === undefined ? pool : { ...pool, max: budgeted };
  };
  const url = (cluster: string, role: ClusterRole): string => {
    const fromCall = explicit.urls?.[cluster]?.[role];
    if (fromCall) return pgUrl.parse(fromCall);
    const fromEnv = env.urls[cluster]?.[role];
    if (!fromEnv)
      throw new Error(`unknown cluster "${cluster}" (known: ${Object.keys(env.urls).join(", ")})`);
    return fromEnv;
  };
  return {
    pool,
    poolFor,
    directoryTtlMs: explicit.directoryTtlMs ?? env.directoryTtlMs ?? 30_000,
    directoryListen: explicit.directoryListen ?? true,
    coreCluster: env.coreCluster,
    shardClusters: env.shardClusters,
    url,
  };
}

export function dbConfig(): ResolvedConfig {
  resolved ??= resolve();
  return resolved;
}

/**
 * Sets connection overrides. Call before the first query; clients already created keep their
 * settings until `closeAll()`.
 */
export function configureDb(config: DbConfig): void {
  explicit = {
    ...explicit,
    ...config,
    urls: { ...explicit.urls, ...config.urls },
    pool: { ...explicit.pool, ...config.pool },
  };
  resolved = undefined;
}

/** Test hook: forget every explicit override. */
export function resetDbConfig(): void {
  explicit = {};
  resolved = undefined;
}
