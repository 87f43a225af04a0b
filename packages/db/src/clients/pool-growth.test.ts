import { EventEmitter } from "node:events";
import pg from "pg";
import { beforeEach, describe, expect, it } from "vitest";
import { gradualGrowth, warmUp } from "./pool-growth.ts";

let handshakes: (() => void)[] = [];

/**
 * A stand-in for pg.Client whose handshake finishes only when the test says so, so the pool's
 * decisions (open another connection or queue the caller) are observed without a database. Each
 * test gets its own class and list, so a late handshake of an earlier test cannot leak in.
 */
function fakeClientClass(list: (() => void)[]) {
  return class FakeClient extends EventEmitter {
    // pg-pool keeps a released client only while these say it is usable.
    readonly _queryable = true;
    readonly _ending = false;
    connect(callback?: (err: Error | null) => void): Promise<void> | void {
      const finished = new Promise<void>((resolve) => list.push(resolve));
      if (!callback) return finished;
      void finished.then(() => callback(null));
    }
    query(): Promise<{ rows: never[] }> {
      return Promise.resolve({ rows: [] });
    }
    end(cb?: () => void): void {
      cb?.();
    }
  };
}

beforeEach(() => {
  handshakes = [];
});

function gatedPool(max: number, maxOpening: number, min = 0) {
  const growth = gradualGrowth(fakeClientClass(handshakes) as unknown as typeof pg.Client, {
    max,
    maxOpening,
  });
  // No acquire timeout: callers a test leaves waiting hold no timer.
  const pool = growth.install(new pg.Pool({ max, min, Client: growth.Client, connectionTimeoutMillis: 0 }));
  return { pool, growth };
}

const settle = () => new Promise((r) => setImmediate(r));

describe("a pool growing one handshake at a time", () => {
  it("opens one connection for a burst of callers, not one per caller", async () => {
    const { pool, growth } = gatedPool(10, 1);
    const callers = Array.from({ length: 20 }, () => pool.connect());
    await settle();
    expect(handshakes).toHaveLength(1);
    expect(growth.opening()).toBe(1);
    expect(pool.waitingCount).toBe(19);
    handshakes[0]?.();
    await callers[0];
    await settle();
    // The finished handshake lets the next one start while callers still wait.
    expect(handshakes).toHaveLength(2);
    expect(pool.totalCount).toBe(2);
  });

  it("hands a queued caller the first connection released instead of opening one for it", async () => {
    const { pool } = gatedPool(10, 1);
    const first = pool.connect();
    await settle();
    handshakes[0]?.();
    const client = await first;
    // The second caller starts the one handshake allowed; the third queues behind it ...
    void pool.connect();
    const third = pool.connect();
    await settle();
    expect(handshakes).toHaveLength(2);
    expect(pool.waitingCount).toBe(1);
    // ... and gets the connection released meanwhile, without a handshake of its own.
    client.release();
    expect(await third).toBe(client);
    expect(handshakes).toHaveLength(2);
  });

  it("still grows to its ceiling and never above it", async () => {
    const { pool } = gatedPool(3, 1);
    const callers = Array.from({ length: 6 }, () => pool.connect());
    for (let i = 0; i < 5; i++) {
      await settle();
      for (const h of handshakes.splice(0)) h();
    }
    await settle();
    expect(pool.totalCount).toBe(3);
    const got = await Promise.all(callers.slice(0, 3));
    expect(new Set(got).size).toBe(3);
    for (const c of got) c.release();
    await Promise.all(callers.slice(3));
    expect(pool.totalCount).toBe(3);
  });

  it("allows as many handshakes at once as configured", async () => {
    const { pool } = gatedPool(10, 3);
    const callers = Array.from({ length: 8 }, () => pool.connect());
    await settle();
    expect(handshakes).toHaveLength(3);
    for (const h of handshakes.splice(0)) h();
    await Promise.all(callers.slice(0, 3));
    expect(pool.waitingCount).toBe(5);
  });

  it("warms the pool to its floor in the background, one connection after the other", async () => {
    const { pool } = gatedPool(10, 1, 2);
    const warming = warmUp(pool, 2);
    await settle();
    expect(handshakes).toHaveLength(1);
    handshakes[0]?.();
    await settle();
    await settle();
    expect(handshakes).toHaveLength(2);
    handshakes[1]?.();
    await warming;
    expect(pool.totalCount).toBe(2);
    expect(pool.idleCount).toBe(2);
  });
});
