import { z } from "zod";
import { isLoopbackUrl } from "./loopback-url.ts";

export const addressSchema = z.strictObject({
  name: z.string().min(1).max(200),
  line1: z.string().min(1).max(200),
  line2: z.string().max(200).optional(),
  city: z.string().min(1).max(100),
  postalCode: z.string().min(1).max(20),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, "ISO 3166-1 alpha-2 code")
    .transform((c) => c.toUpperCase()),
});

export const createShipmentBodySchema = z.strictObject({
  orderId: z.string().min(1).max(200),
  vendorId: z.string().min(1).max(200),
  address: addressSchema,
  webhookUrl: z
    .string()
    .max(2000)
    .refine(isLoopbackUrl, "webhookUrl must be an http(s) URL on localhost, 127.0.0.0/8 or ::1"),
});

export type CreateShipmentBody = z.infer<typeof createShipmentBodySchema>;
