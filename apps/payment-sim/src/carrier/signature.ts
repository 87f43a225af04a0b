/**
 * Webhook signatures: `Carrier-Signature: t=<unix ms>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
 * The timestamp is signed too, so a receiver can refuse replays older than its tolerance.
 * Agora's webhook receiver verifies with `verifyCarrierSignature`.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "Carrier-Signature";

export function signCarrierPayload(secret: string, body: string, timestampMs: number): string {
  const mac = createHmac("sha256", secret).update(`${timestampMs}.${body}`).digest("hex");
  return `t=${timestampMs},v1=${mac}`;
}

export function verifyCarrierSignature(opts: {
  secret: string;
  header: string | null | undefined;
  body: string;
  now: number;
  /** Oldest signature accepted, in ms; 5 minutes unless told. */
  toleranceMs?: number;
}): boolean {
  if (!opts.header) return false;
  const fields = new Map(
    opts.header.split(",").map((part) => {
      const i = part.indexOf("=");
      return [part.slice(0, i).trim(), part.slice(i + 1).trim()] as const;
    }),
  );
  const t = Number(fields.get("t"));
  const given = fields.get("v1");
  if (!Number.isFinite(t) || !given || !/^[0-9a-f]{64}$/.test(given)) return false;
  if (Math.abs(opts.now - t) > (opts.toleranceMs ?? 5 * 60_000)) return false;
  const expected = createHmac("sha256", opts.secret).update(`${t}.${opts.body}`).digest();
  return timingSafeEqual(expected, Buffer.from(given, "hex"));
}
