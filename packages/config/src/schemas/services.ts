/**
 * Base URLs of the services a process calls. One key each, so a process composes exactly the
 * ones it calls (`servicesSchema.pick({ AGORA_CARRIER_URL: true })`).
 */
import { z } from "zod";
import { baseUrl } from "./primitives.ts";

export const servicesSchema = z.object({
  /** Payment provider (simulator locally), as Agora's servers reach it. */
  AGORA_PAYMENT_PROVIDER_URL: baseUrl,
  /** The provider's public base URL as browsers reach it (hosted card step); default: AGORA_PAYMENT_PROVIDER_URL. */
  AGORA_PAYMENT_PROVIDER_PUBLIC_URL: baseUrl.optional(),
  /** The second payment provider, PaySwift (the simulator's `/payswift/v2` locally), its API base. */
  AGORA_PAYSWIFT_URL: baseUrl,
  /** Carrier API (simulator locally). */
  AGORA_CARRIER_URL: baseUrl,
  /** Where the carrier posts shipment webhooks: the payments pool's receiver, `…/carrier/webhook`. */
  AGORA_CARRIER_WEBHOOK_URL: baseUrl,
  /** Public origin of the CDN edge (browsers load `/media/...` from here), without `/media`. */
  AGORA_CDN_URL: baseUrl.refine(
    (u) => !new URL(u).pathname.startsWith("/media"),
    "give the CDN origin without /media (paths already start with it)",
  ),
  /** Internal URL of the media origin (purge, stats). */
  AGORA_MEDIA_ORIGIN_URL: baseUrl,
  AGORA_STOREFRONT_URL: baseUrl,
  AGORA_VENDOR_PORTAL_URL: baseUrl,
  AGORA_OPS_CONSOLE_URL: baseUrl,
});
