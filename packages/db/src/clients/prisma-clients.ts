/**
 * Builds the Prisma clients (Prisma 7, Rust-free, `@prisma/adapter-pg`). Each client owns one pg
 * pool; connection-level errors from any query are rethrown as `DatabaseUnavailableError`.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import type { ITXClientDenyList } from "@prisma/client/runtime/client";
import pg, { type PoolConfig } from "pg";
import { mapDatabaseError } from "../errors/database-errors.ts";
import { PrismaClient as CorePrismaClient } from "../generated/core/client.ts";
import { PrismaClient as ShardPrismaClient } from "../generated/shard/client.ts";
import type { PoolSettings } from "./config.ts";
import { retryConnects } from "./connect-retry.ts";
import { pgTls, verifiedTls } from "./tls-context.ts";
import { trackPool } from "./pool-metrics.ts";

export type NodeRole = "primary" | "replica";

/**
 * pg-pool applies its one `connectionTimeoutMillis` both to opening a connection and to waiting for
 * a free one, so a burst of callers on a healthy database failed after 2 s as "unavailable". The
 * pool's timeout is therefore the wait for a free connection, and each client gets its own (short)
 * timeout for opening the socket, which keeps failover detection fast.
 */
function clientWithConnectTimeout(connectTimeoutMs: number, caFile?: string): typeof pg.Client {
  return class extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      super({
        ...(typeof config === "string" ? { connectionString: config } : config),
        connectionTimeoutMillis: connectTimeoutMs,
        // verify-full against the CA, with its TLS context built once (tls-context.ts).
        ...(caFile ? { ssl: verifiedTls(caFile) } : {}),
      });
    }
  };
}

function poolConfig(url: string, cluster: string, role: NodeRole, s: PoolSettings): PoolConfig {
  const tls = pgTls(url);
  return {
    connectionString: tls.connectionString,
    max: s.max,
    connectionTimeoutMillis: s.acquireTimeoutMillis,
    Client: clientWithConnectTimeout(s.connectionTimeoutMillis, tls.caFile),
    idleTimeoutMillis: s.idleTimeoutMillis,
    statement_timeout: s.statementTimeoutMs,
    query_timeout: s.queryTimeoutMs,
    // Detect a dead peer (e.g. a node killed during failover) instead of waiting on a silent socket.
    keepAlive: true,
    // Who holds a connection, in pg_stat_activity (Postgres keeps 63 bytes of it).
    application_name: ["agora", cluster, role, s.serviceName].filter(Boolean).join(":").slice(0, 63),
  };
}

function adapter(url: string, cluster: string, role: NodeRole, s: PoolSettings): PrismaPg {
  // Our own pool (ended by the adapter on $disconnect) so its usage can be exported as metrics.
  const pool = retryConnects(new pg.Pool(poolConfig(url, cluster, role, s)), {
    budgetMs: s.connectRetryBudgetMs,
    baseDelayMs: 100,
    // Short steps: a new primary is found by HAProxy within ~0.5 s of its promotion.
    maxDelayMs: 400,
  });
  trackPool(pool, cluster, role, s.max);
  return new PrismaPg(pool, {
    disposeExternalPool: true,
    // An idle pooled connection dying (failover) emits 'error' on the pool; without a listener
    // Node would crash. pg discards the broken client; the next query gets a fresh connection.
    onPoolError: (err) => {
      process.emitWarning(`[agora/db] ${cluster} ${role} pool: ${err.message}`, "DatabaseWarning");
    },
    onConnectionError: (err) => {
      process.emitWarning(
        `[agora/db] ${cluster} ${role} connection: ${err.message}`,
        "DatabaseWarning",
      );
    },
  });
}

/** Interactive transactions wait for a connection as long as the pool lets any caller wait. */
const transactionOptions = (s: PoolSettings) => ({
  maxWait: s.transactionMaxWaitMs,
  timeout: s.transactionTimeoutMs,
});

export function createCoreDb(url: string, cluster: string, role: NodeRole, s: PoolSettings) {
  return new CorePrismaClient({
    adapter: adapter(url, cluster, role, s),
    transactionOptions: transactionOptions(s),
  }).$extends({
    name: "agora-db-errors",
    query: {
      async $allOperations({ args, query }) {
        try {
          return await query(args);
        } catch (err) {
          throw mapDatabaseError(err, cluster);
        }
      },
    },
  });
}

export function createShardDb(url: string, cluster: string, role: NodeRole, s: PoolSettings) {
  return new ShardPrismaClient({
    adapter: adapter(url, cluster, role, s),
    transactionOptions: transactionOptions(s),
  }).$extends({
    name: "agora-db-errors",
    query: {
      async $allOperations({ args, query }) {
        try {
          return await query(args);
        } catch (err) {
          throw mapDatabaseError(err, cluster);
        }
      },
    },
  });
}

/** Prisma client for the core cluster (with error mapping). */
export type CoreDb = ReturnType<typeof createCoreDb>;
/** Prisma client for any shard cluster (with error mapping). */
export type ShardDb = ReturnType<typeof createShardDb>;
/** What a consistency-checked read hands to its callback: a client without $transaction/$connect. */
export type CoreTx = Omit<CoreDb, ITXClientDenyList>;
export type ShardTx = Omit<ShardDb, ITXClientDenyList>;
