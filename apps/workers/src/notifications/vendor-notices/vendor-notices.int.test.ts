/**
 * The vendor-notices consumer against the real topology: new orders, low stock (once per
 * crossing) and payouts reach a shop's members by e-mail (simulated mailbox) and in-app, as each
 * member's per-channel settings say; redelivered messages change nothing.
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { closeAll, core, withTenant } from "@agora/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  coreMessage,
  createShop,
  createUser,
  startPipeline,
  until,
} from "./vendor-test-fixtures.ts";

const run = randomUUID().slice(0, 8);
let pipeline: ReturnType<typeof startPipeline>;
let shop: string;
let owner: string;
let staff: string;

interface DeliveryView {
  id: string;
  status: string;
  recipient: string;
  subject: string;
  inbox: boolean;
}

async function deliveriesTo(email: string, subjectLike: string): Promise<DeliveryView[]> {
  return core().primary.$queryRawUnsafe<DeliveryView[]>(
    `SELECT id::text, status, recipient, subject, notification_id IS NOT NULL AS inbox
       FROM notification_deliveries WHERE recipient = $1 AND subject LIKE $2 ORDER BY created_at`,
    email,
    subjectLike,
  );
}

const inboxOf = (userId: string, kind: string) =>
  core().primary.notification.findMany({ where: { userId, kind }, orderBy: { createdAt: "asc" } });

async function setSetting(userId: string, kind: string, channel: string, enabled: boolean) {
  await core().primary.vendorNotificationSetting.upsert({
    where: { vendorId_userId_kind_channel: { vendorId: shop, userId, kind, channel } },
    create: { vendorId: shop, userId, kind, channel, enabled },
    update: { enabled },
  });
}

/** Waits until every e-mail delivery of these rows was sent and its mail is in the mailbox. */
async function sentMails(rows: DeliveryView[]) {
  return Promise.all(
    rows.map(async (r) => {
      await until(`delivery ${r.id} sent`, async () => {
        const d = await core().primary.notificationDelivery.findUnique({ where: { id: r.id } });
        return d?.status === "sent" ? true : undefined;
      });
      return pipeline.mail(r.id);
    }),
  );
}

const ownerEmail = () => `owner-${run}@notices.test`;
const staffEmail = () => `staff-${run}@notices.test`;

beforeAll(async () => {
  pipeline = startPipeline(run);
  shop = await createShop("notices", run);
  owner = await createUser(ownerEmail(), [{ role: "vendor_owner", vendorId: shop }]);
  staff = await createUser(staffEmail(), [{ role: "vendor_staff", vendorId: shop }]);
});

afterAll(async () => {
  await pipeline?.service.close();
  await closeAll();
  if (pipeline) rmSync(pipeline.stateDir, { recursive: true, force: true });
});

/** A product of the shop with 10 on hand and a low-stock threshold; returns its id. */
async function stockedProduct(title: string, threshold: number): Promise<string> {
  const productId = randomUUID();
  await withTenant(shop, async (tx) => {
    const warehouse = await tx.warehouse.create({
      data: { vendorId: shop, code: `W-${title}-${run}`, name: "Main" },
    });
    await tx.$executeRawUnsafe(
      `INSERT INTO products (id, vendor_id, sku, title, description, category_id, category_slug, price_cents)
       VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6::uuid, 'lighting', 1500)`,
      productId,
      shop,
      `${title.toUpperCase()}-${run}`,
      title,
      `A ${title.toLowerCase()}`,
      randomUUID(),
    );
    await tx.$executeRawUnsafe(
      `INSERT INTO stock_levels (vendor_id, warehouse_id, product_id, on_hand, low_stock_threshold)
       VALUES ($1::uuid, $2::uuid, $3::uuid, 10, $4)`,
      shop,
      warehouse.id,
      productId,
      threshold,
    );
  });
  return productId;
}

function orderConfirmed() {
  const orderId = randomUUID();
  return coreMessage("order", "OrderConfirmed", {
    orderId,
    userId: randomUUID(),
    version: 3,
    type: "OrderConfirmed",
    status: "CONFIRMED",
    at: new Date().toISOString(),
    vendorIds: [shop],
    detail: {},
  });
}

describe("vendor notices", () => {
  it("tells the owner about a new order by e-mail and in-app, once per message", async () => {
    const message = orderConfirmed();
    expect(await pipeline.deliver(message)).toBe("applied");
    expect(await pipeline.deliver(message)).toBe("duplicate");
    const rows = await deliveriesTo(ownerEmail(), "New order%");
    expect(rows).toHaveLength(1);
    const [mail] = await sentMails(rows);
    expect(mail).toMatchObject({
      recipient: ownerEmail(),
      subject: expect.stringMatching(/^New order [0-9A-F]{8}$/),
    });
    const inbox = await inboxOf(owner, "vendor_new_order");
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ sourceMessageId: message.messageId, readAt: null });
  });

  it("sends nothing on a channel a member switched off", async () => {
    await setSetting(staff, "new_order", "email", false);
    await setSetting(owner, "new_order", "in_app", false);
    const message = orderConfirmed();
    await pipeline.deliver(message);
    // Staff: in-app only.
    const staffInbox = await core().primary.notification.findMany({
      where: { userId: staff, sourceMessageId: message.messageId },
    });
    expect(staffInbox).toHaveLength(1);
    expect(
      await core().primary.notificationDelivery.count({
        where: { notificationId: staffInbox[0]!.id },
      }),
    ).toBe(0);
    // Owner: e-mail only (a delivery without an inbox row).
    expect(
      await core().primary.notification.count({
        where: { userId: owner, sourceMessageId: message.messageId },
      }),
    ).toBe(0);
    const ownerMail = await core().primary.notificationDelivery.findMany({
      where: { sourceKey: { startsWith: `${message.messageId}:${owner}:` } },
    });
    expect(ownerMail).toHaveLength(1);
    expect(ownerMail[0]).toMatchObject({ notificationId: null, recipient: ownerEmail() });
    await sentMails([{ ...ownerMail[0]!, inbox: false }]);
    // Both off: nothing at all.
    await setSetting(staff, "new_order", "in_app", false);
    await setSetting(owner, "new_order", "email", false);
    const silent = orderConfirmed();
    await pipeline.deliver(silent);
    expect(
      await core().primary.notification.count({ where: { sourceMessageId: silent.messageId } }),
    ).toBe(0);
    expect(
      await core().primary.notificationDelivery.count({
        where: { sourceKey: { startsWith: `${silent.messageId}:` } },
      }),
    ).toBe(0);
  });

  it("fires low stock once per crossing below the threshold, and again after a recovery", async () => {
    const productId = await stockedProduct("Lamp", 4);
    // Availability over time (threshold 4): 10, 3 (crossing), 2, 8 (recovered), 4 (crossing).
    const levels = [10, 3, 2, 8, 4];
    for (const [i, available] of levels.entries()) {
      const message = coreMessage(
        "stock",
        "StockChanged",
        { productId, vendorId: shop, available },
        { cluster: "shard-1", outboxId: 1000 + i, vendorId: shop },
      );
      await pipeline.deliver(message);
      // A redelivery of the crossing message changes nothing.
      if (available === 3) expect(await pipeline.deliver(message)).toBe("duplicate");
    }
    // An out-of-order older event (available 1, position 1001) must not fire a third notice.
    await pipeline.deliver(
      coreMessage(
        "stock",
        "StockChanged",
        { productId, vendorId: shop, available: 1 },
        {
          cluster: "shard-1",
          outboxId: 1001,
          vendorId: shop,
        },
      ),
    );
    const ownerNotices = await inboxOf(owner, "vendor_low_stock");
    expect(ownerNotices.map((n) => n.body)).toEqual([
      "Only 3 left (your threshold is 4). Restock it from the Stock page.",
      "Only 4 left (your threshold is 4). Restock it from the Stock page.",
    ]);
    expect(ownerNotices[0]!.title).toBe("Low stock: Lamp");
    expect(await inboxOf(staff, "vendor_low_stock")).toHaveLength(2);
    const mails = await deliveriesTo(ownerEmail(), "Low stock: Lamp");
    expect(mails).toHaveLength(2);
    await sentMails(mails);
  });

  it("fires one notice when two consumer processes race one product's events, in any order", async () => {
    const productId = await stockedProduct("Kettle", 4);
    // Twelve low readings (3, 2, 1, 0, …) in shuffled order, alternating between two processes;
    // the product has no low-stock state yet, so their first events also race to create it.
    const events = Array.from({ length: 12 }, (_, i) =>
      coreMessage(
        "stock",
        "StockChanged",
        { productId, vendorId: shop, available: Math.max(0, 3 - i) },
        { cluster: "shard-1", outboxId: 2000 + i, vendorId: shop },
      ),
    ).sort(() => Math.random() - 0.5);
    const outcomes = await Promise.all(
      events.map((m, i) => (i % 2 === 0 ? pipeline.deliver(m) : pipeline.deliverElsewhere(m))),
    );
    expect(outcomes.every((o) => o === "applied" || o === "superseded")).toBe(true);
    const notices = await core().primary.notification.findMany({
      where: { userId: owner, kind: "vendor_low_stock", title: "Low stock: Kettle" },
    });
    expect(notices).toHaveLength(1);
    const state = await core().primary.vendorStockAlert.findUniqueOrThrow({
      where: { vendorId_productId: { vendorId: shop, productId } },
    });
    expect(state).toMatchObject({ low: true, source: "shard-1", position: 2011n });
  });

  it("tells owners, not staff, about a completed payout", async () => {
    const payoutId = randomUUID();
    const message = coreMessage("payout", "PayoutCompleted", {
      payoutId,
      vendorId: shop,
      amountCents: 123_456,
      currency: "EUR",
      periodEnd: "2026-11-22T00:00:00.000Z",
    });
    expect(await pipeline.deliver(message)).toBe("applied");
    const notices = await inboxOf(owner, "vendor_payout");
    expect(notices).toHaveLength(1);
    expect(notices[0]!.title).toBe("Payout of €1,234.56 sent");
    const [mail] = await sentMails(await deliveriesTo(ownerEmail(), "Payout of%"));
    expect(mail!.body).toContain("period ending 2026-11-22");
    expect(await inboxOf(staff, "vendor_payout")).toHaveLength(0);
    expect(await deliveriesTo(staffEmail(), "Payout of%")).toHaveLength(0);
  });

  it("rejects a payout event without the contract's fields", async () => {
    const bad = coreMessage("payout", "PayoutCompleted", {
      payoutId: randomUUID(),
      vendorId: shop,
    });
    await expect(pipeline.deliver(bad)).rejects.toThrow(/INVALID|invalid/);
  });
});
