/**
 * The soak's clients, all through the public API (the gateway for shoppers, the vendor portal for
 * the vendor), each one operation at a time and every call recorded in the history:
 *  - shoppers race for a few scarce SKUs: cart, `checkout.place`, then read the order back at once
 *    (read-your-writes) and twice more with the highest version seen (monotonic reads, as the
 *    storefront's order page passes `minVersion`);
 *  - the vendor restocks and counts stock down (`vendor.stock.adjust`, each with a unique note the
 *    checker looks for), edits a product (`vendor.products.update`, optimistic version), asks to be
 *    paid out (`vendor.payouts.requestNow`: a two-phase commit across core's ledger and the shop's
 *    shard, at most one payout per period) and reads its payouts back (`vendor.payouts.list`).
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import {
  BenchHttpError,
  identityFor,
  type Shopper,
  ShopperClient,
  signUpAndIn,
  tokenizeCard,
  trpcMutation,
  trpcQuery,
} from "@agora/bench";
import type { Prng } from "@agora/db/seed";
import type { History } from "./history.ts";

/** A timed-out call is indeterminate; give up on it well before the round ends. */
const CALL_TIMEOUT_MS = 10_000;

export interface SoakSku {
  sku: string;
  productId: string;
  vendorId: string;
  warehouseId: string;
  initialOnHand: number;
  /** The fields the vendor's editor holds (re-sent with each edit) and their version. */
  fields: Record<string, unknown>;
  version: number;
}

export interface SoakFixtures {
  runId: string;
  /** When preparing began: the soak answers for the orders placed from then on. */
  startedAt: Date;
  vendor: ShopperClient;
  skus: SoakSku[];
  shoppers: { name: string; shopper: Shopper; paymentMethodId: string }[];
}

/** 4xx: the API refused the call, so it did not happen. Anything else may have. */
export function definiteFailure(err: unknown): boolean {
  return err instanceof BenchHttpError && err.status >= 400 && err.status < 500;
}

async function signIn(baseUrl: string, n: number, email: string, password: string): Promise<ShopperClient> {
  const client = new ShopperClient(baseUrl, identityFor(n), CALL_TIMEOUT_MS);
  const csrf = await client.send("GET", "/api/auth/csrf");
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken?: string };
  if (!csrfToken) throw new BenchHttpError(`sign-in: no CSRF token (HTTP ${csrf.status})`, csrf.status);
  const res = await client.send("POST", "/api/auth/callback/credentials", {
    form: { csrfToken, email, password, callbackUrl: baseUrl, json: "true" },
  });
  if (!client.hasCookie("session-token"))
    throw new BenchHttpError(`sign-in of ${email}: no session cookie (HTTP ${res.status})`, res.status);
  return client;
}

export interface PrepareOptions {
  gatewayUrl: string;
  portalUrl: string;
  vendorEmail: string;
  vendorPassword: string;
  skus: number;
  unitsPerSku: number;
  shoppers: number;
}

/** Creates the scarce SKUs (through the portal) and signed-in shoppers with a card token each. */
export async function prepare(o: PrepareOptions): Promise<SoakFixtures> {
  const runId = randomUUID().slice(0, 8);
  const startedAt = new Date();
  const vendor = await signIn(o.portalUrl, 9_000, o.vendorEmail, o.vendorPassword);
  const { id: vendorId } = await trpcQuery<{ id: string }>(vendor, "vendor.profile");
  const warehouses = await trpcQuery<{ id: string }[]>(vendor, "vendor.warehouses.list");
  const categories = await trpcQuery<{ slug: string }[]>(vendor, "vendor.categories");
  const warehouseId = warehouses[0]?.id;
  const categorySlug = categories[0]?.slug;
  if (!warehouseId || !categorySlug) throw new Error("the soak's vendor needs a warehouse and a category");
  const skus: SoakSku[] = [];
  for (let i = 0; i < o.skus; i++) {
    const fields = {
      sku: `soak-${runId}-${i}`,
      title: `Soak ${runId} item ${i}`,
      description: "Scarce stock for the fault soak.",
      categorySlug,
      priceCents: 900 + i,
      currency: "EUR",
      status: "active",
      variants: [],
    };
    const p = await trpcMutation<{ id: string; version: number }>(vendor, "vendor.products.create", fields);
    await trpcMutation(vendor, "vendor.stock.adjust", {
      warehouseId,
      productId: p.id,
      delta: o.unitsPerSku,
      reason: "restock",
      note: `soak-${runId}-initial-${i}`,
    });
    skus.push({ sku: fields.sku, productId: p.id, vendorId, warehouseId, initialOnHand: o.unitsPerSku, fields, version: p.version });
  }
  const { tokenizeUrl } = await trpcQuery<{ tokenizeUrl: string }>(
    new ShopperClient(o.gatewayUrl, identityFor(9_001), CALL_TIMEOUT_MS),
    "checkout.paymentConfig",
  );
  const shoppers = [];
  for (let i = 0; i < o.shoppers; i++) {
    const shopper = await signUpAndIn(o.gatewayUrl, identityFor(9_100 + i), `soak-${runId}-${i}@soak.agora.local`);
    shoppers.push({ name: `shopper-${i + 1}`, shopper, paymentMethodId: await tokenizeCard(shopper, tokenizeUrl) });
  }
  return { runId, startedAt, vendor, skus, shoppers };
}

interface OrderRead extends Record<string, unknown> {
  found: boolean;
  status?: string;
  version?: number;
}

async function readOrder(client: ShopperClient, orderId: string, minVersion?: number): Promise<OrderRead> {
  try {
    const o = await trpcQuery<{ status: string; version: number }>(client, "orders.get", {
      orderId,
      ...(minVersion === undefined ? {} : { minVersion }),
    });
    return { found: true, status: o.status, version: o.version };
  } catch (err) {
    if (err instanceof BenchHttpError && err.status === 404) return { found: false };
    throw err;
  }
}

async function shopperLoop(fx: SoakFixtures, s: SoakFixtures["shoppers"][number], h: History, rng: Prng, until: number): Promise<void> {
  let stale: SoakSku | undefined;
  while (Date.now() < until) {
    const sku = rng.pick(fx.skus);
    // A placement that did not go through may have left its line in the cart.
    if (stale) {
      await trpcMutation(s.shopper.client, "cart.setQuantity", { productId: stale.productId, quantity: 0 }).catch(() => undefined);
      stale = undefined;
    }
    const placed = await h.run(s.name, "checkout", { sku: sku.sku }, async () => {
      await trpcMutation(s.shopper.client, "cart.add", { productId: sku.productId, vendorId: sku.vendorId, quantity: 1 });
      const r = await trpcMutation<{ orderId: string }>(s.shopper.client, "checkout.place", {
        idempotencyKey: `soak-${randomUUID()}`,
        address: { name: "Soak Shopper", line1: "1 Fault Street", city: "Berlin", postalCode: "10115", country: "DE" },
        paymentMethodId: s.paymentMethodId,
      });
      return { orderId: r.orderId };
    }, definiteFailure);
    if (!placed) {
      stale = sku;
      await sleep(rng.int(200, 600));
      continue;
    }
    let seen: number | undefined;
    for (let i = 0; i < 3 && Date.now() < until; i++) {
      const r = await h.run(s.name, "order-read", { orderId: placed.orderId, minVersion: seen ?? null }, () =>
        readOrder(s.shopper.client, placed.orderId, seen), definiteFailure);
      if (r?.version !== undefined) seen = Math.max(seen ?? 0, r.version);
      await sleep(rng.int(150, 500));
    }
  }
}

interface PayoutsRead extends Record<string, unknown> {
  /** Payouts the vendor sees, by id, with their 2PC state. */
  payouts: { id: string; state: string }[];
}

async function payoutOp(fx: SoakFixtures, h: History, rng: Prng): Promise<void> {
  if (rng.next() < 0.5) {
    await h.run("vendor", "payout-request", {}, async () => {
      const r = await trpcMutation<{ queued: boolean }>(fx.vendor, "vendor.payouts.requestNow", undefined);
      return { queued: r.queued };
    }, definiteFailure);
    return;
  }
  await h.run("vendor", "payout-read", {}, async (): Promise<PayoutsRead> => {
    const page = await trpcQuery<{ payouts: { id: string; state: string }[] }>(fx.vendor, "vendor.payouts.list");
    return { payouts: page.payouts.map((p) => ({ id: p.id, state: p.state })) };
  }, definiteFailure);
}

async function vendorLoop(fx: SoakFixtures, h: History, rng: Prng, until: number): Promise<void> {
  while (Date.now() < until) {
    const sku = rng.pick(fx.skus);
    const roll = rng.next();
    if (roll >= 0.85) {
      await payoutOp(fx, h, rng);
    } else if (roll < 0.6) {
      // Mostly single-unit restocks, a few counted-short removals (refused when they would go
      // below reserved): supply stays below the shoppers' demand, so they keep racing.
      const delta = rng.next() < 0.75 ? 1 : -1;
      const note = `soak-${fx.runId}-${randomUUID().slice(0, 8)}`;
      await h.run("vendor", "stock-adjust", { sku: sku.sku, delta, note }, async () => {
        const r = await trpcMutation<{ onHand: number }>(fx.vendor, "vendor.stock.adjust", {
          warehouseId: sku.warehouseId,
          productId: sku.productId,
          delta,
          reason: delta > 0 ? "restock" : "adjust",
          note,
        });
        return { onHand: r.onHand };
      }, definiteFailure);
    } else {
      const description = `Scarce stock for the fault soak (edit ${randomUUID().slice(0, 6)}).`;
      const r = await h.run("vendor", "product-edit", { sku: sku.sku, expectedVersion: sku.version, description }, async () => {
        const p = await trpcMutation<{ version: number }>(fx.vendor, "vendor.products.update", {
          ...sku.fields,
          description,
          productId: sku.productId,
          expectedVersion: sku.version,
        });
        return { version: p.version };
      }, definiteFailure);
      if (r) sku.version = r.version;
      else {
        // Stale or unknown outcome: load the current version, as the editor does after a conflict.
        const now = await trpcQuery<{ version: number }>(fx.vendor, "vendor.products.get", { productId: sku.productId }).catch(() => undefined);
        if (now) sku.version = now.version;
      }
    }
    await sleep(rng.int(1_000, 2_500));
  }
}

/** Runs every client until `until` (epoch ms). */
export async function runWorkload(fx: SoakFixtures, h: History, rng: Prng, until: number): Promise<void> {
  await Promise.all([
    ...fx.shoppers.map((s) => shopperLoop(fx, s, h, rng, until)),
    vendorLoop(fx, h, rng, until),
  ]);
}
