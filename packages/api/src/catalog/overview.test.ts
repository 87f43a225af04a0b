import { DatabaseUnavailableError } from "@agora/db";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createCaller } from "../index.ts";

// The context opens (lazily) a Redis connection; nothing here reaches it.
vi.stubEnv("AGORA_REDIS_SENTINELS", "127.0.0.1:9");
vi.stubEnv("AGORA_REDIS_MASTER_NAME", "agora");

// The catalog's list cache, in memory (Redis-backed in the product: cache-aside.int.test.ts).
const cached = vi.hoisted(() => new Map<string, unknown>());
vi.mock("../cache/catalog-caches.ts", () => ({
  cachedList: async (kind: string, params: unknown, loader: () => Promise<unknown>) => {
    const key = `${kind}:${JSON.stringify(params)}`;
    if (!cached.has(key)) cached.set(key, await loader());
    return cached.get(key);
  },
}));

// Stands in for the data layer: a core with two vendors and two shards whose health each test sets.
const state = vi.hoisted(() => ({
  coreDown: false,
  downShards: new Set<string>(),
}));

vi.mock("@agora/db", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@agora/db")>();
  const served = <T>(value: T) => ({
    value,
    servedBy: "replica" as const,
    reason: "eventual" as const,
  });
  const coreDb = {
    vendor: {
      findMany: async () => [
        {
          id: "v1",
          slug: "alpine",
          name: "Alpine Goods",
          status: "active",
          shard: { shard: "shard-1" },
        },
        {
          id: "v2",
          slug: "baltic",
          name: "Baltic Crafts",
          status: "active",
          shard: { shard: "shard-2" },
        },
        { id: "v3", slug: "new", name: "New Vendor", status: "onboarding", shard: null },
      ],
    },
    category: { findMany: async () => [{ id: "c1", slug: "home", name: "Home", parentId: null }] },
  };
  const counts: Record<string, { vendor_id: string; products: bigint }[]> = {
    "shard-1": [{ vendor_id: "v1", products: 12n }],
    "shard-2": [{ vendor_id: "v2", products: 7n }],
  };
  return {
    ...actual,
    shardNames: () => ["shard-1", "shard-2"],
    core: () => ({
      read: async (_c: unknown, fn: (db: typeof coreDb) => Promise<unknown>) => {
        if (state.coreDown) throw new actual.DatabaseUnavailableError("core", "ECONNREFUSED");
        return served(await fn(coreDb));
      },
    }),
    shard: (name: string) => ({
      read: async (_c: unknown, fn: (db: unknown) => Promise<unknown>) => {
        if (state.downShards.has(name))
          throw new actual.DatabaseUnavailableError(name, "ECONNREFUSED");
        return served(await fn({ $queryRaw: async () => counts[name] ?? [] }));
      },
    }),
  };
});

const caller = createCaller({ headers: new Headers(), session: null });

describe("catalog.overview", () => {
  beforeEach(() => {
    state.coreDown = false;
    state.downShards.clear();
    cached.clear();
  });

  it("lists each vendor with its shard and the product count read from that shard", async () => {
    const o = await caller.catalog.overview();
    expect(o.vendors.map((v) => [v.slug, v.shard, v.productCount])).toEqual([
      ["alpine", "shard-1", 12],
      ["baltic", "shard-2", 7],
      ["new", null, null],
    ]);
    expect(o.shards.map((s) => [s.name, s.vendorCount, s.productCount, s.available])).toEqual([
      ["shard-1", 1, 12, true],
      ["shard-2", 1, 7, true],
    ]);
    expect(o.categories).toHaveLength(1);
  });

  it("blanks only the counts of vendors on a shard that does not answer", async () => {
    state.downShards.add("shard-2");
    const o = await caller.catalog.overview();
    expect(o.vendors.find((v) => v.slug === "alpine")?.productCount).toBe(12);
    expect(o.vendors.find((v) => v.slug === "baltic")?.productCount).toBeNull();
    expect(o.shards.find((s) => s.name === "shard-2")).toMatchObject({
      available: false,
      servedBy: null,
    });
  });

  it("answers SERVICE_UNAVAILABLE with domain code DB_UNAVAILABLE when the core is down", async () => {
    state.coreDown = true;
    const err = await caller.catalog.overview().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    expect((err as { cause?: unknown }).cause).toBeInstanceOf(DatabaseUnavailableError);
  });

  it("serves an eventual read from the list cache, and a strong one from the databases", async () => {
    await caller.catalog.overview();
    state.downShards.add("shard-2");
    const eventual = await caller.catalog.overview({ consistency: "eventual" });
    expect(eventual.vendors.find((v) => v.slug === "baltic")?.productCount).toBe(7);
    const strong = await caller.catalog.overview({ consistency: "strong" });
    expect(strong.vendors.find((v) => v.slug === "baltic")?.productCount).toBeNull();
    expect([...cached.keys()]).toEqual(["overview:{}"]);
  });

  it("rejects an unknown consistency level with the zod issue", async () => {
    // @ts-expect-error: deliberately invalid input
    const err = await caller.catalog.overview({ consistency: "whenever" }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "BAD_REQUEST" });
  });
});
