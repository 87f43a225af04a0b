/**
 * A shopper's data export and account erasure against the real topology (core, both shards, Redis,
 * the secrets store): the export holds the shopper's data and nobody else's; the erasure leaves no
 * plaintext of the shopper in any core or shard table, shreds the key so even a copy of the row
 * taken before (a backup) no longer opens, keeps the order for the ledger and the vendor, survives
 * a crash between steps without the account ever signing in again, and frees the e-mail address.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCaller, type Session } from "@agora/api";
import { addLine, dataExportSchema, userCartKey } from "@agora/api/privacy";
import { redisSessionEpochs } from "@agora/api/sessions";
import { verifyCredentials } from "@agora/auth";
import { closeAll, core, createVendor, shard, shardNames, withTenant } from "@agora/db";
import { changeOrder, ERASED_ADDRESS, type OrderEvent, openShippingAddress, placeOrder } from "@agora/orders";
import { createRedis } from "@agora/redis";
import { DELETED_CUSTOMER, openUserName, SubjectErasedError, userKey } from "@agora/secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureLegs, postLedgerTransaction } from "../sagas/checkout/ledger.ts";
import { eraseAccount } from "./erase-account.ts";
import { runExport } from "./export-data.ts";

const run = randomUUID().slice(0, 8);
const redis = createRedis({ maxRetriesPerRequest: null, connectionName: `test-privacy-${run}` });
const PASSWORD = "privacy test password";
let storageDir: string;
let vendorId: string;
let productId: string;

interface Shopper {
  userId: string;
  email: string;
  name: string;
  street: string;
  orderId: string;
  session: Session;
}

async function signUpShopper(label: string): Promise<Shopper> {
  const email = `${label}-${run}@privacy.test`;
  const name = `${label[0]!.toUpperCase()}${label.slice(1)} Quux${run}`;
  const street = `${run} ${label} Lane 7`;
  await createCaller({ headers: new Headers(), session: null, cartId: null }).auth.signUp({ email, name, password: PASSWORD });
  const user = await verifyCredentials({ email, password: PASSWORD });
  if (!user) throw new Error("sign-up did not make an account");
  const { orderId } = await placeOrder({
    idempotencyKey: `privacy-${label}-${run}`,
    userId: user.id,
    items: [{ vendorId, productId, quantity: 2 }],
    paymentMethodId: "pm_privacytest01",
    address: { name, line1: street, city: "Berlin", postalCode: "10115", country: "DE" },
  });
  await core().primary.review.create({
    data: { productId, userId: user.id, rating: 4, title: `Review by ${label}`, body: `Written by ${name}` },
  });
  await addLine(redis, userCartKey(user.id), {
    productId,
    vendorId,
    quantity: 1,
    seenPriceCents: 1500,
    title: `Cart line of ${label}`,
  });
  const notification = await core().primary.notification.create({
    data: { userId: user.id, kind: "order", title: `Hello ${name}`, body: "Your order", sourceMessageId: `privacy-${label}-${run}` },
  });
  // A sent e-mail's recipient is the address in the clear.
  await core().primary.notificationDelivery.create({
    data: { notificationId: notification.id, channel: "email", recipient: email, subject: `Hello ${name}`, body: "x", status: "sent" },
  });
  const session: Session = { userId: user.id, email, name, roles: ["shopper"], epoch: user.epoch };
  return { userId: user.id, email, name, street, orderId, session };
}

const caller = (s: Session) => createCaller({ headers: new Headers(), session: s, cartId: null });

/** Rows (as text) of every table of every cluster holding any of `needles`, case-insensitive. */
async function plaintextHits(needles: string[]): Promise<string[]> {
  const patterns = needles.map((n) => `%${n}%`);
  const hits: string[] = [];
  const clusters = [["core", core().primary] as const, ...shardNames().map((n) => [n, shard(n).primary] as const)];
  for (const [cluster, db] of clusters) {
    const tables = await db.$queryRawUnsafe<{ t: string }[]>(
      `SELECT quote_ident(table_name) AS t FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    for (const { t } of tables) {
      const rows = await db.$queryRawUnsafe<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM ${t} x WHERE x::text ILIKE ANY($1::text[])`,
        patterns,
      );
      if ((rows[0]?.n ?? 0) > 0) hits.push(`${cluster}.${t}`);
    }
  }
  return hits;
}

beforeAll(async () => {
  storageDir = await mkdtemp(join(tmpdir(), "agora-privacy-"));
  vendorId = (await createVendor({ slug: `privacy-${run}`, name: `Privacy Shop ${run}`, shard: "shard-1" })).id;
  productId = await withTenant(vendorId, async (db) => {
    const p = await db.product.create({
      data: {
        vendorId,
        categoryId: randomUUID(),
        categorySlug: "privacy-test",
        title: `Privacy test product ${run}`,
        description: "created by privacy.int.test.ts",
        priceCents: 1500,
      },
    });
    return p.id;
  });
}, 60_000);

afterAll(async () => {
  await rm(storageDir, { recursive: true, force: true });
  redis.disconnect();
  await closeAll();
});

describe("a shopper's data export", () => {
  it("holds the shopper's profile, address, order, review, cart and inbox, and nothing of another shopper", async () => {
    const ada = await signUpShopper("ada");
    const bob = await signUpShopper("bob");
    const { requestId } = await caller(ada.session).privacy.requestExport();
    const { file } = await runExport(requestId, { redis: () => redis, storageDir });
    const text = await readFile(file, "utf8");
    const data = dataExportSchema.parse(JSON.parse(text));

    expect(data.profile).toMatchObject({ userId: ada.userId, email: ada.email, name: ada.name });
    expect(data.addresses).toEqual([expect.objectContaining({ line1: ada.street })]);
    expect(data.orders.map((o) => o.orderId)).toEqual([ada.orderId]);
    expect(data.orders[0]!.lines[0]).toMatchObject({ productId, title: `Privacy test product ${run}`, quantity: 2 });
    expect(data.reviews.map((r) => r.title)).toEqual(["Review by ada"]);
    expect(data.cart.map((l) => l.title)).toEqual(["Cart line of ada"]);
    expect(data.notifications.map((n) => n.title)).toEqual([`Hello ${ada.name}`]);
    for (const other of [bob.email, bob.name, bob.street, bob.orderId, bob.userId]) expect(text).not.toContain(other);

    const [listed] = await caller(ada.session).privacy.requests();
    expect(listed).toMatchObject({ requestId, status: "done", progress: 100 });
    expect(listed?.downloadPath).toBe(`/account/data-export/${requestId}`);
    // Bob asking for Ada's file sees no such request.
    expect((await caller(bob.session).privacy.requests()).some((r) => r.requestId === requestId)).toBe(false);
  }, 60_000);
});

describe("account erasure", () => {
  it("shreds the shopper everywhere, keeps the order for the ledger and the vendor, and frees the address", async () => {
    const eve = await signUpShopper("eve");
    const bystander = await signUpShopper("zed");
    // An order placed before addresses were sealed carries its address in the clear.
    const legacyOrderId = randomUUID();
    await core().primary.order.create({
      data: { id: legacyOrderId, userId: eve.userId, status: "DELIVERED", totalCents: 1500, items: [], version: 1 },
    });
    await core().primary.orderEvent.create({
      data: {
        orderId: legacyOrderId,
        version: 1,
        type: "OrderPlaced",
        payload: {
          userId: eve.userId,
          items: [{ vendorId, productId, quantity: 1, unitPriceCents: 1500 }],
          totalCents: 1500,
          currency: "EUR",
          idempotencyKey: `legacy-${run}`,
          paymentMethod: { id: "pm_privacytest01" },
          address: { name: eve.name, line1: eve.street, city: "Berlin", postalCode: "10115", country: "DE" },
        },
      },
    });
    // Eve's order is paid (a balanced ledger transaction) and with the vendor for fulfilment.
    await changeOrder(eve.orderId, async (state, tx): Promise<OrderEvent[]> => {
      const amountCents = state.placed.totalCents;
      const paymentId = randomUUID();
      const ledgerTransactionId = await postLedgerTransaction(
        tx,
        eve.orderId,
        "EUR",
        captureLegs(state.placed.items, state.placed.shipping),
        "capture",
      );
      return [
        { type: "PaymentAuthorized", payload: { paymentId, amountCents } },
        { type: "OrderConfirmed", payload: {} },
        { type: "PaymentCaptured", payload: { paymentId, amountCents, ledgerTransactionId } },
        { type: "OrderReadyForFulfilment", payload: {} },
      ];
    });
    const backup = await core().primary.user.findUniqueOrThrow({ where: { id: eve.userId } });
    const ledger = () =>
      core().primary.$queryRawUnsafe<{ total: string; n: string }[]>(
        `SELECT coalesce(sum(amount_cents), 0)::text AS total, count(*)::text AS n FROM ledger_entries
          WHERE order_id = $1::uuid`,
        eve.orderId,
      );
    const ledgerBefore = await ledger();
    expect(Number(ledgerBefore[0]?.n)).toBeGreaterThan(0);
    const orderBefore = await core().primary.order.findUniqueOrThrow({ where: { id: eve.orderId } });
    // The scan finds plaintext where there is some (inbox, sent mail, the older order's event).
    expect(await plaintextHits([eve.email, eve.name, eve.street])).toEqual(
      expect.arrayContaining(["core.notifications", "core.notification_deliveries", "core.order_events"]),
    );

    await expect(caller(eve.session).privacy.deleteAccount({ password: "wrong password" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const { requestId } = await caller(eve.session).privacy.deleteAccount({ password: PASSWORD });
    // Before the job runs: no sign-in, the session's epoch is stale.
    expect(await verifyCredentials({ email: eve.email, password: PASSWORD })).toBeNull();
    expect(await redisSessionEpochs().current(eve.userId)).toBeGreaterThan(eve.session.epoch ?? 0);

    // A worker killed right after shredding the key: the account still cannot sign in, and the
    // next run does only the steps left.
    const crash = new Error("killed");
    await expect(
      eraseAccount(requestId, {
        redis: () => redis,
        storageDir,
        afterStep: (step) => {
          if (step === "key-shredded") throw crash;
        },
      }),
    ).rejects.toBe(crash);
    expect(await verifyCredentials({ email: eve.email, password: PASSWORD })).toBeNull();
    const resumed = await eraseAccount(requestId, { redis: () => redis, storageDir });
    expect(resumed.steps).toEqual(["personal-columns-cleared", "cart-dropped", "exports-deleted", "audited"]);
    expect((await eraseAccount(requestId, { redis: () => redis, storageDir })).steps).toEqual([]);

    // No plaintext of Eve in any table of core or the shards; the bystander is untouched.
    expect(await plaintextHits([eve.email, eve.name, eve.street])).toEqual([]);
    expect(await plaintextHits([bystander.name])).toContain("core.notifications");

    // The copy of the row taken before (a backup, a replica) no longer opens: the key is shredded.
    const opened = await userKey(eve.userId, backup.dataKey).catch((e: unknown) => e);
    expect(opened).toBeInstanceOf(SubjectErasedError);
    expect(await openUserName(backup)).toBe(DELETED_CUSTOMER);
    for (const orderId of [eve.orderId, legacyOrderId]) {
      const placed = await core().primary.orderEvent.findFirstOrThrow({ where: { orderId, type: "OrderPlaced" } });
      // Stored by placeOrder / above from the OrderPlaced payload type.
      expect(await openShippingAddress(orderId, placed.payload as never)).toBe(ERASED_ADDRESS);
    }
    // The event log is still append-only for everything else.
    await expect(
      core().primary.$executeRawUnsafe(`UPDATE order_events SET metadata = '{}' WHERE order_id = $1::uuid`, eve.orderId),
    ).rejects.toThrow();

    // The ledger and the order's money are untouched; the vendor still sees the lines.
    expect(await ledger()).toEqual(ledgerBefore);
    const orderAfter = await core().primary.order.findUniqueOrThrow({ where: { id: eve.orderId } });
    expect({ total: orderAfter.totalCents, items: orderAfter.items }).toEqual({
      total: orderBefore.totalCents,
      items: orderBefore.items,
    });
    const owner: Session = { userId: randomUUID(), email: "owner@privacy.test", name: "Owner", roles: ["vendor_owner"], vendorId, epoch: 0 };
    const seen = await caller(owner).vendor.orders.get({ orderId: eve.orderId });
    expect(seen.lines).toEqual([expect.objectContaining({ productId, quantity: 2 })]);
    expect(seen).toMatchObject({ address: null, customerErased: true });
    // Her review stays, under "Deleted customer"; her cart is gone.
    const reviews = await createCaller({ headers: new Headers(), session: null, cartId: null }).reviews.list({ productId });
    expect(reviews.reviews.find((r) => r.title === "Review by eve")?.authorName).toBe(DELETED_CUSTOMER);
    expect(await redis.exists(userCartKey(eve.userId))).toBe(0);
    const audit = await core().primary.auditLog.findMany({ where: { targetId: eve.userId }, select: { action: true } });
    expect(audit.map((a) => a.action).sort()).toEqual(["privacy.erasure.done", "privacy.erasure.request"]);

    // The address can make a new account, which is someone else.
    await createCaller({ headers: new Headers(), session: null, cartId: null }).auth.signUp({
      email: eve.email,
      name: "New Eve",
      password: "another password 456",
    });
    const again = await verifyCredentials({ email: eve.email, password: "another password 456" });
    expect(again?.id).toBeDefined();
    expect(again?.id).not.toBe(eve.userId);
    expect(again?.name).toBe("New Eve");
  }, 90_000);
});
