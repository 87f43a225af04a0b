/**
 * The two participants' local work in the payout two-phase commit, each on its own dedicated
 * session (see @agora/db beginParticipant); the coordinator (settle-payout.ts) prepares and decides.
 *
 * Core:  lock the vendor's payable account, re-check the balance, post debit vendor-payable /
 *        credit payouts-clearing, and write the PayoutCompleted outbox row — all in one transaction.
 * Shard: under the vendor's tenant scope (row-level security), insert its vendor_payouts record.
 */
import {
  PAYOUT_COMPLETED,
  PAYOUT_TOPIC,
  payoutCompletedSchema,
  setTenant,
  withTenant,
  type ParticipantSession,
  type ScopeTx,
} from "@agora/db";
import {
  PAYABLE_BALANCE_SQL,
  PAYOUTS_CLEARING_CODE,
  toBalances,
  vendorPayableCode,
} from "@agora/api/payouts";
import { traceHeaders } from "@agora/telemetry";

export interface PayoutRecord {
  id: string;
  vendorId: string;
  amountCents: number;
  currency: string;
  periodEnd: Date;
  ledgerTransactionId: string;
}

/** The vendor's payable changed under us (a refund): less is owed than the payout would move. */
export class PayableBalanceChangedError extends Error {
  readonly code = "PAYABLE_BALANCE_CHANGED";
  constructor(payoutId: string, wanted: number, available: number) {
    super(`payout ${payoutId}: ${wanted} cents requested but only ${available} payable`);
    this.name = "PayableBalanceChangedError";
  }
}

export async function postCoreLeg(s: ParticipantSession, p: PayoutRecord): Promise<void> {
  // FOR NO KEY UPDATE on the vendor's own payable account serialises that vendor's payouts, yet
  // blocks neither captures (their ledger rows take only FOR KEY SHARE on it) nor other vendors'
  // payouts while this one is in doubt. The shared clearing account is never locked.
  const payable = (
    await s.query<{ id: string }>(
      "SELECT id FROM ledger_accounts WHERE code = $1 FOR NO KEY UPDATE",
      [vendorPayableCode(p.vendorId)],
    )
  ).rows[0]?.id;
  const clearing = (
    await s.query<{ id: string }>("SELECT id FROM ledger_accounts WHERE code = $1", [
      PAYOUTS_CLEARING_CODE,
    ])
  ).rows[0]?.id;
  if (!clearing)
    throw new Error(`ledger account ${PAYOUTS_CLEARING_CODE} missing (core migration 0012)`);
  if (!payable) throw new PayableBalanceChangedError(p.id, p.amountCents, 0);
  const rows = await s.query<{ currency: string; balance: string }>(PAYABLE_BALANCE_SQL, [
    vendorPayableCode(p.vendorId),
  ]);
  const balances = toBalances(rows.rows);
  const available = balances.find((b) => b.currency === p.currency)?.balanceCents ?? 0;
  if (available < p.amountCents)
    throw new PayableBalanceChangedError(p.id, p.amountCents, available);
  const memo = `payout ${p.id}`;
  await s.query(
    `INSERT INTO ledger_entries (transaction_id, account_id, direction, amount_cents, currency, memo)
     VALUES ($1, $2, 'debit', $4, $5, $6), ($1, $3, 'credit', $4, $5, $6)`,
    [p.ledgerTransactionId, payable, clearing, p.amountCents, p.currency, memo],
  );
  const event = payoutCompletedSchema.parse({
    payoutId: p.id,
    vendorId: p.vendorId,
    amountCents: p.amountCents,
    currency: p.currency,
    periodEnd: p.periodEnd.toISOString(),
  });
  await s.query(
    `INSERT INTO outbox (aggregate_type, aggregate_id, event_type, payload, headers)
     VALUES ($1, $2, $3, $4::jsonb, $5::jsonb)`,
    [PAYOUT_TOPIC, p.id, PAYOUT_COMPLETED, JSON.stringify(event), JSON.stringify(traceHeaders())],
  );
}

export async function postShardLeg(s: ParticipantSession, p: PayoutRecord): Promise<void> {
  // The same tenant scope every shard write uses, set on this participant's own session.
  const scope: ScopeTx = {
    $queryRawUnsafe: async <T>(sql: string, ...values: unknown[]) =>
      (await s.query(sql, values)).rows as T,
  };
  await setTenant(scope, p.vendorId);
  await s.query(
    `INSERT INTO vendor_payouts (id, vendor_id, amount_cents, currency, period_end)
     VALUES ($1, $2, $3, $4, $5)`,
    [p.id, p.vendorId, p.amountCents, p.currency, p.periodEnd],
  );
}

/**
 * Redo of the shard leg from the coordinator log, for a payout decided `committed` whose shard
 * prepared transaction is gone without having committed: shards replicate asynchronously, so a
 * shard failover can lose a PREPARE its old primary acknowledged. Idempotent (same id).
 */
export async function ensureShardRecord(
  p: Omit<PayoutRecord, "ledgerTransactionId">,
): Promise<boolean> {
  const inserted = await withTenant(p.vendorId, (tx) =>
    tx.vendorPayout.createMany({
      data: [
        {
          id: p.id,
          vendorId: p.vendorId,
          amountCents: p.amountCents,
          currency: p.currency,
          periodEnd: p.periodEnd,
        },
      ],
      skipDuplicates: true,
    }),
  );
  return inserted.count === 1;
}
