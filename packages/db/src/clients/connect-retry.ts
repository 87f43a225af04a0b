/**
 * Retry of a failed connection attempt. Opening a connection sends no statement, so retrying it
 * is safe for every caller, writes included: a query that needs a new connection in the last
 * moments of a failover (HAProxy has no primary yet, or still points at the dead one) waits for
 * the new primary a little instead of failing. The retries are bounded by a time budget, so a
 * caller still gets a fast DB_UNAVAILABLE when the failover takes longer (fail fast), and spread
 * by full jitter, so a pool's waiting callers do not reconnect in lock-step.
 *
 * Hand-written because pg-pool has no connect retry of its own; it wraps `pool.connect`, which
 * pg-pool's own `query()` calls too, so every path to a new connection goes through it.
 */
import type pg from "pg";
import { unavailableReason } from "../errors/database-errors.ts";
import { backoffDelay } from "../replicas/with-retry.ts";

export interface ConnectRetry {
  /** Extra time a caller may spend retrying after its first attempt failed (0 = no retry). */
  budgetMs: number;
  /** First backoff; doubles per attempt, capped by `maxDelayMs` (full jitter). */
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Failures of opening a connection that a retry can cure: refused, reset or closed during the
 * handshake, the client's own connect timeout, a node still starting. The pool's wait for a free
 * connection ("timeout exceeded when trying to connect") is not one: the database is there, the
 * pool is busy, and waiting again would only double the caller's wait.
 */
export function isConnectFailure(err: unknown): boolean {
  if (err instanceof Error && /timeout exceeded when trying to connect/i.test(err.message)) return false;
  return unavailableReason(err) !== undefined;
}

type ConnectCallback = (err: Error | undefined, client?: pg.PoolClient, done?: (release?: unknown) => void) => void;

/** Makes `pool.connect` (promise and callback forms) retry connection failures within `retry`. */
export function retryConnects(
  pool: pg.Pool,
  retry: ConnectRetry,
  opts: { sleep?: (ms: number) => Promise<void>; random?: () => number } = {},
): pg.Pool {
  const connectOnce = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const connect = async (): Promise<pg.PoolClient> => {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await connectOnce();
      } catch (err) {
        const delay = backoffDelay(attempt, retry.baseDelayMs, retry.maxDelayMs, opts.random);
        if (!isConnectFailure(err) || Date.now() - started + delay > retry.budgetMs) throw err;
        await sleep(delay);
      }
    }
  };
  // pg-pool's query() calls `this.connect(callback)`: an own property wins over the prototype's.
  Object.defineProperty(pool, "connect", {
    configurable: true,
    value: (cb?: ConnectCallback) => {
      if (!cb) return connect();
      connect().then(
        (client) => cb(undefined, client, (release?: unknown) => client.release(release as Error | boolean | undefined)),
        (err: Error) => cb(err),
      );
      return undefined;
    },
  });
  return pool;
}
