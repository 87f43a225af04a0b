/**
 * How the release traffic counts a buyer's checkout. The stock the buyers buy is picked up front
 * (one order per 3 s and buyer); once they have bought it, the product refuses the next orders with
 * `out_of_stock` at the reserve-stock step, which is its correct answer, not a checkout the release
 * broke. Those are counted apart (`outOfStock`), so a release is not reported with failed checkouts
 * because the tool ran out of stock.
 */
import { OrderNotReadyError } from "../journeys/shopper.ts";

/** The order's `failure.reason` when the saga could not reserve the stock (packages/orders FailureReason). */
export const OUT_OF_STOCK_REASON = "out_of_stock";

/** How the printed summary names the `outOfStock` count. */
export const OUT_OF_STOCK_LABEL = "refused: the tool's stock ran out — the product's correct answer";

export type CheckoutOutcome = "ready" | "outOfStock" | "failed";

export interface CheckoutEvent {
  at: number;
  outcome: CheckoutOutcome;
  /** What the product answered, when the checkout did not end ready. */
  error?: string;
}

export interface CheckoutCounts {
  ready: number;
  /** Placing refused, or the order never ready, for any reason but out-of-stock. */
  failed: number;
  /** Refused: the tool's stock ran out — the product's correct answer, not a failure. */
  outOfStock: number;
}

/** The order's failure as `orders.get` reports it (null while it has none). */
export type OrderFailure = { reason: string; detail: string } | null;

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The outcome of a checkout that threw `err`. Only an order that ended FAILED can be out of stock,
 * and only when the product says so: `readFailure` asks `orders.get` for its reason. Anything else,
 * a reason that could not be read included, is a failed checkout.
 */
export async function classifyCheckoutError(
  err: unknown,
  readFailure: (orderId: string) => Promise<OrderFailure>,
): Promise<{ outcome: Exclude<CheckoutOutcome, "ready">; error: string }> {
  if (!(err instanceof OrderNotReadyError && err.status === "FAILED"))
    return { outcome: "failed", error: messageOf(err) };
  let failure: OrderFailure;
  try {
    failure = await readFailure(err.orderId);
  } catch (readErr) {
    return { outcome: "failed", error: `${err.message} (its reason could not be read: ${messageOf(readErr)})` };
  }
  if (failure?.reason === OUT_OF_STOCK_REASON)
    return { outcome: "outOfStock", error: `${err.message}: ${failure.detail}` };
  return { outcome: "failed", error: failure ? `${err.message}: ${failure.reason} (${failure.detail})` : err.message };
}

/** Adds `events` to `into`; the errors of failed checkouts go to `into.errors` when it has one. */
export function countCheckouts(into: CheckoutCounts & { errors?: string[] }, events: readonly CheckoutEvent[]): void {
  for (const e of events) {
    into[e.outcome]++;
    if (e.outcome === "failed" && e.error) into.errors?.push(e.error);
  }
}
