import { createServer, type Server } from "node:net";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { isConnectFailure, retryConnects } from "./connect-retry.ts";

const opened: pg.Pool[] = [];
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((p) => p.end()));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A pool towards a port nothing listens on: every connect is refused at once. */
function refusedPool(): pg.Pool {
  const p = new pg.Pool({ host: "127.0.0.1", port: 1, max: 2 });
  opened.push(p);
  return p;
}

/** A virtual clock: the injected sleep advances Date.now() by the delay, no real waiting. */
function fakeClock() {
  const delays: number[] = [];
  const realNow = Date.now;
  let offset = 0;
  Date.now = () => realNow() + offset;
  return {
    delays,
    sleep: async (ms: number) => {
      delays.push(ms);
      offset += ms;
    },
    restore: () => {
      Date.now = realNow;
    },
  };
}

describe("retry of failed connection attempts", () => {
  it("retries a refused connection with growing, capped delays until the budget is spent, then reports the failure", async () => {
    const clock = fakeClock();
    try {
      const pool = retryConnects(refusedPool(), { budgetMs: 1500, baseDelayMs: 100, maxDelayMs: 400 }, {
        sleep: clock.sleep,
        random: () => 1,
      });
      await expect(pool.connect()).rejects.toMatchObject({ code: "ECONNREFUSED" });
      expect(clock.delays.slice(0, 3)).toEqual([100, 200, 400]);
      expect(Math.max(...clock.delays)).toBe(400);
      expect(clock.delays.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1500);
    } finally {
      clock.restore();
    }
  });

  it("does not retry when the budget is 0", async () => {
    const clock = fakeClock();
    try {
      const pool = retryConnects(refusedPool(), { budgetMs: 0, baseDelayMs: 100, maxDelayMs: 400 }, { sleep: clock.sleep });
      await expect(pool.connect()).rejects.toMatchObject({ code: "ECONNREFUSED" });
      expect(clock.delays).toEqual([]);
    } finally {
      clock.restore();
    }
  });

  it("covers pool.query too (pg-pool's callback path), so Prisma's queries get the retry", async () => {
    const clock = fakeClock();
    try {
      const pool = retryConnects(refusedPool(), { budgetMs: 500, baseDelayMs: 100, maxDelayMs: 400 }, {
        sleep: clock.sleep,
        random: () => 1,
      });
      await expect(pool.query("select 1")).rejects.toMatchObject({ code: "ECONNREFUSED" });
      expect(clock.delays).toEqual([100, 200]);
    } finally {
      clock.restore();
    }
  });

  it("retries a server that closes the connection during the handshake (HAProxy without a primary)", async () => {
    const server = createServer((socket) => socket.destroy());
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const clock = fakeClock();
    try {
      const p = new pg.Pool({ host: "127.0.0.1", port, max: 1 });
      opened.push(p);
      const pool = retryConnects(p, { budgetMs: 350, baseDelayMs: 100, maxDelayMs: 400 }, { sleep: clock.sleep, random: () => 1 });
      await expect(pool.connect()).rejects.toThrow(/terminated|ended|ECONNRESET/i);
      expect(clock.delays).toEqual([100, 200]);
    } finally {
      clock.restore();
    }
  });

  it("treats the pool's wait for a free connection as no connection failure (a busy pool is not retried)", () => {
    expect(isConnectFailure(new Error("timeout exceeded when trying to connect"))).toBe(false);
    expect(isConnectFailure(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isConnectFailure(new Error('relation "x" does not exist'))).toBe(false);
  });
});
