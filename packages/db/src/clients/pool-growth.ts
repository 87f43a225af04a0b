/**
 * How a pg pool grows under a burst. pg-pool opens one new connection for every caller that finds
 * no idle one, all at once, and hands each caller the connection it opened. Opening a connection
 * here (TCP through HAProxy, TLS 1.3, SCRAM, a forked backend) is ~100× the cost of a query on an
 * open one: on the shared 2-core box at load 45, one handshake took 1.3 s, 20 at once 4–5 s each,
 * 60 at once 7–17 s each, while `select 1` on an open connection took ~10 ms. So a checkout burst
 * that found a pool below its ceiling started a handshake storm, every caller waited for its own
 * slow handshake (not for the first connection freed 10 ms later), the handshakes ran into the
 * connect timeout and surfaced as "database unavailable (timeout expired)".
 *
 * Here a pool opens at most `maxOpening` connections at a time: while that many handshakes are in
 * flight the pool counts as full, so further callers queue (bounded by the acquire timeout) and
 * take whichever connection is released or opened first. Each finished handshake lets the next one
 * start while callers still wait, so the pool still grows to its ceiling, one handshake at a time.
 * `warm` connections are opened in the background when the pool is created and kept (pg-pool's
 * `min`), so a burst after a quiet spell starts with open connections.
 *
 * Hand-written because pg-pool has no limit on concurrent connection attempts and no warm-up;
 * it relies on two pg-pool details, both covered by pool-growth.test.ts against the real pg-pool:
 * `options.max` is read on every checkout (`_isFull`), and `_pulseQueue()` serves the next waiter.
 */
import type pg from "pg";

export interface PoolGrowth {
  /** Connections being opened at once, at most (≥ 1). */
  maxOpening: number;
  /** The pool's ceiling. */
  max: number;
}

type ConnectCallback = ((err: Error) => void) | ((err: null, c: pg.Client) => void);

interface PulsablePool {
  _pulseQueue?: () => void;
  options: { max: number };
}

/**
 * A `Client` class for the pool (pass it as `Client`) and the `install` step that makes the pool
 * grow gradually. `opening()` is the number of handshakes in flight (for metrics and tests).
 */
export function gradualGrowth<C extends typeof pg.Client>(
  Base: C,
  growth: PoolGrowth,
): { Client: C; install: (pool: pg.Pool) => pg.Pool; opening: () => number } {
  let opening = 0;
  let onOpened: () => void = () => {};
  // `connect` is overridden in both its callback and promise forms (pg-pool uses the callback one).
  class GatedClient extends (Base as typeof pg.Client) {
    override connect(): Promise<pg.Client>;
    override connect(callback: ConnectCallback): void;
    override connect(callback?: ConnectCallback): Promise<pg.Client> | void {
      opening++;
      let settled = false;
      const done = () => {
        if (settled) return;
        settled = true;
        opening--;
        // A handshake ended: the next waiter may start one (or take this connection when released).
        setImmediate(onOpened);
      };
      if (callback) {
        super.connect(((...args: [Error | null, pg.Client?]) => {
          done();
          (callback as (...a: [Error | null, pg.Client?]) => void)(...args);
        }) as ConnectCallback);
        return;
      }
      return super.connect().finally(done);
    }
  }
  const install = (pool: pg.Pool): pg.Pool => {
    const internals = pool as unknown as PulsablePool;
    const max = Math.max(1, growth.max);
    const maxOpening = Math.max(1, growth.maxOpening);
    // Full while `maxOpening` handshakes are in flight; never above the ceiling.
    Object.defineProperty(internals.options, "max", {
      configurable: true,
      enumerable: true,
      get: () => Math.min(max, pool.totalCount - opening + maxOpening),
    });
    onOpened = () => {
      if (!pool.ended && !pool.ending) internals._pulseQueue?.call(pool);
    };
    return pool;
  };
  return { Client: GatedClient as unknown as C, install, opening: () => opening };
}

/**
 * Opens `count` connections one after the other in the background and returns them to the pool
 * (kept while the pool's `min` is at least `count`). A failure only ends the warm-up: the pool
 * opens connections on demand as before.
 */
export function warmUp(pool: pg.Pool, count: number, onError: (err: Error) => void = () => {}): Promise<void> {
  const run = async () => {
    const held: pg.PoolClient[] = [];
    try {
      for (let i = 0; i < count && pool.totalCount < count; i++) held.push(await pool.connect());
    } catch (err) {
      onError(err as Error);
    } finally {
      for (const c of held) c.release();
    }
  };
  return run();
}
