/**
 * The invariants of ARCHITECTURE §7 that can be read from the databases, checked after a drill or
 * a chaos action: no oversell, no double charge, no lost order, a balanced ledger, and payouts that
 * are atomic across core and the vendor's shard (nothing left in doubt). (Split brain and replica
 * convergence come from the drill itself, which watched them happen.)
 */
import { core, listPreparedTransactions, shardNames, withPlatformScope } from "@agora/db";
import { TERMINAL_STATUSES } from "@agora/orders";

export interface InvariantResult {
  name: string;
  ok: boolean;
  detail: string;
}

/** Orders younger than this may still be on their way to a terminal state. */
const IN_FLIGHT_GRACE_MS = 120_000;
/** A payout's participants may stay prepared this long while recovery has not run yet. */
const PAYOUT_GRACE_MS = 120_000;

/**
 * Two-phase commit, checked from both sides: no `payout:` transaction prepared for longer than the
 * grace period on any cluster, every payout the coordinator log committed has the vendor's shard
 * record, and no shard holds a record the log did not commit.
 */
async function payoutAtomicity(): Promise<InvariantResult> {
  const db = core().primary;
  const before = new Date(Date.now() - PAYOUT_GRACE_MS);
  const prepared = (
    await Promise.all(
      [core().name, ...shardNames()].map((c) => listPreparedTransactions(c, "payout:")),
    )
  )
    .flat()
    .filter((p) => p.preparedAt < before);
  const committed = await db.$queryRaw<{ id: string; shard: string; settled: boolean }[]>`
    SELECT id::text, shard, decided_at < ${before} AS settled FROM payouts WHERE state = 'committed'`;
  const problems: string[] = prepared.map((p) => `${p.cluster}: ${p.gid} in doubt`);
  for (const name of shardNames()) {
    const rows = await withPlatformScope(
      name,
      (tx) => tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM vendor_payouts`,
    );
    const onShard = new Set(rows.map((r) => r.id));
    const decided = new Set(committed.filter((c) => c.shard === name).map((c) => c.id));
    for (const c of committed)
      if (c.shard === name && c.settled && !onShard.has(c.id))
        problems.push(`${name}: committed payout ${c.id} has no shard record`);
    for (const id of onShard)
      if (!decided.has(id)) problems.push(`${name}: payout ${id} recorded but not committed`);
  }
  return {
    name: "payouts atomic",
    ok: problems.length === 0,
    detail: problems.length
      ? problems.slice(0, 5).join("; ")
      : `${committed.length} committed payouts on both sides, none in doubt`,
  };
}

export interface InvariantOptions {
  /**
   * Judge only orders placed from this time on for "no lost order" (a soak answers for its own
   * orders, not for what other work left in a shared database); every order when absent.
   */
  ordersSince?: Date;
}

export async function checkInvariants(opts: InvariantOptions = {}): Promise<InvariantResult[]> {
  const db = core().primary;
  const oversold = await Promise.all(
    shardNames().map(async (name) => {
      // A platform-wide check: the RLS scope for platform jobs sees every tenant's rows.
      const rows = await withPlatformScope(
        name,
        (tx) => tx.$queryRaw<{ n: bigint }[]>`
        SELECT count(*) AS n FROM stock_levels WHERE on_hand < 0 OR reserved < 0 OR reserved > on_hand`,
      );
      return { name, n: Number(rows[0]?.n ?? 0) };
    }),
  );
  const bad = oversold.filter((s) => s.n > 0);
  const [ledger] = await db.$queryRaw<{ imbalance: bigint }[]>`
    SELECT COALESCE(sum(CASE direction WHEN 'debit' THEN amount_cents ELSE -amount_cents END), 0) AS imbalance
    FROM ledger_entries`;
  const doubles = await db.$queryRaw<{ order_id: string }[]>`
    SELECT order_id FROM payments WHERE status = 'captured' GROUP BY order_id HAVING count(*) > 1 LIMIT 5`;
  const stuck = await db.order.count({
    where: {
      status: { notIn: [...TERMINAL_STATUSES] },
      createdAt: {
        lt: new Date(Date.now() - IN_FLIGHT_GRACE_MS),
        ...(opts.ordersSince ? { gte: opts.ordersSince } : {}),
      },
    },
  });
  const imbalance = Number(ledger?.imbalance ?? 0);
  const payouts = await payoutAtomicity();
  return [
    {
      name: "no oversell",
      ok: bad.length === 0,
      detail: bad.length
        ? bad.map((s) => `${s.name}: ${s.n} stock rows out of bounds`).join("; ")
        : `stock within 0 ≤ reserved ≤ on-hand on ${shardNames().length} shards`,
    },
    {
      name: "no double charge",
      ok: doubles.length === 0,
      detail: doubles.length
        ? `orders captured twice: ${doubles.map((d) => d.order_id).join(", ")}`
        : "at most one capture per order",
    },
    {
      name: "no lost order",
      ok: stuck === 0,
      detail: stuck
        ? `${stuck} orders older than ${IN_FLIGHT_GRACE_MS / 1000} s not in a terminal state`
        : "every order older than 2 min is in a terminal state",
    },
    {
      name: "ledger balanced",
      ok: imbalance === 0,
      detail: `sum of debits − credits = ${imbalance} cents`,
    },
    payouts,
  ];
}
