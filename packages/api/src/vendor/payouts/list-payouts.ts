/**
 * The owner's payouts page: what Agora owes the shop now (the payable balance in the core ledger)
 * and the payout history from the coordinator log, newest first.
 */
import { core } from "@agora/db";
import {
  PAYABLE_BALANCE_SQL,
  toBalances,
  vendorPayableCode,
  type PayableBalance,
} from "./payout-contract.ts";

export interface PayoutView {
  id: string;
  amountCents: number;
  currency: string;
  periodEnd: Date;
  /** preparing | prepared | committed | aborted */
  state: string;
  /** Both sides (ledger and the shop's own record) are final. */
  completed: boolean;
  createdAt: Date;
  decidedAt: Date | null;
  failure: string | null;
}

export interface PayoutsPage {
  balances: PayableBalance[];
  payouts: PayoutView[];
}

export async function listPayouts(vendorId: string): Promise<PayoutsPage> {
  const db = core().primary;
  const [rows, payouts] = await Promise.all([
    db.$queryRawUnsafe<{ currency: string; balance: bigint }[]>(
      PAYABLE_BALANCE_SQL,
      vendorPayableCode(vendorId),
    ),
    db.payout.findMany({
      where: { vendorId },
      orderBy: { createdAt: "desc" },
      take: 100,
    }),
  ]);
  return {
    balances: toBalances(rows),
    payouts: payouts.map((p) => ({
      id: p.id,
      amountCents: p.amountCents,
      currency: p.currency,
      periodEnd: p.periodEnd,
      state: p.state,
      completed: p.completedAt !== null,
      createdAt: p.createdAt,
      decidedAt: p.decidedAt,
      failure: p.failure,
    })),
  };
}
