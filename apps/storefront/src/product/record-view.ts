import "server-only";

import { recordProductView } from "@agora/api/analytics";
import { createLogger } from "@agora/telemetry";
import { cookies } from "next/headers";
import { after } from "next/server";
import { CART_COOKIE } from "../../proxy.ts";

const log = createLogger({ service: "storefront" });

/**
 * Counts this product page view for the vendor's analytics after the page has been sent, so a slow
 * or unavailable Redis never delays or breaks the page; a view that cannot be recorded is logged
 * and dropped. Visitors are told apart by user id, else by the guest cart cookie.
 */
export async function recordViewAfterResponse(
  product: { productId: string; vendorId: string },
  userId: string | null,
): Promise<void> {
  const guestId = (await cookies()).get(CART_COOKIE)?.value ?? null;
  after(async () => {
    try {
      await recordProductView(product, { userId, guestId });
    } catch (err) {
      log.warn({ err: String(err), productId: product.productId }, "product view not recorded");
    }
  });
}
