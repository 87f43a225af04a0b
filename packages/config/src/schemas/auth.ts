/** Secrets of sessions, webhooks and invitations (see secrets.ts for the rules every secret follows). */
import { z } from "zod";
import { secretsSchema } from "./secrets.ts";

export const nextAuthSchema = secretsSchema({
  NEXTAUTH_SECRET: z
    .string({ message: "required (at least 32 characters, e.g. `openssl rand -base64 32`)" })
    .min(32, "must be at least 32 characters (e.g. `openssl rand -base64 32`)"),
  /**
   * The secret NEXTAUTH_SECRET replaced, for one session lifetime after a rotation: sessions it
   * issued are still accepted, new ones use NEXTAUTH_SECRET.
   */
  NEXTAUTH_SECRET_PREVIOUS: z.string().min(32, "must be at least 32 characters").optional(),
  /** The app's public origin; default: its AGORA_*_URL. */
  NEXTAUTH_URL: z
    .url({ protocol: /^https?$/, message: "must be the app's public http(s) origin" })
    .optional(),
});

/** HMAC key of carrier shipment webhooks (shared by the carrier and the payments pool). */
export const carrierWebhookSecretSchema = secretsSchema({
  AGORA_CARRIER_WEBHOOK_SECRET: z.string({ message: "required (≥ 16 characters)" }).min(16),
});

/** HMAC key of vendor staff invitation tokens. */
export const invitationSecretSchema = secretsSchema({
  AGORA_INVITATION_SECRET: z.string({ message: "required (≥ 32 characters)" }).min(32),
});
