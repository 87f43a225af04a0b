/**
 * The personal-data key job (seal plaintext addresses, rewrap data keys, retire old `pii`
 * versions): a job of the maintenance pool's queue, started from the console's Keys page.
 */
import { PAYOUTS_QUEUE } from "../../vendor/payouts/payout-contract.ts";

export const PERSONAL_DATA_KEYS_JOB = "personal-data-keys";
/** The maintenance pool's queue (named for its first job, payouts). */
export const MAINTENANCE_QUEUE = PAYOUTS_QUEUE;

/** What the job reports with `job.updateProgress`. */
export interface KeyJobProgressReport {
  percent: number;
  phase: "seal" | "rewrap";
  table: string;
  done: number;
  total: number;
}
