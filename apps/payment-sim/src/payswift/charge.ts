/**
 * PaySwift's vocabulary over the shared two-phase payment engine: a charge is HELD, REFUSED,
 * RELEASED, SETTLED, PARTIALLY_RETURNED or RETURNED; amounts are decimal strings; timestamps are
 * epoch seconds. Its own books (payments, ledger, idempotency keys) live in a store of its own.
 */
import type { Payment, PaymentStatus } from "../payments/types.ts";
import { toDecimal } from "./schemas.ts";

export type ChargeState =
  "HELD" | "REFUSED" | "RELEASED" | "SETTLED" | "PARTIALLY_RETURNED" | "RETURNED";

const STATE: Record<PaymentStatus, ChargeState> = {
  authorized: "HELD",
  declined: "REFUSED",
  voided: "RELEASED",
  captured: "SETTLED",
  partially_refunded: "PARTIALLY_RETURNED",
  refunded: "RETURNED",
};

export interface Charge {
  charge_id: string;
  reference: string;
  state: ChargeState;
  amount: { value: string; currency: string };
  settled_amount: string;
  returned_amount: string;
  refusal: { reason: string } | null;
  card: { network: string; last_four: string };
  created: number;
}

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

export function toCharge(p: Payment): Charge {
  return {
    charge_id: p.id,
    reference: p.orderId,
    state: STATE[p.status],
    amount: { value: toDecimal(p.amountCents), currency: p.currency },
    settled_amount: toDecimal(p.capturedCents),
    returned_amount: toDecimal(p.refundedCents),
    refusal: p.declineCode ? { reason: p.declineCode.toUpperCase() } : null,
    card: { network: p.card.brand.toUpperCase(), last_four: p.card.last4 },
    created: seconds(p.createdAt),
  };
}
