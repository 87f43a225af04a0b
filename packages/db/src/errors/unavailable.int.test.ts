/** The real error shapes of Prisma 7 + adapter-pg, mapped to DatabaseUnavailableError. */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { databaseUrl, topology } from "@agora/infra-local/topology";
import { dbConfig } from "../clients/config.ts";
import { createCoreDb } from "../clients/prisma-clients.ts";
import { closeAll, core, DatabaseUnavailableError, shard, shardNames } from "../index.ts";

const t = topology();
afterAll(async () => {
  await closeAll();
});

describe("DatabaseUnavailableError on real connections", () => {
  it("fails fast with DB_UNAVAILABLE when nothing listens on the port", async () => {
    // Port 1 on loopback: nothing listens there, so the connect is refused at once.
    const db = createCoreDb(
      "postgresql://agora:x@127.0.0.1:1/agora",
      "core",
      "primary",
      dbConfig().pool,
    );
    const started = Date.now();
    try {
      await expect(db.user.count()).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await expect(db.$queryRawUnsafe("SELECT 1")).rejects.toMatchObject({
        code: "DB_UNAVAILABLE",
        retryable: true,
        cluster: "core",
      });
    } finally {
      await db.$disconnect();
    }
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("recovers on its own after the server terminated the pooled connections", async () => {
    const name = shardNames()[0]!;
    const db = shard(name).primary;
    // Only this pool's connection: other test files share the cluster and must not be disturbed.
    const [{ pid } = { pid: 0 }] = await db.$queryRawUnsafe<{ pid: number }[]>(
      "SELECT pg_backend_pid() AS pid",
    );
    const admin = new pg.Client({
      connectionString: databaseUrl(t, name, "rw", { as: "superuser", database: "postgres" }),
      connectionTimeoutMillis: 3000,
    });
    await admin.connect();
    try {
      const r = await admin.query("SELECT pg_terminate_backend($1) AS done", [pid]);
      expect(r.rows[0]?.done).toBe(true);
    } finally {
      await admin.end();
    }
    // The first query may hit the dead connection (typed error) or a fresh one; the next one must work.
    const first = await db.vendor.count().then(
      () => "ok",
      (err: unknown) => err,
    );
    if (first !== "ok") expect(first).toBeInstanceOf(DatabaseUnavailableError);
    expect(await db.vendor.count()).toBeGreaterThanOrEqual(0);
  });

  it("queues a burst of 8x the pool size of transactions on a healthy cluster instead of failing any as unavailable", async () => {
    // Each transaction holds its connection for 300 ms: with 10 connections, 80 of them need
    // ~2.4 s of queueing, past the 2 s connect timeout that used to fail the waiting callers.
    const db = createCoreDb(databaseUrl(t, "core", "rw"), "core", "primary", dbConfig().pool);
    try {
      const burst = dbConfig().pool.max * 8;
      const results = await Promise.allSettled(
        Array.from({ length: burst }, () =>
          db.$transaction(async (tx) => {
            await tx.$executeRawUnsafe("SELECT pg_sleep(0.3)");
            return 1;
          }),
        ),
      );
      const failed = results.filter((r) => r.status === "rejected");
      expect(failed.map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
      expect(results).toHaveLength(burst);
    } finally {
      await db.$disconnect();
    }
    // The shared client still answers: nothing above poisoned the process-wide pools.
    expect(await core().primary.user.count()).toBeGreaterThanOrEqual(0);
  });
});
