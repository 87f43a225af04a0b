/**
 * Payout settlement: a two-phase commit coordinated by Agora across the core ledger and the
 * vendor's shard (docs/adr/0005-payout-two-phase-commit.md).
 *
 *   1. coordinator log: insert `payouts` (state preparing) — one per vendor, currency and period
 *   2. core participant: ledger posting + PayoutCompleted outbox row, PREPARE 'payout:<id>:core'
 *   3. shard participant: vendor_payouts row,                        PREPARE 'payout:<id>:shard'
 *   4. decision: payouts.state → committed (its own committed transaction; a compare-and-set, so
 *      recovery that aborted a stale payout in the meantime wins and this run aborts instead)
 *   5. COMMIT PREPARED on both; completed_at
 *
 * Any failure before the decision rolls both back (presumed abort: no committed decision = abort).
 * A crash anywhere leaves prepared transactions that recover-payouts.ts resolves from the log.
 */
import { randomUUID } from "node:crypto";
import {
  beginParticipant,
  commitPrepared,
  core,
  rollbackPrepared,
  shardFor,
  type ParticipantSession,
} from "@agora/db";
import {
  PAYABLE_BALANCE_SQL,
  payoutPeriodEnd,
  toBalances,
  vendorPayableCode,
} from "@agora/api/payouts";
import { createLogger } from "@agora/telemetry";
import { ensureShardRecord, postCoreLeg, postShardLeg, type PayoutRecord } from "./participants.ts";
import { payoutOutcomes } from "./payout-metrics.ts";

const log = createLogger({ service: "workers-payouts" });

/** Where a settlement can be made to fail (tests and drills): right after that step succeeded. */
export const PAYOUT_FAULT_POINTS = [
  "after-core-prepare",
  "after-shard-prepare",
  "after-decision",
] as const;
export type PayoutFaultPoint = (typeof PAYOUT_FAULT_POINTS)[number];

export interface SettleOptions {
  periodMs: number;
  now?: () => Date;
  /** Called after each step; throwing (or killing the process) there simulates a failure. */
  fault?: (point: PayoutFaultPoint, payoutId: string) => Promise<void> | void;
}

export interface PayoutResult {
  payoutId: string;
  currency: string;
  amountCents: number;
  /** committed: paid now · existing: this period was already paid (or is being paid) · aborted */
  outcome: "committed" | "existing" | "aborted";
  state: string;
}

export const gidOf = (payoutId: string) => `payout:${payoutId}`;
export const coreGid = (payoutId: string) => `${gidOf(payoutId)}:core`;
export const shardGid = (payoutId: string) => `${gidOf(payoutId)}:shard`;

/** Settles every currency in which the vendor is owed money; nothing when nothing is owed. */
export async function settleVendor(vendorId: string, opts: SettleOptions): Promise<PayoutResult[]> {
  const rows = await core().primary.$queryRawUnsafe<{ currency: string; balance: bigint }[]>(
    PAYABLE_BALANCE_SQL,
    vendorPayableCode(vendorId),
  );
  const periodEnd = payoutPeriodEnd((opts.now ?? (() => new Date()))(), opts.periodMs);
  const results: PayoutResult[] = [];
  for (const b of toBalances(rows).filter((x) => x.balanceCents > 0)) {
    results.push(await settleOne(vendorId, b.currency, b.balanceCents, periodEnd, opts));
  }
  if (results.length === 0) payoutOutcomes.inc({ outcome: "skipped" });
  return results;
}

/** Vendors owed money in some currency (the scheduled run settles each). */
export async function vendorsWithPayable(): Promise<string[]> {
  const rows = await core().primary.$queryRaw<{ vendor_id: string }[]>`
    SELECT a.vendor_id FROM ledger_accounts a JOIN ledger_entries e ON e.account_id = a.id
    WHERE a.code LIKE 'vendor-payable:%' AND a.vendor_id IS NOT NULL
    GROUP BY a.vendor_id, e.currency
    HAVING sum(CASE e.direction WHEN 'credit' THEN e.amount_cents ELSE -e.amount_cents END) > 0`;
  return [...new Set(rows.map((r) => r.vendor_id))];
}

async function settleOne(
  vendorId: string,
  currency: string,
  amountCents: number,
  periodEnd: Date,
  opts: SettleOptions,
): Promise<PayoutResult> {
  const shardName = await shardFor(vendorId);
  const p: PayoutRecord = {
    id: randomUUID(),
    vendorId,
    amountCents,
    currency,
    periodEnd,
    ledgerTransactionId: randomUUID(),
  };
  const db = core().primary;
  const inserted = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO payouts (id, vendor_id, amount_cents, currency, period_end, shard, gid, ledger_transaction_id)
    VALUES (${p.id}::uuid, ${vendorId}::uuid, ${amountCents}, ${currency}, ${periodEnd}, ${shardName},
            ${gidOf(p.id)}, ${p.ledgerTransactionId}::uuid)
    ON CONFLICT (vendor_id, currency, period_end) WHERE state <> 'aborted' DO NOTHING
    RETURNING id`;
  if (inserted.length === 0) {
    const existing = await db.payout.findFirstOrThrow({
      where: { vendorId, currency, periodEnd, state: { not: "aborted" } },
    });
    payoutOutcomes.inc({ outcome: "existing" });
    return {
      payoutId: existing.id,
      currency,
      amountCents: existing.amountCents,
      outcome: "existing",
      state: existing.state,
    };
  }
  const fault = async (point: PayoutFaultPoint) => opts.fault?.(point, p.id);

  // Phase 1: both participants prepare.
  const sessions: ParticipantSession[] = [];
  const prepared: { cluster: string; gid: string }[] = [];
  try {
    const c = await beginParticipant(core().name, "payout");
    sessions.push(c);
    await postCoreLeg(c, p);
    await c.prepare(coreGid(p.id));
    prepared.push({ cluster: c.cluster, gid: coreGid(p.id) });
    await fault("after-core-prepare");
    const s = await beginParticipant(shardName, "payout");
    sessions.push(s);
    await postShardLeg(s, p);
    await s.prepare(shardGid(p.id));
    prepared.push({ cluster: s.cluster, gid: shardGid(p.id) });
    await fault("after-shard-prepare");
  } catch (err) {
    try {
      await abort(p.id, prepared, err);
    } catch (abortErr) {
      // The decision stays "not committed", so recovery rolls these back after its grace period.
      log.error({ payoutId: p.id, err: (abortErr as Error).message }, "payout abort incomplete");
    }
    throw err;
  } finally {
    await Promise.all(sessions.map((s) => s.close()));
  }
  await db.payout.updateMany({
    where: { id: p.id, state: "preparing" },
    data: { state: "prepared" },
  });

  // Phase 2: the decision is the coordinator row; from here on the outcome is commit.
  const decided = await db.payout.updateMany({
    where: { id: p.id, state: { in: ["preparing", "prepared"] } },
    data: { state: "committed", decidedAt: new Date() },
  });
  if (decided.count === 0) {
    // Recovery judged this payout stale and aborted it first; follow that decision.
    await abort(p.id, prepared, new Error("aborted by recovery before the decision"));
    return { payoutId: p.id, currency, amountCents, outcome: "aborted", state: "aborted" };
  }
  await fault("after-decision");
  await commitPrepared(core().name, coreGid(p.id));
  if (!(await commitPrepared(shardName, shardGid(p.id)))) {
    // Not there: committed by a concurrent recovery, or lost in a shard failover (asynchronous
    // replication); redo the record from the log in the second case.
    if (await ensureShardRecord(p))
      log.warn({ payoutId: p.id }, "shard record redone from the log");
  }
  await db.payout.update({ where: { id: p.id }, data: { completedAt: new Date() } });
  payoutOutcomes.inc({ outcome: "committed" });
  log.info({ payoutId: p.id, vendorId, amountCents, currency }, "payout committed");
  return { payoutId: p.id, currency, amountCents, outcome: "committed", state: "committed" };
}

/**
 * Presumed abort: record the decision (unless recovery already did), then roll back what was
 * prepared. A rollback that fails here is left to recovery, which sees the aborted row.
 */
async function abort(
  payoutId: string,
  prepared: { cluster: string; gid: string }[],
  cause: unknown,
): Promise<void> {
  const reason = cause instanceof Error ? cause.message : String(cause);
  await core().primary.payout.updateMany({
    where: { id: payoutId, state: { in: ["preparing", "prepared"] } },
    data: { state: "aborted", decidedAt: new Date(), failure: reason.slice(0, 500) },
  });
  for (const x of prepared) await rollbackPrepared(x.cluster, x.gid);
  payoutOutcomes.inc({ outcome: "aborted" });
  log.warn({ payoutId, reason }, "payout aborted");
}
