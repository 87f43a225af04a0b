/**
 * The storefront's product page records its view through this after the response is sent: one
 * Redis round trip on the API's shared connection, bounded by its command timeout.
 */
import { checkoutRedis } from "../checkout/checkout-redis.ts";
import { appendView, type Visitor } from "./view-stream.ts";

export function recordProductView(
  product: { productId: string; vendorId: string },
  visitor: Visitor,
): Promise<boolean> {
  return appendView(checkoutRedis(), product, visitor);
}
