/**
 * Orders at a steady, slow rate for a soak: one new checkout every `secondsPerOrder`, each a
 * signed-in shopper who adds one item to the cart, passes the provider's card step, places the
 * order and follows it until ready (as the order page does). Shoppers sign up as they are needed
 * and place a few orders each, within the product's checkout limit per account. At most
 * `maxInFlight` checkouts run at once: a beat that finds them all still under way is skipped and
 * counted, so a slow product is not buried under a growing queue. The stock to buy is picked up
 * front; once it is sold, the product refuses orders with out_of_stock, counted apart
 * (release/checkout-outcomes.ts).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { RATE_LIMITS } from "@agora/api/rate-limits";
import type { IdentityPool } from "../identity.ts";
import { allocate, buyableItems } from "../journeys/catalog-fixtures.ts";
import { ShopperClient } from "../journeys/http-client.ts";
import {
  addToCart,
  type BuyableItem,
  followUntilReady,
  placeOrder,
  type Shopper,
  shopperEmail,
  signUpAndIn,
  tokenizeCard,
} from "../journeys/shopper.ts";
import { trpcQuery } from "../journeys/trpc.ts";
import {
  type CheckoutEvent,
  classifyCheckoutError,
  type OrderFailure,
} from "../release/checkout-outcomes.ts";

/** One under the checkout limit per account, so the soak never meets a 429 of its own making. */
export const ORDERS_PER_ACCOUNT = RATE_LIMITS.checkout.user.limit - 1;
/** How long a placed order may take to be ready before it counts as failed. */
const ORDER_READY_BOUND_MS = 60_000;

export interface SteadyOrdersSpec {
  gatewayUrl: string;
  runId: string;
  secondsPerOrder: number;
  maxInFlight: number;
  /** Resync read interval while following an order (the order page's ORDER_RESYNC_MS). */
  resyncMs: number;
  /** How long checkouts keep starting, from when the stock has been picked. */
  durationS: number;
}

export interface SteadyOrders {
  /** Every finished checkout with its time, in the order they finished. */
  readonly events: readonly CheckoutEvent[];
  /** Beats skipped because `maxInFlight` checkouts were still under way. */
  readonly skippedAt: readonly number[];
  /** Shoppers signed up so far. */
  readonly accounts: () => number;
  /** No checkout starts after this time (epoch ms). */
  readonly until: number;
  /** Starts no more checkouts; `done` resolves once those under way have finished. */
  stop(): void;
  /** Resolves when the last checkout has finished. */
  readonly done: Promise<void>;
}

interface Account {
  shopper: Shopper;
  orders: number;
}

/** Starts the orders; the stock and the card step's URL are looked up before it returns. */
export async function startSteadyOrders(
  spec: SteadyOrdersSpec,
  identities: IdentityPool,
): Promise<SteadyOrders> {
  const scout = new ShopperClient(spec.gatewayUrl, identities.take());
  let tokenizeUrl: string;
  let items: BuyableItem[];
  try {
    ({ tokenizeUrl } = await trpcQuery<{ tokenizeUrl: string }>(scout, "checkout.paymentConfig"));
    const wanted = Math.ceil(spec.durationS / spec.secondsPerOrder);
    items = allocate(await buyableItems(scout, wanted), wanted);
  } finally {
    scout.close();
  }
  if (items.length === 0) throw new Error("no product in stock to order during the soak");

  const until = Date.now() + spec.durationS * 1000;
  let stopped = false;
  const events: CheckoutEvent[] = [];
  const skippedAt: number[] = [];
  const idle: Account[] = [];
  let signedUp = 0;
  const account = async (): Promise<Account> =>
    idle.pop() ?? {
      shopper: await signUpAndIn(
        spec.gatewayUrl,
        identities.take(),
        shopperEmail(`${spec.runId}-soak`, signedUp++),
      ),
      orders: 0,
    };

  const checkout = async (n: number): Promise<void> => {
    let a: Account | undefined;
    try {
      a = await account();
      a.orders += 1;
      // Past the stock picked up front the same items are ordered again: out_of_stock from then on.
      await addToCart(a.shopper, items[n % items.length] as BuyableItem);
      const orderId = await placeOrder(a.shopper, await tokenizeCard(a.shopper, tokenizeUrl));
      await followUntilReady(spec.gatewayUrl, a.shopper, orderId, {
        resyncMs: spec.resyncMs,
        deadline: Date.now() + ORDER_READY_BOUND_MS,
      });
      events.push({ at: Date.now(), outcome: "ready" });
      if (a.orders < ORDERS_PER_ACCOUNT) idle.push(a);
      else a.shopper.client.close();
    } catch (err) {
      const client = a?.shopper.client;
      const { outcome, error } = await classifyCheckoutError(err, (orderId) =>
        client
          ? trpcQuery<{ failure: OrderFailure }>(client, "orders.get", { orderId }).then(
              (o) => o.failure,
            )
          : Promise.resolve(null),
      );
      events.push({ at: Date.now(), outcome, error: error.slice(0, 200) });
      // A cart a failed checkout may have left filled is not reused: the next order takes a new shopper.
      client?.close();
    }
  };

  const beats = async (): Promise<void> => {
    const started = Date.now();
    const running = new Set<Promise<void>>();
    for (let n = 0; ; n++) {
      const at = started + n * spec.secondsPerOrder * 1000;
      if (at >= until) break;
      while (Date.now() < at && !stopped) await sleep(Math.min(1_000, at - Date.now()));
      if (stopped) break;
      if (running.size >= spec.maxInFlight) {
        skippedAt.push(Date.now());
        continue;
      }
      const p = checkout(n).finally(() => running.delete(p));
      running.add(p);
    }
    await Promise.all(running);
    for (const a of idle.splice(0)) a.shopper.client.close();
  };

  return {
    events,
    skippedAt,
    accounts: () => signedUp,
    until,
    stop: () => {
      stopped = true;
    },
    done: beats(),
  };
}
