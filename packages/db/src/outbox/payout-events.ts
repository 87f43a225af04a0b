/**
 * The payout event on the core outbox, written by the core participant of the payout two-phase
 * commit (apps/workers/src/payouts), so it becomes visible exactly when the ledger posting commits.
 * Contract: topic (aggregate_type) `payout`, aggregate_id = payoutId, event_type `PayoutCompleted`.
 */
import { z } from "zod";

export const PAYOUT_TOPIC = "payout";
export const PAYOUT_COMPLETED = "PayoutCompleted";

export const payoutCompletedSchema = z.object({
  payoutId: z.uuid(),
  vendorId: z.uuid(),
  amountCents: z.number().int().positive(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  /** ISO timestamp: the end of the settlement period this payout closes. */
  periodEnd: z.iso.datetime({ offset: true }),
});
export type PayoutCompleted = z.infer<typeof payoutCompletedSchema>;
