/**
 * A shopper's steps over the public HTTP API, as the storefront's pages make them: sign-up
 * (tRPC), sign-in (next-auth's credentials callback), cart, the provider's hosted card step,
 * checkout, and reading the order back.
 */
import { randomUUID } from "node:crypto";
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

export async function placeOrder(shopper: Shopper, paymentMethodId: string): Promise<string> {
  const placed = await trpcMutation<{ orderId: string }>(shopper.client, "checkout.place", {
    idempotencyKey: `bench-${randomUUID()}`,
    address: {
      name: "Bench Shopper",
      line1: "1 Load Street",
      city: "Berlin",
      postalCode: "10115",
      country: "DE",
    },
    paymentMethodId,
  });
  return placed.orderId;
}

/** READY_FOR_FULFILMENT and what follows it count as reached. */
export const ORDER_READY = "READY_FOR_FULFILMENT";
const PAST_READY = new Set([ORDER_READY, "FULFILLING", "SHIPPED", "DELIVERED"]);
const FAILED = new Set(["FAILED", "CANCELLED"]);

export class OrderNotReadyError extends Error {
  readonly code = "ORDER_NOT_READY";
  constructor(orderId: string, status: string) {
    super(`order ${orderId} ended ${status}`);
    this.name = "OrderNotReadyError";
  }
}

/**
 * Polls orders.get until the order is ready; resolves with the time it was first seen ready.
 * A failed read is retried until the deadline (a shopper's order page keeps following the order
 * too); `onPollError` hears about each one, so the run can report them.
 */
export async function waitUntilReady(
  shopper: Shopper,
  orderId: string,
  opts: { pollMs: number; deadline: number; onPollError?: (err: unknown) => void },
): Promise<number> {
  let status = "unknown";
  while (Date.now() < opts.deadline) {
    try {
      status = (await trpcQuery<{ status: string }>(shopper.client, "orders.get", { orderId }))
        .status;
    } catch (err) {
      opts.onPollError?.(err);
      status = "unreadable";
    }
    if (PAST_READY.has(status)) return Date.now();
    if (FAILED.has(status)) throw new OrderNotReadyError(orderId, status);
    await new Promise((r) => setTimeout(r, opts.pollMs));
  }
  throw new OrderNotReadyError(orderId, `${status} at the deadline`);
}
