import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { closeAll, core, createVendor, hashPassword, withPlatformScope } from "@agora/db";
import { checkInvariants } from "./invariants.ts";

const byName = async () => Object.fromEntries((await checkInvariants()).map((r) => [r.name, r]));

afterAll(async () => {
  await closeAll();
});

describe("invariant checks after a drill", () => {
  it("reports a stuck order and a double capture, and passes again once they are gone", async () => {
    const db = core().primary;
    const user = await db.user.create({
      data: {
        email: `inv-${randomUUID()}@agora.local`,
        name: "Invariant probe",
        passwordHash: await hashPassword("x"),
      },
    });
    const orderId = randomUUID();
    await db.order.create({
      data: {
        id: orderId,
        userId: user.id,
        status: "PAYMENT_AUTHORIZED",
        totalCents: 100,
        version: 3,
        // older than the in-flight grace period: should have finished long ago
        createdAt: new Date(Date.now() - 10 * 60_000),
      },
    });
    await db.payment.createMany({
      data: [
        { orderId, amountCents: 100, status: "captured", idempotencyKey: `inv-a-${orderId}` },
        { orderId, amountCents: 100, status: "captured", idempotencyKey: `inv-b-${orderId}` },
      ],
    });
    try {
      const bad = await byName();
      expect(bad["no lost order"]?.ok).toBe(false);
      expect(bad["no double charge"]?.ok).toBe(false);
      expect(bad["no double charge"]?.detail).toContain(orderId);
      expect(bad["ledger balanced"]?.ok).toBe(true);
      expect(bad["no oversell"]?.ok).toBe(true);
    } finally {
      await db.payment.deleteMany({ where: { orderId } });
      await db.order.delete({ where: { id: orderId } });
      await db.user.delete({ where: { id: user.id } });
    }
    const good = await byName();
    expect(good["no double charge"]?.ok).toBe(true);
  });

  it("reports a payout recorded on a shard that the coordinator never committed, and one committed without its shard record", async () => {
    const vendor = await createVendor({
      slug: `inv-payout-${randomUUID().slice(0, 8)}`,
      name: "Invariant payout vendor",
    });
    const { shard } = vendor;
    // Two half-written payouts, one per side. Each is then completed (its other half written), so
    // the pair is consistent again: vendor_payouts is append-only for the app role.
    const onShardOnly = { id: randomUUID(), period: new Date(Date.UTC(2001, 0, 1)) };
    const inCoreOnly = { id: randomUUID(), period: new Date(Date.UTC(2001, 1, 1)) };
    const shardRecord = (p: typeof onShardOnly) =>
      withPlatformScope(
        shard,
        (tx) => tx.$executeRaw`
          INSERT INTO vendor_payouts (id, vendor_id, amount_cents, currency, period_end)
          VALUES (${p.id}::uuid, ${vendor.id}::uuid, 100, 'EUR', ${p.period})`,
      );
    const coreRecord = (p: typeof onShardOnly) =>
      core().primary.$executeRaw`
        INSERT INTO payouts (id, vendor_id, amount_cents, currency, period_end, shard, gid, state, decided_at)
        VALUES (${p.id}::uuid, ${vendor.id}::uuid, 100, 'EUR', ${p.period}, ${shard},
                ${`payout:${p.id}`}, 'committed', now() - interval '1 hour')`;
    await shardRecord(onShardOnly);
    await coreRecord(inCoreOnly);
    try {
      const bad = (await byName())["payouts atomic"];
      expect(bad?.ok).toBe(false);
      expect(bad?.detail).toContain(`payout ${onShardOnly.id} recorded but not committed`);
      expect(bad?.detail).toContain(`committed payout ${inCoreOnly.id} has no shard record`);
    } finally {
      await coreRecord(onShardOnly);
      await shardRecord(inCoreOnly);
    }
    expect((await byName())["payouts atomic"]?.ok).toBe(true);
  });
});
