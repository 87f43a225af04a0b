/**
 * A shopper's steps over the public HTTP API, as the storefront's pages make them: sign-up
 * (tRPC), sign-in (next-auth's credentials callback), cart, the provider's hosted card step,
 * checkout, and reading the order back.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { type OrderPush, orderRoom, type SubscribeAck } from "@agora/api/live";
import { io } from "socket.io-client";
import type { ClientIdentity } from "../identity.ts";
import { BenchHttpError, ShopperClient } from "./http-client.ts";
import { trpcMutation, trpcQuery } from "./trpc.ts";

export const SHOPPER_PASSWORD = "bench-shopper-passphrase";
/** The simulator's always-approved test card (checkout.paymentConfig lists it). */
export const SUCCESS_CARD = "4242424242424242";

export interface BuyableItem {
  productId: string;
  vendorId: string;
  variantId?: string;
  available: number;
}

export interface Shopper {
  client: ShopperClient;
  email: string;
}

export function shopperEmail(runId: string, n: number): string {
  return `bench-${runId}-${n}@bench.agora.local`;
}

export async function signUpAndIn(
  gatewayUrl: string,
  identity: ClientIdentity,
  email: string,
): Promise<Shopper> {
  const client = new ShopperClient(gatewayUrl, identity);
  await trpcMutation(client, "auth.signUp", {
    email,
    name: "Bench Shopper",
    password: SHOPPER_PASSWORD,
  });
  const csrf = await client.send("GET", "/api/auth/csrf");
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken?: string };
  if (!csrfToken)
    throw new BenchHttpError(`sign-in: no CSRF token (HTTP ${csrf.status})`, csrf.status);
  const res = await client.send("POST", "/api/auth/callback/credentials", {
    form: { csrfToken, email, password: SHOPPER_PASSWORD, callbackUrl: gatewayUrl, json: "true" },
  });
  if (!client.hasCookie("session-token"))
    throw new BenchHttpError(
      `sign-in of ${email}: no session cookie (HTTP ${res.status})`,
      res.status,
    );
  return { client, email };
}

export async function addToCart(shopper: Shopper, item: BuyableItem, quantity = 1): Promise<void> {
  await trpcMutation(shopper.client, "cart.add", {
    productId: item.productId,
    vendorId: item.vendorId,
    ...(item.variantId ? { variantId: item.variantId } : {}),
    quantity,
  });
}

/** The card goes to the provider's hosted step (no cookies, no Agora in between); a `pm_…` token comes back. */
export async function tokenizeCard(shopper: Shopper, tokenizeUrl: string): Promise<string> {
  const url = new URL(tokenizeUrl);
  const res = await shopper.client.send(
    "POST",
    url.pathname,
    {
      json: {
        card: {
          number: SUCCESS_CARD,
          expMonth: 12,
          expYear: new Date().getFullYear() + 3,
          cvc: "123",
        },
      },
    },
    url.origin,
  );
  const id = (JSON.parse(res.body) as { id?: unknown }).id;
  if (res.status !== 200 && res.status !== 201)
    throw new BenchHttpError(`card step: HTTP ${res.status}`, res.status);
  if (typeof id !== "string")
    throw new BenchHttpError("card step: no token in the answer", res.status);
  return id;
}

/** What happened while a shopper waited in the checkout line (admission control). */
export interface PlaceOutcome {
  orderId: string;
  /** Answers of CHECKOUT_BUSY before the order was admitted. */
  busy: number;
  /** The place in line of the first such answer (0: admitted at once). */
  firstPosition: number;
  /** When the order was admitted (the successful `checkout.place` answered), epoch ms. */
  admittedAt: number;
}

/**
 * `checkout.place` as the storefront's checkout page sends it: one idempotency key for the
 * attempt, and while checkout is busy (CHECKOUT_BUSY, admission control) the same request again
 * after the Retry-After the answer gave, with ±25 % jitter so a line does not come back in step.
 * Gives up (throws the busy answer) when the next try would start after `giveUpAt`.
 */
export async function placeOrderInLine(
  shopper: Shopper,
  paymentMethodId: string,
  opts: { giveUpAt?: number; onBusy?: (position: number, waitS: number) => void } = {},
): Promise<PlaceOutcome> {
  const input = {
    idempotencyKey: `bench-${randomUUID()}`,
    address: {
      name: "Bench Shopper",
      line1: "1 Load Street",
      city: "Berlin",
      postalCode: "10115",
      country: "DE",
    },
    paymentMethodId,
  };
  let busy = 0;
  let firstPosition = 0;
  for (;;) {
    try {
      const placed = await trpcMutation<{ orderId: string }>(shopper.client, "checkout.place", input);
      return { orderId: placed.orderId, busy, firstPosition, admittedAt: Date.now() };
    } catch (err) {
      if (!(err instanceof BenchHttpError) || err.answer.domainCode !== "CHECKOUT_BUSY") throw err;
      const position = Number(err.answer.details?.position ?? 0);
      // The finer hint of our own API (details.retryAfterMs), else Retry-After's whole seconds.
      const hintMs = Number(err.answer.details?.retryAfterMs ?? (err.answer.retryAfterSeconds ?? 1) * 1000);
      const waitS = Math.max(0.25, hintMs / 1000);
      const waitMs = waitS * 1000 * (0.75 + Math.random() * 0.5);
      if (opts.giveUpAt !== undefined && Date.now() + waitMs > opts.giveUpAt) throw err;
      busy += 1;
      if (firstPosition === 0) firstPosition = position;
      opts.onBusy?.(position, waitS);
      await sleep(waitMs);
    }
  }
}

/** Waits in the checkout line for at most a minute. */
export async function placeOrder(shopper: Shopper, paymentMethodId: string): Promise<string> {
  return (await placeOrderInLine(shopper, paymentMethodId, { giveUpAt: Date.now() + 60_000 })).orderId;
}

/** READY_FOR_FULFILMENT and what follows it count as reached. */
export const ORDER_READY = "READY_FOR_FULFILMENT";
const PAST_READY = new Set([ORDER_READY, "FULFILLING", "SHIPPED", "DELIVERED"]);
const FAILED = new Set(["FAILED", "CANCELLED"]);

export class OrderNotReadyError extends Error {
  readonly code = "ORDER_NOT_READY";
  readonly orderId: string;
  /** The final status the order reached (FAILED, CANCELLED), or why following it stopped. */
  readonly status: string;
  constructor(orderId: string, status: string) {
    super(`order ${orderId} ended ${status}`);
    this.name = "OrderNotReadyError";
    this.orderId = orderId;
    this.status = status;
  }
}

/**
 * Follows the order as the storefront's order page does (apps/storefront/src/orders/
 * order-tracker.tsx): the live gateway's pushes on the order's room (Socket.IO through the
 * gateway, with the shopper's session cookie and source address), one read after subscribing and
 * a resync read every `resyncMs`. Resolves with the time the order was first known ready, by push
 * or by read. The load is what shoppers' browsers make, not a poll every few hundred ms.
 */
export async function followUntilReady(
  gatewayUrl: string,
  shopper: Shopper,
  orderId: string,
  opts: { resyncMs: number; deadline: number; onReadError?: (err: unknown) => void },
): Promise<number> {
  const socket = io(gatewayUrl, {
    path: "/socket.io/",
    transports: ["websocket"],
    extraHeaders: { cookie: shopper.client.cookieHeader(), ...shopper.client.identity.headers },
    ...(shopper.client.identity.localAddress ? { localAddress: shopper.client.identity.localAddress } : {}),
    reconnectionDelayMax: 2_000,
  } as Parameters<typeof io>[1]);
  try {
    return await new Promise<number>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearInterval(resync);
        clearTimeout(deadline);
        fn();
      };
      const judge = (status: string) => {
        if (PAST_READY.has(status)) finish(() => resolve(Date.now()));
        else if (FAILED.has(status)) finish(() => reject(new OrderNotReadyError(orderId, status)));
      };
      const read = () =>
        trpcQuery<{ status: string }>(shopper.client, "orders.get", { orderId }).then(
          (o) => judge(o.status),
          (err: unknown) => opts.onReadError?.(err),
        );
      socket.on("order", (push: OrderPush) => {
        if (push.orderId === orderId) judge(push.status);
      });
      socket.on("connect", () => {
        socket.emit("subscribe", { room: orderRoom(orderId) }, (ack: SubscribeAck) => {
          if (!ack.ok) opts.onReadError?.(new Error(`live subscribe refused: ${ack.error}`));
          void read();
        });
      });
      const resync = setInterval(() => void read(), opts.resyncMs);
      const deadline = setTimeout(
        () => finish(() => reject(new OrderNotReadyError(orderId, "not ready at the deadline"))),
        Math.max(0, opts.deadline - Date.now()),
      );
    });
  } finally {
    socket.close();
  }
}
