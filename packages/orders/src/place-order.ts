/**
 * First step of the saga, run by the API edge: turns a checkout request into a PENDING order.
 * Idempotent by the client's key: the key row, the first event and the projection commit in one
 * core transaction, so the same key always returns the same order (a concurrent duplicate waits
 * on the key's primary key and then reads the winner's answer).
 */
import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import { core, isRetryable, mapDatabaseError, withRetry, withTenant } from "@agora/db";
import type { OrderItem, ShippingChoice } from "./events.ts";
import { customerKey, sealShippingAddress } from "./customer-address.ts";
import { CORE_TX_OPTIONS, createOrder } from "./order-store.ts";
import type { SagaEnqueue } from "./saga-queue.ts";
import { DEFAULT_SHIPPING_OPTION, SHIPPING_OPTIONS, shippingOption } from "./shipping-options.ts";

/** A token of the payment provider's hosted card step; the card itself never reaches Agora. */
export const paymentMethodIdSchema = z.string().regex(/^pm_[A-Za-z0-9]{8,64}$/);

export const shippingAddressSchema = z.object({
  name: z.string().trim().min(1).max(200),
  line1: z.string().trim().min(1).max(200),
  city: z.string().trim().min(1).max(100),
  postalCode: z.string().trim().min(1).max(20),
  country: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, "ISO 3166 alpha-2 code, e.g. DE")
    .toUpperCase(),
});

export const placeOrderSchema = z.object({
  idempotencyKey: z.string().min(8).max(200),
  userId: z.uuid(),
  currency: z.literal("EUR").default("EUR"),
  items: z
    .array(
      z.object({
        vendorId: z.uuid(),
        productId: z.uuid(),
        /** The variant picked (size, colour); omitted for a product sold without one. */
        variantId: z.uuid().optional(),
        quantity: z.number().int().positive().max(1000),
      }),
    )
    .min(1)
    .max(100),
  paymentMethodId: paymentMethodIdSchema,
  address: shippingAddressSchema.optional(),
  /** vendorId → shipping option id; a vendor without a choice ships standard. */
  shipping: z
    .record(z.uuid(), z.enum(SHIPPING_OPTIONS.map((o) => o.id) as [string, ...string[]]))
    .default({}),
  /** The region taking the order (recorded on OrderPlaced; docs/adr/0010). */
  placedIn: z
    .string()
    .regex(/^[a-z0-9-]{1,32}$/)
    .optional(),
  /** "outbox": the core region starts the saga from the OrderPlaced event (see events.ts). */
  sagaStart: z.literal("outbox").optional(),
});
export type PlaceOrderInput = z.input<typeof placeOrderSchema>;

export class IdempotencyKeyReusedError extends Error {
  readonly code = "IDEMPOTENCY_KEY_REUSED";
  readonly retryable = false;
  constructor(key: string) {
    super(`idempotency key "${key}" was already used for a different checkout`);
    this.name = "IdempotencyKeyReusedError";
  }
}

export class ProductUnavailableError extends Error {
  readonly code = "PRODUCT_UNAVAILABLE";
  readonly retryable = false;
  constructor(productId: string, variantId?: string) {
    super(
      variantId
        ? `variant ${variantId} of product ${productId} does not exist for its vendor or is not active`
        : `product ${productId} does not exist for its vendor or is not active`,
    );
    this.name = "ProductUnavailableError";
  }
}

const KEY_TTL_MS = 24 * 60 * 60 * 1000;

async function priceItems(items: PlaceOrderInput["items"]): Promise<OrderItem[]> {
  const vendors = [...new Set(items.map((i) => i.vendorId))];
  const prices = new Map<string, number>();
  for (const vendorId of vendors) {
    const mine = items.filter((i) => i.vendorId === vendorId);
    const ids = mine.map((i) => i.productId);
    const variantIds = mine.flatMap((i) => (i.variantId ? [i.variantId] : []));
    // Scoped by vendorId too: a product id of another tenant must not be buyable through this vendor.
    // Row-level security on the shard: the read runs under this vendor's tenant scope.
    // Waiting for a pooled shard connection is normal under a checkout burst: more than Prisma's 2 s.
    const { products, variants } = await withTenant(
      vendorId,
      async (tx) => ({
        products: await tx.product.findMany({
          where: { vendorId, id: { in: ids }, status: "active" },
          select: { id: true, priceCents: true },
        }),
        variants: variantIds.length
          ? await tx.productVariant.findMany({
              where: { vendorId, id: { in: variantIds } },
              select: { id: true, productId: true, priceCents: true },
            })
          : [],
      }),
      { maxWait: 10_000, timeout: 15_000 },
    );
    for (const p of products) prices.set(`${vendorId}/${p.id}`, p.priceCents);
    // A variant is priced only under its own product; its own price overrides the product's.
    for (const v of variants) {
      const base = prices.get(`${vendorId}/${v.productId}`);
      if (base !== undefined)
        prices.set(`${vendorId}/${v.productId}/${v.id}`, v.priceCents ?? base);
    }
  }
  return items.map((i) => {
    const key = i.variantId
      ? `${i.vendorId}/${i.productId}/${i.variantId}`
      : `${i.vendorId}/${i.productId}`;
    const price = prices.get(key);
    if (price === undefined) throw new ProductUnavailableError(i.productId, i.variantId);
    return { ...i, unitPriceCents: price };
  });
}

export interface PlacedOrder {
  orderId: string;
  /** False when the key had been seen: nothing new was written. */
  created: boolean;
}

function priceShipping(items: OrderItem[], chosen: Record<string, string>): ShippingChoice[] {
  const vendorIds = [...new Set(items.map((i) => i.vendorId))].sort();
  return vendorIds.map((vendorId) => {
    const optionId = chosen[vendorId] ?? DEFAULT_SHIPPING_OPTION;
    const option = shippingOption(optionId);
    // The schema only lets known ids through; this guards the table against a rename.
    if (!option) throw new Error(`unknown shipping option ${optionId}`);
    return { vendorId, optionId, priceCents: option.priceCents };
  });
}

/**
 * Safe to retry as a whole: the key makes a repeated attempt return the first one's order, so a
 * connection-level failure (pool exhausted in a burst, failover) is retried with jittered backoff.
 */
export async function placeOrder(raw: PlaceOrderInput): Promise<PlacedOrder> {
  const input = placeOrderSchema.parse(raw);
  return withRetry(() => placeOnce(input), {
    attempts: 6,
    baseDelayMs: 100,
    maxDelayMs: 2_000,
    // Failures starting our own $transaction arrive unmapped (see @agora/db README).
    retryIf: (err) => isRetryable(mapDatabaseError(err, core().name)),
  });
}

async function placeOnce(input: z.output<typeof placeOrderSchema>): Promise<PlacedOrder> {
  const scope = `checkout:${input.userId}`;
  // Everything the shopper chose is the request identity; the key table keeps only this digest.
  const requestHash = createHash("sha256")
    .update(
      JSON.stringify({
        items: input.items,
        currency: input.currency,
        paymentMethodId: input.paymentMethodId,
        address: input.address ?? null,
        shipping: Object.entries(input.shipping).sort(([a], [b]) => a.localeCompare(b)),
      }),
    )
    .digest("hex");
  const items = await priceItems(input.items);
  const shipping = priceShipping(items, input.shipping);
  const totalCents =
    items.reduce((s, i) => s + i.quantity * i.unitPriceCents, 0) +
    shipping.reduce((s, c) => s + c.priceCents, 0);

  // Sealed before the transaction: opening the shopper's key asks the secrets store, not the DB.
  const orderId = randomUUID();
  const addressSealed = input.address
    ? sealShippingAddress(await customerKey(input.userId), orderId, input.address)
    : null;

  return core().primary.$transaction(async (tx) => {
    // The key row carries its answer from the start: it commits with the order or not at all.
    const claimed = await tx.$queryRaw<{ key: string }[]>`
      INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response, expires_at)
      VALUES (${scope}, ${input.idempotencyKey}, ${requestHash}, 201,
              ${JSON.stringify({ orderId })}::jsonb, ${new Date(Date.now() + KEY_TTL_MS)})
      ON CONFLICT (scope, key) DO NOTHING
      RETURNING key`;
    if (claimed.length === 0) {
      const row = await tx.idempotencyKey.findUnique({
        where: { scope_key: { scope, key: input.idempotencyKey } },
      });
      if (!row || row.requestHash !== requestHash)
        throw new IdempotencyKeyReusedError(input.idempotencyKey);
      const { orderId } = z.object({ orderId: z.uuid() }).parse(row.response);
      return { orderId, created: false };
    }
    await createOrder(
      tx,
      { id: orderId, userId: input.userId, totalCents, currency: input.currency, items },
      [
        {
          type: "OrderPlaced",
          payload: {
            userId: input.userId,
            items,
            totalCents,
            currency: input.currency,
            idempotencyKey: input.idempotencyKey,
            paymentMethod: { id: input.paymentMethodId },
            shipping,
            ...(addressSealed ? { addressSealed } : {}),
            ...(input.placedIn ? { placedIn: input.placedIn } : {}),
            ...(input.sagaStart ? { sagaStart: input.sagaStart } : {}),
          },
        },
      ],
    );
    return { orderId, created: true };
  }, CORE_TX_OPTIONS);
}

/** The order an earlier placement with this key created, or null (nothing written under it yet). */
export async function findPlacedOrder(
  userId: string,
  idempotencyKey: string,
): Promise<string | null> {
  const row = await core().primary.idempotencyKey.findUnique({
    where: { scope_key: { scope: `checkout:${userId}`, key: idempotencyKey } },
  });
  const parsed = z.object({ orderId: z.uuid() }).safeParse(row?.response);
  return parsed.success ? parsed.data.orderId : null;
}

/** Places the order and starts its saga. A replayed key does not start a second saga. */
export async function startCheckout(
  raw: PlaceOrderInput,
  enqueue: SagaEnqueue,
): Promise<PlacedOrder> {
  const placed = await placeOrder(raw);
  // If we die between commit and enqueue, the recovery sweep finds the PENDING order.
  if (placed.created) await enqueue(placed.orderId, "reserve-stock");
  return placed;
}
