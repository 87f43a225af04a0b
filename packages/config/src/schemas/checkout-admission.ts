/**
 * Checkout admission control (@agora/orders `checkout-admission.ts`): the storefronts admit an
 * order while fewer than the adaptive limit are in flight; the saga workers give the permit back
 * when the order ends. Both read these, so the limit moves by the same rules everywhere.
 */
import { z } from "zod";

export const checkoutAdmissionSchema = z
  .object({
    /** `off` admits every order (the behaviour before admission control, for comparison). */
    AGORA_CHECKOUT_ADMISSION: z.enum(["on", "off"]).default("on"),
    AGORA_CHECKOUT_LIMIT_INITIAL: z.coerce.number().int().min(1).max(10_000).default(16),
    AGORA_CHECKOUT_LIMIT_MIN: z.coerce.number().int().min(1).max(10_000).default(2),
    AGORA_CHECKOUT_LIMIT_MAX: z.coerce.number().int().min(1).max(10_000).default(256),
    /** Admission → end of the saga the limit steers to: under the 5 s end-to-end target. */
    AGORA_CHECKOUT_TARGET_MS: z.coerce.number().int().min(100).max(600_000).default(4_000),
    /** A permit not given back after this long (a lost release) is dropped. */
    AGORA_CHECKOUT_LEASE_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(120_000),
    /** Prefix of the Redis keys (tests keep their own line). */
    AGORA_CHECKOUT_ADMISSION_NAMESPACE: z
      .string()
      .regex(/^[A-Za-z0-9:_-]{1,64}$/)
      .default("checkout:admission"),
  })
  .refine(
    (c) =>
      c.AGORA_CHECKOUT_LIMIT_MIN <= c.AGORA_CHECKOUT_LIMIT_INITIAL &&
      c.AGORA_CHECKOUT_LIMIT_INITIAL <= c.AGORA_CHECKOUT_LIMIT_MAX,
    { message: "checkout limits must satisfy MIN ≤ INITIAL ≤ MAX" },
  );
export type CheckoutAdmissionConfig = z.infer<typeof checkoutAdmissionSchema>;
