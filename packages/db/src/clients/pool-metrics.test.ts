import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { metricsRegistry } from "@agora/telemetry";
import { poolUsage, trackPool } from "./pool-metrics.ts";

const opened: pg.Pool[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((p) => p.end()));
});

function pool(max: number): pg.Pool {
  // Nothing listens on port 1: the pool never connects, which is all these tests need.
  const p = new pg.Pool({ host: "127.0.0.1", port: 1, max });
  opened.push(p);
  return p;
}

describe("db pool usage metrics", () => {
  it("sums the pools of one cluster and role and reports their ceiling", async () => {
    trackPool(pool(4), "core", "primary", 4);
    trackPool(pool(6), "core", "primary", 6);
    trackPool(pool(2), "shard-1", "replica", 2);
    const usage = poolUsage();
    expect(usage.find((u) => u.cluster === "core")).toMatchObject({
      max: 10,
      total: 0,
      waiting: 0,
    });
    const text = await metricsRegistry.metrics();
    expect(text).toContain('agora_db_pool_max{cluster="core",role="primary"} 10');
    expect(text).toContain(
      'agora_db_pool_connections{cluster="shard-1",role="replica",state="in_use"} 0',
    );
  });

  it("counts a connection being opened and forgets an ended pool", async () => {
    const p = pool(1);
    trackPool(p, "waiting-test", "primary", 1);
    const pending = p.query("SELECT 1").catch(() => undefined);
    expect(poolUsage().find((u) => u.cluster === "waiting-test")?.total).toBe(1);
    await pending;
    opened.splice(opened.indexOf(p), 1);
    await p.end();
    expect(poolUsage().find((u) => u.cluster === "waiting-test")).toBeUndefined();
  });
});
