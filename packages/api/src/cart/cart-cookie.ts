/**
 * The guest cart cookie: `agora_cart`, a uuid the storefront's proxy sets when it is missing (the
 * gateway, for a page the edge answers from its cache: @agora/config/edge-cache).
 * Anything else in it is ignored, so a forged value can only name a (random) empty cart.
 */
import { parseCookieHeader } from "@agora/auth";
import { GUEST_CART_COOKIE } from "@agora/config/edge-cache";
import { z } from "zod";

export const CART_COOKIE = GUEST_CART_COOKIE.name;

export function cartIdFrom(headers: Headers): string | null {
  const raw = parseCookieHeader(headers.get("cookie"))[CART_COOKIE];
  const parsed = z.uuid().safeParse(raw);
  return parsed.success ? parsed.data.toLowerCase() : null;
}
