/**
 * The payout contract shared by the vendor portal (packages/api) and the `maintenance` worker that
 * settles payouts (apps/workers/src/payouts): queue and job names, job data, the ledger accounts a
 * payout moves money between, and what a settlement period is. Only zod here, so the worker can
 * import it without the tRPC stack (`@agora/api/payouts`).
 */
import { z } from "zod";

/** Settlement runs in the `maintenance` pool (its own process: a bulkhead away from checkout). */
export const PAYOUTS_QUEUE = "maintenance";
/** Settles one vendor now (the portal's "request payout", or one vendor of a scheduled run). */
export const SETTLE_VENDOR_JOB = "payout-settle-vendor";
/** The scheduled run: every vendor with a positive payable balance. */
export const SETTLE_ALL_JOB = "payout-settle-all";
/** The scheduled scan for in-doubt prepared transactions. */
export const RECOVER_PAYOUTS_JOB = "payout-recover";

export const settleVendorJobSchema = z.object({ vendorId: z.uuid() });
export type SettleVendorJob = z.infer<typeof settleVendorJobSchema>;

/** The vendor's liability account, credited at every capture (apps/workers/src/sagas/checkout/ledger.ts). */
export function vendorPayableCode(vendorId: string): string {
  return `vendor-payable:${vendorId}`;
}
/** Money on its way to vendors' bank accounts: credited by every payout (migrations/core/0012). */
export const PAYOUTS_CLEARING_CODE = "payouts-clearing";

/**
 * A vendor's payable balance per currency (credits − debits of its payable account); $1 = the
 * account code. Used by the portal (read) and by the core participant (under the account's lock).
 */
export const PAYABLE_BALANCE_SQL = `
  SELECT e.currency, COALESCE(sum(CASE e.direction WHEN 'credit' THEN e.amount_cents
                                                    ELSE -e.amount_cents END), 0)::bigint AS balance
  FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
  WHERE a.code = $1
  GROUP BY e.currency ORDER BY e.currency`;

export interface PayableBalance {
  currency: string;
  balanceCents: number;
}

/** Rows of PAYABLE_BALANCE_SQL (pg returns bigint as a string, Prisma as a bigint). */
export function toBalances(
  rows: { currency: string; balance: bigint | number | string }[],
): PayableBalance[] {
  return rows.map((r) => ({ currency: r.currency, balanceCents: Number(r.balance) }));
}

/**
 * Periods are fixed windows of `periodMs` counted from the Unix epoch (a day by default, i.e. UTC
 * days); a payout closes the period it runs in, identified by the period's end. One payout per
 * vendor, currency and period: asking again within the same period pays nothing more.
 */
export function payoutPeriodEnd(now: Date, periodMs: number): Date {
  return new Date((Math.floor(now.getTime() / periodMs) + 1) * periodMs);
}

export const DAY_MS = 86_400_000;
