/**
 * An online vendor move between shards under live traffic, against the real topology: while
 * reservations + commits (the checkout saga's stock steps) and stock edits run for the vendor,
 * it moves from shard-1 to shard-2. Afterwards every acknowledged write is on shard-2 exactly once,
 * the movement log adds up to the stock levels, nothing of the vendor is left on shard-1, stale
 * writers are refused there, and the write fence was short.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import {
  closeAll,
  core,
  createVendor,
  locateVendor,
  moveVendor,
  recentVendorMoves,
  shard,
  shardMoveState,
  withPlatformScope,
  withTenant,
  type MoveProgress,
} from "@agora/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitStock, reserveStock } from "./reserve-stock.ts";

const run = randomUUID().slice(0, 8);
const PRODUCTS = 12;
const START_ON_HAND = 40;
let vendorId: string;
let warehouseId: string;
const productIds: string[] = [];

beforeAll(async () => {
  const v = await createVendor({
    slug: `move-${run}`,
    name: `Moving Vendor ${run}`,
    shard: "shard-1",
  });
  vendorId = v.id;
  await withTenant(vendorId, async (tx) => {
    const w = await tx.warehouse.create({ data: { vendorId, code: "M", name: "Main" } });
    warehouseId = w.id;
    for (let i = 0; i < PRODUCTS; i++) {
      const p = await tx.product.create({
        data: {
          vendorId,
          categoryId: randomUUID(),
          categorySlug: "move-test",
          title: `Moved thing ${i} ${run}`,
          description: "moves between shards",
          priceCents: 1000 + i,
        },
      });
      productIds.push(p.id);
      await tx.stockLevel.create({
        data: { vendorId, warehouseId, productId: p.id, onHand: START_ON_HAND },
      });
      await tx.stockMovement.create({
        data: {
          vendorId,
          warehouseId,
          productId: p.id,
          deltaOnHand: START_ON_HAND,
          reason: "seed",
          idempotencyKey: `seed:${run}:${i}`,
        },
      });
    }
  });
});

afterAll(async () => {
  await closeAll();
});

/** The outbox relay does not run in the test topology: publish the vendor's events as it would. */
async function standInRelay(stop: AbortSignal): Promise<void> {
  while (!stop.aborted) {
    for (const s of ["shard-1", "shard-2"])
      await withPlatformScope(s, (tx) =>
        tx.$executeRawUnsafe(
          "UPDATE outbox SET published_at = now() WHERE vendor_id = $1::uuid AND published_at IS NULL",
          vendorId,
        ),
      ).catch((err: unknown) => process.stdout.write(`[stand-in relay] ${String(err)}\n`));
    await sleep(20);
  }
}

interface Tally {
  committed: Map<string, number>;
  restocked: Map<string, number>;
  errors: string[];
  slowestWriteMs: number;
  writes: number;
}

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
const pick = () => productIds[Math.floor(Math.random() * productIds.length)] as string;

async function timed(t: Tally, write: () => Promise<void>): Promise<void> {
  const started = Date.now();
  try {
    await write();
    t.writes++;
  } catch (err) {
    t.errors.push(err instanceof Error ? err.message : String(err));
  }
  t.slowestWriteMs = Math.max(t.slowestWriteMs, Date.now() - started);
}

/** A shopper's checkout, as the saga's stock steps do it: reserve one unit, then commit it. */
async function shopper(t: Tally, stop: AbortSignal): Promise<void> {
  while (!stop.aborted) {
    const productId = pick();
    await timed(t, async () => {
      const orderId = randomUUID();
      const r = await reserveStock({
        orderId,
        vendorId,
        lines: [{ productId, quantity: 1 }],
        totalCents: 1000,
      });
      if (r.status !== "RESERVED") return;
      await commitStock(orderId, vendorId);
      bump(t.committed, productId);
    });
  }
}

/** The vendor's stock editor: one unit onto the shelf, logged as an adjustment. */
async function stockEditor(t: Tally, stop: AbortSignal): Promise<void> {
  while (!stop.aborted) {
    const productId = pick();
    await timed(t, async () => {
      await withTenant(vendorId, async (tx) => {
        await tx.$executeRaw`
          UPDATE stock_levels SET on_hand = on_hand + 1, version = version + 1, updated_at = now()
          WHERE vendor_id = ${vendorId}::uuid AND warehouse_id = ${warehouseId}::uuid
            AND product_id = ${productId}::uuid AND variant_id IS NULL`;
        await tx.$executeRaw`
          INSERT INTO stock_movements (vendor_id, warehouse_id, product_id, delta_on_hand, reason, idempotency_key)
          VALUES (${vendorId}::uuid, ${warehouseId}::uuid, ${productId}::uuid, 1, 'adjust', ${`adjust:${randomUUID()}`})`;
      });
      bump(t.restocked, productId);
    });
  }
}

describe("online vendor move between shards", () => {
  it(
    "moves a vendor from shard-1 to shard-2 under checkouts and stock edits with nothing lost or doubled",
    { timeout: 240_000 },
    async () => {
      const tally: Tally = {
        committed: new Map(),
        restocked: new Map(),
        errors: [],
        slowestWriteMs: 0,
        writes: 0,
      };
      const stop = new AbortController();
      const traffic = [
        standInRelay(stop.signal),
        ...Array.from({ length: 4 }, () => shopper(tally, stop.signal)),
        ...Array.from({ length: 2 }, () => stockEditor(tally, stop.signal)),
      ];
      await sleep(1_000); // traffic flowing before the move starts
      const phases: MoveProgress["phase"][] = [];
      let result;
      try {
        result = await moveVendor(vendorId, "shard-2", {
          copyPageSize: 20, // several pages per table even for a small vendor
          purgeAfterMs: 500,
          onProgress: (p) => {
            if (phases.at(-1) === p.phase) return;
            phases.push(p.phase);
            process.stdout.write(
              `[vendor move] ${new Date().toISOString()} ${p.phase}: ${p.rowsCopied} rows copied, ${p.changesCaughtUp} changes caught up\n`,
            );
          },
        });
        await sleep(1_000); // traffic keeps flowing on the new shard
      } finally {
        stop.abort();
        await Promise.all(traffic);
      }
      process.stdout.write(
        `[vendor move] ${result.rowsCopied} rows copied, ${result.changesCaughtUp} changes caught up, ` +
          `${result.rowsPurged} purged, write fence ${result.writeFenceMs} ms (${JSON.stringify(result.fenceSteps)}), whole move ${result.durationMs} ms; ` +
          `${tally.writes} writes acknowledged, slowest ${tally.slowestWriteMs} ms\n`,
      );

      expect(tally.errors).toEqual([]);
      expect(phases).toEqual(["copying", "catching-up", "fenced", "flipped", "done"]);
      const committedTotal = [...tally.committed.values()].reduce((a, b) => a + b, 0);
      const restockedTotal = [...tally.restocked.values()].reduce((a, b) => a + b, 0);
      expect(committedTotal).toBeGreaterThan(0);
      expect(restockedTotal).toBeGreaterThan(0);
      expect(result.changesCaughtUp).toBeGreaterThan(0); // writes did land during the copy

      // The directory points at shard-2 with a new epoch, and the vendor is at rest there.
      const where = await locateVendor(vendorId);
      expect(where).toMatchObject({ shard: "shard-2", epoch: 2 });
      expect(await shardMoveState("shard-2", vendorId)).toBeNull();
      expect(await shardMoveState("shard-1", vendorId)).toBe("moved");

      // Every acknowledged write is on shard-2, exactly once, and the log adds up to the levels.
      const { levels, movements } = await withTenant(vendorId, async (tx) => ({
        levels: await tx.stockLevel.findMany({ where: { vendorId } }),
        movements: await tx.stockMovement.groupBy({
          by: ["productId", "reason"],
          where: { vendorId },
          _sum: { deltaOnHand: true, deltaReserved: true },
          _count: { _all: true },
        }),
      }));
      expect(levels).toHaveLength(PRODUCTS);
      for (const level of levels) {
        const p = level.productId;
        const committed = tally.committed.get(p) ?? 0;
        const restocked = tally.restocked.get(p) ?? 0;
        expect(level.onHand, `on hand of ${p}`).toBe(START_ON_HAND + restocked - committed);
        expect(level.reserved, `reserved of ${p}`).toBe(0);
        const mine = movements.filter((m) => m.productId === p);
        const count = (reason: string) => mine.find((m) => m.reason === reason)?._count._all ?? 0;
        expect(count("adjust"), `adjustments of ${p}`).toBe(restocked);
        expect(count("commit"), `commits of ${p}`).toBe(committed);
        expect(count("reserve"), `reservations of ${p}`).toBe(committed);
        expect(mine.reduce((s, m) => s + (m._sum.deltaOnHand ?? 0), 0)).toBe(level.onHand);
        expect(mine.reduce((s, m) => s + (m._sum.deltaReserved ?? 0), 0)).toBe(level.reserved);
      }
      const subOrders = await withTenant(vendorId, (tx) =>
        tx.vendorOrder.count({ where: { vendorId, status: "COMMITTED" } }),
      );
      expect(subOrders).toBe(committedTotal);

      // Nothing of the vendor is left on shard-1, and a writer with a stale route is refused there.
      const leftOnSource = await withPlatformScope("shard-1", (tx) =>
        tx.$queryRawUnsafe<{ n: number }[]>(
          `SELECT (SELECT count(*) FROM products WHERE vendor_id = $1::uuid)
              + (SELECT count(*) FROM stock_levels WHERE vendor_id = $1::uuid)
              + (SELECT count(*) FROM stock_movements WHERE vendor_id = $1::uuid)
              + (SELECT count(*) FROM vendor_orders WHERE vendor_id = $1::uuid)
              + (SELECT count(*) FROM vendors WHERE id = $1::uuid) AS n`,
          vendorId,
        ),
      );
      expect(Number(leftOnSource[0]?.n)).toBe(0);
      await expect(
        shard("shard-1").primary.$transaction(async (tx) => {
          await tx.$queryRawUnsafe("SELECT set_config('agora.scope', 'platform', true)");
          await tx.$executeRawUnsafe(
            "INSERT INTO warehouses (vendor_id, code, name) VALUES ($1::uuid, 'STALE', 'Stale')",
            vendorId,
          );
        }),
      ).rejects.toThrow(/moving between shards/);

      const [record] = await recentVendorMoves(50).then((all) =>
        all.filter((m) => m.vendorId === vendorId),
      );
      expect(record).toMatchObject({ phase: "done", fromShard: "shard-1", toShard: "shard-2" });
      expect(record?.writeFenceMs).toBe(result.writeFenceMs);
      // The core's own record of the vendor is untouched.
      expect(await core().primary.vendor.count({ where: { id: vendorId } })).toBe(1);
    },
  );

  it("rolls a move back when it cannot finish: the vendor stays where it was, writable, and nothing is left on the target", async () => {
    const v = await createVendor({
      slug: `stay-${run}`,
      name: `Staying Vendor ${run}`,
      shard: "shard-1",
    });
    await withTenant(v.id, async (tx) => {
      await tx.warehouse.create({ data: { vendorId: v.id, code: "S", name: "Stays" } });
      // An event the (absent) relay never publishes: the fence cannot drain it in time.
      await tx.$executeRaw`
        INSERT INTO outbox (vendor_id, aggregate_type, aggregate_id, event_type, payload)
        VALUES (${v.id}::uuid, 'vendor', ${v.id}, 'VendorTouched', '{}'::jsonb)`;
    });
    await expect(
      moveVendor(v.id, "shard-2", { outboxDrainTimeoutMs: 300, purgeAfterMs: 0 }),
    ).rejects.toMatchObject({ code: "MOVE_FAILED" });

    expect(await locateVendor(v.id)).toMatchObject({ shard: "shard-1", epoch: 1 });
    const entry = await core().primary.shardDirectory.findUniqueOrThrow({
      where: { vendorId: v.id },
    });
    expect(entry.writeFenced).toBe(false);
    expect(await shardMoveState("shard-1", v.id)).toBeNull();
    expect(await shardMoveState("shard-2", v.id)).toBeNull();
    const onTarget = await withPlatformScope("shard-2", (tx) =>
      tx.$queryRawUnsafe<{ n: number }[]>(
        `SELECT (SELECT count(*) FROM warehouses WHERE vendor_id = $1::uuid)
              + (SELECT count(*) FROM vendors WHERE id = $1::uuid) AS n`,
        v.id,
      ),
    );
    expect(Number(onTarget[0]?.n)).toBe(0);
    // Writable at once where it was.
    await withTenant(v.id, (tx) =>
      tx.warehouse.create({ data: { vendorId: v.id, code: "T", name: "Still here" } }),
    );
    const [record] = (await recentVendorMoves(50)).filter((m) => m.vendorId === v.id);
    expect(record).toMatchObject({ phase: "rolled-back" });
    expect(record?.error).toMatch(/unpublished/);
  });
});
