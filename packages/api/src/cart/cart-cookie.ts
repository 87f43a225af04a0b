/**
 * The guest cart cookie: `agora_cart`, a uuid the storefront's proxy sets when it is missing.
 * Anything else in it is ignored, so a forged value can only name a (random) empty cart.
 */
import { parseCookieHeader } from "@agora/auth";
import { z } from "zod";

export const CART_COOKIE = "agora_cart";

export function cartIdFrom(headers: Headers): string | null {
  const raw = parseCookieHeader(headers.get("cookie"))[CART_COOKIE];
  const parsed = z.uuid().safeParse(raw);
  return parsed.success ? parsed.data.toLowerCase() : null;
}
