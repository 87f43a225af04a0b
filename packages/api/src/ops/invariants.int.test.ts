import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { closeAll, core, hashPassword } from "@agora/db";
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
});
