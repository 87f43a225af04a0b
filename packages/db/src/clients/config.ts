/**
 * Where the data layer connects. Defaults come from the typed topology (HAProxy rw/ro ports of the
 * current AGORA_PROFILE); apps in containers override per cluster with env vars
 * (AGORA_DB_URL_CORE_RW, AGORA_DB_URL_SHARD_1_RO, …) or by calling `configureDb` at start-up.
 */
import { z } from "zod";
import {
  CLUSTERS,
  databaseUrl,
  topology,
  type ClusterRole,
  type Topology,
} from "@agora/infra-local/topology";

export interface PoolSettings {
  /** Connections per pool (each cluster has a primary and a replica pool). */
  max: number;
  /** Give up connecting after this long so callers fail fast during a failover. */
  connectionTimeoutMillis: number;
  idleTimeoutMillis: number;
  /** Server-side `statement_timeout`. */
  statementTimeoutMs: number;
  /** Client-side timeout for a query's answer (covers a frozen server that never replies). */
  queryTimeoutMs: number;
  /** Timeouts of interactive transactions (used by consistency-checked reads). */
  transactionMaxWaitMs: number;
  transactionTimeoutMs: number;
}

export interface DbConfig {
  topology?: Topology;
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
  connectionTimeoutMillis: 2000,
  idleTimeoutMillis: 30_000,
  statementTimeoutMs: 15_000,
  queryTimeoutMs: 20_000,
  transactionMaxWaitMs: 2000,
  transactionTimeoutMs: 15_000,
};

const pgUrl = z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL");
const intMs = z.coerce.number().int().positive();
const envSchema = z.object({
  AGORA_DB_POOL_MAX: intMs.optional(),
  AGORA_DB_CONNECT_TIMEOUT_MS: intMs.optional(),
  AGORA_DB_STATEMENT_TIMEOUT_MS: intMs.optional(),
  AGORA_DB_QUERY_TIMEOUT_MS: intMs.optional(),
  AGORA_DB_DIRECTORY_TTL_MS: intMs.optional(),
});

/** `shard-1` + `ro` → `AGORA_DB_URL_SHARD_1_RO`. */
export function urlEnvName(cluster: string, role: ClusterRole): string {
  return `AGORA_DB_URL_${cluster.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_${role.toUpperCase()}`;
}

export interface ResolvedConfig {
  pool: PoolSettings;
  directoryTtlMs: number;
  directoryListen: boolean;
  coreCluster: string;
  shardClusters: string[];
  url(cluster: string, role: ClusterRole): string;
}

let explicit: DbConfig = {};
let resolved: ResolvedConfig | undefined;

function resolve(): ResolvedConfig {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid data-layer env var ${String(issue?.path[0])}: ${issue?.message}`);
  }
  const env = parsed.data;
  const pool: PoolSettings = {
    ...DEFAULT_POOL,
    ...(env.AGORA_DB_POOL_MAX ? { max: env.AGORA_DB_POOL_MAX } : {}),
    ...(env.AGORA_DB_CONNECT_TIMEOUT_MS
      ? { connectionTimeoutMillis: env.AGORA_DB_CONNECT_TIMEOUT_MS }
      : {}),
    ...(env.AGORA_DB_STATEMENT_TIMEOUT_MS
      ? { statementTimeoutMs: env.AGORA_DB_STATEMENT_TIMEOUT_MS }
      : {}),
    ...(env.AGORA_DB_QUERY_TIMEOUT_MS ? { queryTimeoutMs: env.AGORA_DB_QUERY_TIMEOUT_MS } : {}),
    ...explicit.pool,
  };
  // Cluster names are fixed by the topology spec; only their addresses vary per environment.
  const coreCluster = CLUSTERS.find((c) => c.kind === "core")!.name;
  const shardClusters = CLUSTERS.filter((c) => c.kind === "shard").map((c) => c.name);
  let topo = explicit.topology;
  const url = (cluster: string, role: ClusterRole): string => {
    const fromCall = explicit.urls?.[cluster]?.[role];
    if (fromCall) return pgUrl.parse(fromCall);
    const envName = urlEnvName(cluster, role);
    const fromEnv = process.env[envName];
    if (fromEnv) {
      const r = pgUrl.safeParse(fromEnv);
      if (!r.success) throw new Error(`${envName} ${r.error.issues[0]?.message}`);
      return r.data;
    }
    // Only now touch the topology: databaseUrl reads (or creates) the local secrets file.
    topo ??= topology();
    return databaseUrl(topo, cluster, role);
  };
  return {
    pool,
    directoryTtlMs: explicit.directoryTtlMs ?? env.AGORA_DB_DIRECTORY_TTL_MS ?? 30_000,
    directoryListen: explicit.directoryListen ?? true,
    coreCluster,
    shardClusters,
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
