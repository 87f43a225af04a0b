import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import {
  closeAll,
  directoryListenerConnected,
  core,
  createVendor,
  forVendor,
  invalidateShard,
  locateVendor,
  shardFor,
  shardNames,
  withPlatformScope,
  withTenant,
} from "../index.ts";
import { chooseShard } from "./placement.ts";

afterAll(async () => {
  await closeAll();
});

const run = randomUUID().slice(0, 8);

async function directoryCounts(): Promise<Record<string, number>> {
  const rows = await core().primary.shardDirectory.groupBy({
    by: ["shard"],
    _count: { _all: true },
  });
  return Object.fromEntries(rows.map((r) => [r.shard, r._count._all]));
}

describe("tenant sharding", () => {
  it("places a new vendor on the shard with the fewest vendors", async () => {
    // Other test files may create vendors at the same time: only judge a try in which ours was
    // the only directory change between the two counts.
    const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = await directoryCounts();
      const v = await createVendor({ slug: `place-${run}-${attempt}`, name: "Placement Test" });
      const after = await directoryCounts();
      if (total(after) - total(before) !== 1) continue;
      expect(v.created).toBe(true);
      expect(v.shard).toBe(chooseShard(before, shardNames()));
      expect(await shardFor(v.id)).toBe(v.shard);
      return;
    }
    throw new Error(
      "the shard directory kept changing concurrently; placement could not be judged",
    );
  });

  it("is idempotent by slug: a second createVendor returns the same vendor and shard", async () => {
    const a = await createVendor({ slug: `idem-${run}`, name: "Idempotent" });
    const b = await createVendor({ slug: `idem-${run}`, name: "Idempotent" });
    expect(b).toMatchObject({ id: a.id, shard: a.shard, created: false });
  });

  it("writes each vendor's products to its own shard and to no other shard", async () => {
    const vendors = [];
    // Two vendors pinned on each shard, so every shard has rows that must not leak elsewhere.
    for (const name of shardNames()) {
      for (let i = 0; i < 2; i++) {
        const slug = `route-${run}-${name}-${i}`;
        vendors.push(await createVendor({ slug, name: `Routing ${name} ${i}`, shard: name }));
      }
    }
    for (const v of vendors) {
      const db = await forVendor(v.id);
      expect(db.name).toBe(v.shard);
      await withTenant(v.id, (tx) =>
        tx.product.create({
          data: {
            vendorId: v.id,
            categoryId: randomUUID(),
            categorySlug: "tools",
            title: `Hammer of ${v.slug}`,
            description: "routing test",
            priceCents: 1999,
          },
        }),
      );
    }
    for (const v of vendors) {
      for (const name of shardNames()) {
        // Platform scope: count what is physically on each shard, past row-level security.
        const count = await withPlatformScope(name, (tx) =>
          tx.product.count({ where: { vendorId: v.id } }),
        );
        expect({ vendor: v.slug, shard: name, count }).toEqual({
          vendor: v.slug,
          shard: name,
          count: name === v.shard ? 1 : 0,
        });
      }
    }
  });

  it("drops a cached directory entry when the directory row changes (LISTEN/NOTIFY)", async () => {
    const v = await createVendor({ slug: `notify-${run}`, name: "Notify" });
    invalidateShard(v.id);
    expect((await locateVendor(v.id)).epoch).toBe(1); // cached now, listener started
    await new Promise((r) => setTimeout(r, 300)); // let the LISTEN connection come up
    await core().primary.shardDirectory.update({
      where: { vendorId: v.id },
      data: { epoch: { increment: 1 } },
    });
    const deadline = Date.now() + 5000;
    let epoch = 1;
    while (Date.now() < deadline && epoch === 1) {
      await new Promise((r) => setTimeout(r, 100));
      epoch = (await locateVendor(v.id)).epoch;
    }
    expect(epoch).toBe(2);
  });

  it("reconnects the directory listener after its connection is killed and keeps invalidating", async () => {
    const v = await createVendor({ slug: `relisten-${run}`, name: "Relisten" });
    await locateVendor(v.id); // starts the listener if no earlier test did
    await waitFor(() => directoryListenerConnected());
    const admin = core().primary;
    await admin.$executeRawUnsafe(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'agora:core:directory-listener' AND pid <> pg_backend_pid()",
    );
    await waitFor(() => !directoryListenerConnected());
    await waitFor(() => directoryListenerConnected(), 15_000);
    const before = (await locateVendor(v.id)).epoch;
    await admin.shardDirectory.update({
      where: { vendorId: v.id },
      data: { epoch: { increment: 1 } },
    });
    let epoch = before;
    await waitFor(async () => (epoch = (await locateVendor(v.id)).epoch) === before + 1);
    expect(epoch).toBe(before + 1);
  });
});

async function waitFor(cond: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
