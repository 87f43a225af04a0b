import { describe, expect, it } from "vitest";
import { StockCoalescer } from "./stock-coalescer.ts";

const ev = (aggregateId: string, outboxId: number, cluster = "shard-1") => ({ cluster, aggregateId, outboxId: String(outboxId) });
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("StockCoalescer", () => {
  it("applies one event of a product at a time, and skips one older than what it applied", async () => {
    const c = new StockCoalescer();
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const apply = (name: string) => async () => {
      running++;
      most = Math.max(most, running);
      log.push(`start ${name}`);
      await tick();
      running--;
      return name;
    };
    const results = await Promise.all([
      c.run(ev("p", 10), apply("10"), () => "skipped 10"),
      c.run(ev("p", 30), apply("30"), () => "skipped 30"),
      c.run(ev("p", 20), apply("20"), () => "skipped 20"),
      c.run(ev("p", 40), apply("40"), () => "skipped 40"),
    ]);
    expect(results).toEqual(["10", "30", "skipped 20", "40"]);
    expect(most).toBe(1);
    expect(log).toEqual(["start 10", "start 30", "start 40"]);
  });

  it("lets different products, and the same product of different sources, run side by side", async () => {
    const c = new StockCoalescer();
    let running = 0;
    let most = 0;
    const apply = async () => {
      running++;
      most = Math.max(most, running);
      await tick();
      running--;
    };
    await Promise.all([c.run(ev("p", 1), apply, () => undefined), c.run(ev("q", 1), apply, () => undefined), c.run(ev("p", 1, "shard-2"), apply, () => undefined)]);
    expect(most).toBe(3);
  });

  it("runs a redelivered event again, for its consumer's dedupe row to answer", async () => {
    const c = new StockCoalescer();
    expect(await c.run(ev("p", 7), async () => "applied", () => "skip")).toBe("applied");
    expect(await c.run(ev("p", 7), async () => "duplicate", () => "skip")).toBe("duplicate");
    expect(await c.run(ev("p", 6), async () => "applied", () => "skip")).toBe("skip");
  });

  it("queues a lane across sources, and compares positions only within one source", async () => {
    const c = new StockCoalescer();
    const lane = (outboxId: number, cluster: string) => ({ ...ev("p", outboxId, cluster), lane: "vendor:p" });
    let running = 0;
    let most = 0;
    const apply = (name: string) => async () => {
      running++;
      most = Math.max(most, running);
      await tick();
      running--;
      return name;
    };
    const results = await Promise.all([
      c.run(lane(100, "shard-1"), apply("shard-1 100"), () => "skipped shard-1 100"),
      c.run(lane(5, "shard-2"), apply("shard-2 5"), () => "skipped shard-2 5"),
      c.run(lane(50, "shard-1"), apply("shard-1 50"), () => "skipped shard-1 50"),
      c.run(lane(6, "shard-2"), apply("shard-2 6"), () => "skipped shard-2 6"),
    ]);
    expect(results).toEqual(["shard-1 100", "shard-2 5", "skipped shard-1 50", "shard-2 6"]);
    expect(most).toBe(1);
  });

  it("does not count a failed apply as applied, and the next event still runs", async () => {
    const c = new StockCoalescer();
    await expect(c.run(ev("p", 5), async () => Promise.reject(new Error("product not projected yet")), () => "skip")).rejects.toThrow();
    expect(await c.run(ev("p", 5), async () => "applied", () => "skip")).toBe("applied");
  });

  it("forgets the least recently applied products past its bound", async () => {
    const c = new StockCoalescer(2);
    await c.run(ev("a", 9), async () => "a", () => "skip");
    await c.run(ev("b", 9), async () => "b", () => "skip");
    await c.run(ev("c", 9), async () => "c", () => "skip");
    // "a" was forgotten: an older event of it is applied (the database's WHERE keeps it harmless).
    expect(await c.run(ev("a", 1), async () => "applied", () => "skip")).toBe("applied");
    expect(await c.run(ev("c", 1), async () => "applied", () => "skip")).toBe("skip");
  });
});
