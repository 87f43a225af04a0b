/**
 * `checkout.place`: the shopper's cart becomes a PENDING order and its saga starts.
 *
 * - Idempotent by the client's key: a double click or retry answers with the first order (and
 *   the saga charges once, keyed per order at the provider), even after the cart was cleared.
 * - While the saga worker's payment breaker is open it refuses at once, before writing anything:
 *   an order accepted now could only fail.
 * - Outside the core region (docs/adr/0010) it first checks that the core primary is reachable
 *   over the region link, and refuses at once with REGION_PARTITIONED while it is not: orders are
 *   CP, written in the core region only, never parked where they could be lost or doubled.
 * - Admission control (./admission.ts): in the core region an order is admitted only while fewer
 *   than the adaptive limit are between placement and the end of their saga; above it the shopper
 *   gets TOO_MANY_REQUESTS (CHECKOUT_BUSY) with their place in line and a Retry-After, before
 *   anything is read or written, and a retry with the same key keeps that place. The checkout
 *   rate limit counts only attempts past the line (rate-limit/limits.ts COUNTED_IN_PROCEDURE).
 * - Prices come from the vendors' shard primaries at placement (`placeOrder`), not from the cart;
 *   stock is the saga's to reserve (a sold-out line fails the order with `out_of_stock`).
 */
import { core } from "@agora/db";
import {
  admissionMember,
  CheckoutBusyError,
  findPlacedOrder,
  IdempotencyKeyReusedError,
  paymentsBreakerOpen,
  ProductUnavailableError,
  startCheckout,
} from "@agora/orders";
import { createLogger } from "@agora/telemetry";
import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import { cartOf } from "../cart/cart-owner.ts";
import { clearCart, readLines } from "../cart/cart-store.ts";
import { rememberCommit } from "../orders/read-token.ts";
import { asPartitionError, assertCheckoutOpen, isCoreUnreachable, RegionPartitionedError } from "../regions/checkout-gate.ts";
import { outsideCoreRegion, regionSettings } from "../regions/region-settings.ts";
import type { Session } from "../trpc.ts";
import { enforceRateClass, rateLimitAnswer } from "../rate-limit/enforce.ts";
import { admitCheckout, releaseUnplaced } from "./admission.ts";
import { checkoutRedis } from "./checkout-redis.ts";
import type { placeCheckoutInput } from "./checkout.schema.ts";
import { sagaEnqueue } from "./saga-producer.ts";

const log = createLogger({ service: "api" });

export class PaymentsUnavailableError extends Error {
  readonly code = "PAYMENTS_UNAVAILABLE";
  constructor() {
    super("payments are unavailable right now; nothing was ordered or charged, try again shortly");
    this.name = "PaymentsUnavailableError";
  }
}

export class CartEmptyError extends Error {
  readonly code = "CART_EMPTY";
  constructor() {
    super("the cart is empty");
    this.name = "CartEmptyError";
  }
}

interface PlaceContext {
  session: Session;
  cartId?: string | null;
  /** The request's headers: who the rate limit counts (the edge's client address when anonymous). */
  headers?: Headers;
}

export async function placeCheckout(
  ctx: PlaceContext,
  input: z.output<typeof placeCheckoutInput>,
): Promise<{ orderId: string }> {
  const userId = ctx.session.userId;
  try {
    await assertCheckoutOpen();
  } catch (err) {
    if (err instanceof RegionPartitionedError)
      throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: err.message, cause: err });
    throw err;
  }
  try {
    return await placeInCoreRegion(ctx, input, userId);
  } catch (err) {
    // The link died between the check and the write: the same clear answer, not a generic outage.
    const mapped = asPartitionError(err);
    if (mapped instanceof RegionPartitionedError)
      throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: mapped.message, cause: mapped });
    throw err;
  }
}

/** The attempt's permit (true: taken now), or TOO_MANY_REQUESTS with its place in line. */
async function takePermit(member: string): Promise<boolean> {
  try {
    return await admitCheckout(member);
  } catch (err) {
    if (err instanceof CheckoutBusyError)
      throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: err.message, cause: err });
    throw err;
  }
}

/** The checkout rate limit (card testing) counts attempts that got past the line. */
async function countAttempt(ctx: PlaceContext, userId: string): Promise<void> {
  try {
    await enforceRateClass("checkout", ctx.headers ?? new Headers(), userId);
  } catch (err) {
    throw rateLimitAnswer(err);
  }
}

async function placeInCoreRegion(
  ctx: PlaceContext,
  input: z.output<typeof placeCheckoutInput>,
  userId: string,
): Promise<{ orderId: string }> {
  // Admission first: a shopper waiting in line costs one Redis script per ask, no core read.
  // Outside the core region the core region starts the saga: its admission is not ours to take.
  const member = outsideCoreRegion() ? null : admissionMember(userId, input.idempotencyKey);
  const fresh = member ? await takePermit(member) : false;
  // A permit taken now goes back unless this attempt placed the order (its saga gives it back);
  // one the attempt already held belongs to the key's order in flight and stays.
  let keepPermit = !fresh;
  let orderId: string;
  let cart: Awaited<ReturnType<typeof cartOf>> = null;
  try {
    const earlier = await findPlacedOrder(userId, input.idempotencyKey);
    if (earlier) return { orderId: earlier };
    await countAttempt(ctx, userId);

    if (await paymentsBreakerOpen(checkoutRedis())) {
      const cause = new PaymentsUnavailableError();
      throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: cause.message, cause });
    }

    cart = await cartOf(ctx);
    const lines = cart ? await readLines(checkoutRedis(), cart) : [];
    if (lines.length === 0) {
      const cause = new CartEmptyError();
      throw new TRPCError({ code: "BAD_REQUEST", message: cause.message, cause });
    }
    let created: boolean;
    try {
      ({ orderId, created } = await startCheckout(
        {
          idempotencyKey: input.idempotencyKey,
          userId,
          items: lines.map((l) => ({
            vendorId: l.vendorId,
            productId: l.productId,
            ...(l.variantId ? { variantId: l.variantId } : {}),
            quantity: l.quantity,
          })),
          paymentMethodId: input.paymentMethodId,
          address: input.address,
          shipping: input.shipping,
          placedIn: regionSettings().AGORA_REGION,
          // No saga worker reads this region's queue: the core region starts it from the outbox.
          ...(outsideCoreRegion() ? { sagaStart: "outbox" as const } : {}),
        },
        sagaEnqueue(),
      ));
    } catch (err) {
      if (err instanceof IdempotencyKeyReusedError)
        throw new TRPCError({ code: "CONFLICT", message: err.message, cause: err });
      if (err instanceof ProductUnavailableError)
        throw new TRPCError({ code: "PRECONDITION_FAILED", message: err.message, cause: err });
      throw err;
    }
    if (created) keepPermit = true;
  } finally {
    // Nothing was placed — or the order committed and only its first step's enqueue failed (the
    // recovery sweep starts it): either way a permit taken now goes back now, not at its lease.
    if (member && !keepPermit) await releaseUnplaced(member);
  }
  try {
    // The order page that follows must see this order even if it is served by a replica.
    await rememberCommit(userId, await core().commitToken());
    if (cart) await clearCart(checkoutRedis(), cart);
  } catch (err) {
    // The order is committed: the shopper must be told so, even when what follows it failed (over
    // the region link, the commit token's round trip can meet a cut). The cart then stays as it was.
    if (!isCoreUnreachable(err)) throw err;
    log.warn({ orderId, err: (err as Error).message }, "order placed; commit token or cart clearing failed");
  }
  return { orderId };
}
