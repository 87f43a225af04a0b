/**
 * Postgres through HAProxy (or a Service): one read-write and one read-only URL per cluster. The
 * core cluster is always `core`; `AGORA_DB_SHARDS` names the vendor shard clusters, and each name
 * decides which `AGORA_DB_URL_<NAME>_RW/_RO` keys must be present. In production every URL must
 * verify the server (`sslmode=verify-full`).
 */
import { z } from "zod";
import { CORE_CLUSTER, dbUrlEnvName, type ClusterRole } from "../clusters.ts";
import { DB_TARGETS, type DbTarget, poolMaxEnvName } from "../connection-budget.ts";
import { runtimeSchema } from "./listen.ts";
import { commaList, pgUrl } from "./primitives.ts";

const clusterUrl = pgUrl("postgres:// URL");
const positiveInt = z.coerce.number().int().positive();

/** The `sslmode` query parameter of a Postgres URL, as libpq and node-postgres read it. */
export function sslModeOf(url: string): string | null {
  const query = url.indexOf("?");
  return query < 0 ? null : new URLSearchParams(url.slice(query + 1)).get("sslmode");
}

/**
 * Production: each URL checks the server's certificate and host name against a CA
 * (`sslmode=verify-full`, the CA in `sslrootcert`). `require` encrypts but trusts any server, so a
 * URL left at it stops start-up instead of handing the password to whoever answers.
 */
export function requireVerifiedTls(
  production: boolean,
  urls: Record<string, string>,
  ctx: z.RefinementCtx,
): void {
  if (!production) return;
  for (const [key, url] of Object.entries(urls))
    if (sslModeOf(url) !== "verify-full")
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: "must carry sslmode=verify-full (and the CA as sslrootcert) in production",
      });
}

const databaseKeys = z
  .object({
    AGORA_ENV: runtimeSchema.shape.AGORA_ENV,
    // The core cluster always exists: its URLs are named even when the shard list is missing.
    AGORA_DB_URL_CORE_RW: clusterUrl,
    AGORA_DB_URL_CORE_RO: clusterUrl,
    AGORA_DB_SHARDS: commaList(
      z.string().regex(/^[a-z0-9-]+$/, "cluster names are lower-case, digits and -"),
    ),
    AGORA_DB_POOL_MAX: positiveInt.optional(),
    // Per target, from the connection budget (connection-budget.ts); AGORA_DB_POOL_MAX otherwise.
    AGORA_DB_POOL_MAX_CORE_RW: positiveInt.optional(),
    AGORA_DB_POOL_MAX_CORE_RO: positiveInt.optional(),
    AGORA_DB_POOL_MAX_SHARD_RW: positiveInt.optional(),
    AGORA_DB_POOL_MAX_SHARD_RO: positiveInt.optional(),
    AGORA_DB_CONNECT_TIMEOUT_MS: positiveInt.optional(),
    AGORA_DB_POOL_ACQUIRE_TIMEOUT_MS: positiveInt.optional(),
    AGORA_DB_STATEMENT_TIMEOUT_MS: positiveInt.optional(),
    AGORA_DB_QUERY_TIMEOUT_MS: positiveInt.optional(),
    AGORA_DB_DIRECTORY_TTL_MS: positiveInt.optional(),
    // Names the process's connections (application_name): pg_stat_activity shows who holds what.
    AGORA_SERVICE_NAME: z.string().min(1).optional(),
  })
  .catchall(z.string().optional());

export interface DatabaseConfig {
  coreCluster: string;
  shardClusters: string[];
  /** Cluster name → URLs. */
  urls: Record<string, Record<ClusterRole, string>>;
  pool: {
    max?: number;
    /** Pool `max` per target (core or shard, rw or ro), where the environment sets one. */
    maxByTarget: Partial<Record<DbTarget, number>>;
    connectTimeoutMs?: number;
    acquireTimeoutMs?: number;
    statementTimeoutMs?: number;
    queryTimeoutMs?: number;
  };
  directoryTtlMs?: number;
  /** The process's service name, when it has one. */
  serviceName?: string;
}

/** The pool sizes the environment sets, by target (`AGORA_DB_POOL_MAX_CORE_RW` → `core-rw`). */
function poolMaxByTarget(env: Record<string, unknown>): Partial<Record<DbTarget, number>> {
  const out: Partial<Record<DbTarget, number>> = {};
  for (const target of DB_TARGETS) {
    const max = env[poolMaxEnvName(target)];
    if (typeof max === "number") out[target] = max;
  }
  return out;
}

export const databaseSchema = databaseKeys.transform((env, ctx): DatabaseConfig => {
  const clusters = [CORE_CLUSTER, ...env.AGORA_DB_SHARDS];
  const urls: DatabaseConfig["urls"] = {
    [CORE_CLUSTER]: { rw: env.AGORA_DB_URL_CORE_RW, ro: env.AGORA_DB_URL_CORE_RO },
  };
  const given: Record<string, string> = {
    AGORA_DB_URL_CORE_RW: env.AGORA_DB_URL_CORE_RW,
    AGORA_DB_URL_CORE_RO: env.AGORA_DB_URL_CORE_RO,
  };
  for (const cluster of clusters.slice(1)) {
    const pair: Partial<Record<ClusterRole, string>> = {};
    for (const role of ["rw", "ro"] as const) {
      const key = dbUrlEnvName(cluster, role);
      const r = clusterUrl.safeParse(env[key]);
      if (env[key] === undefined)
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `required (URL of ${cluster}'s ${role === "rw" ? "primary" : "replicas"})`,
        });
      else if (!r.success)
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: r.error.issues[0]?.message ?? "invalid",
        });
      else pair[role] = given[key] = r.data;
    }
    urls[cluster] = pair as Record<ClusterRole, string>;
  }
  requireVerifiedTls(env.AGORA_ENV === "production", given, ctx);
  return {
    coreCluster: CORE_CLUSTER,
    shardClusters: env.AGORA_DB_SHARDS,
    urls,
    pool: {
      max: env.AGORA_DB_POOL_MAX,
      maxByTarget: poolMaxByTarget(env),
      connectTimeoutMs: env.AGORA_DB_CONNECT_TIMEOUT_MS,
      acquireTimeoutMs: env.AGORA_DB_POOL_ACQUIRE_TIMEOUT_MS,
      statementTimeoutMs: env.AGORA_DB_STATEMENT_TIMEOUT_MS,
      queryTimeoutMs: env.AGORA_DB_QUERY_TIMEOUT_MS,
    },
    directoryTtlMs: env.AGORA_DB_DIRECTORY_TTL_MS,
    serviceName: env.AGORA_SERVICE_NAME,
  };
});
