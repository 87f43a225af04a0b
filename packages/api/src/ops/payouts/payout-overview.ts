/**
 * The console's payouts view: prepared `payout:*` transactions still in doubt on every cluster
 * (with what the coordinator log decided for each) and the most recent payouts. An in-doubt
 * transaction holds its locks until recovery resolves it, so a long-lived one is an incident.
 */
import { core, listPreparedTransactions, shardNames } from "@agora/db";

export interface InDoubtView {
  cluster: string;
  gid: string;
  payoutId: string | null;
  preparedAt: Date;
  ageSeconds: number;
  /** The coordinator log's state for the payout, or null when it has no row (presumed abort). */
  decision: string | null;
}

export interface RecentPayoutView {
  id: string;
  vendorId: string;
  shard: string;
  amountCents: number;
  currency: string;
  state: string;
  completed: boolean;
  createdAt: Date;
  failure: string | null;
}

const PAYOUT_ID = /^payout:([0-9a-f-]{36}):/;

export async function payoutOverview(): Promise<{
  inDoubt: InDoubtView[];
  recent: RecentPayoutView[];
}> {
  const db = core().primary;
  const clusters = [core().name, ...shardNames()];
  const prepared = (
    await Promise.all(clusters.map((c) => listPreparedTransactions(c, "payout:")))
  ).flat();
  const ids = prepared.map((x) => PAYOUT_ID.exec(x.gid)?.[1]).filter((id) => id !== undefined);
  const [rows, recent] = await Promise.all([
    db.payout.findMany({ where: { id: { in: ids } }, select: { id: true, state: true } }),
    db.payout.findMany({ orderBy: { createdAt: "desc" }, take: 50 }),
  ]);
  const stateOf = new Map(rows.map((r) => [r.id, r.state]));
  const now = Date.now();
  return {
    inDoubt: prepared.map((x) => {
      const payoutId = PAYOUT_ID.exec(x.gid)?.[1] ?? null;
      return {
        cluster: x.cluster,
        gid: x.gid,
        payoutId,
        preparedAt: x.preparedAt,
        ageSeconds: Math.max(0, Math.round((now - x.preparedAt.getTime()) / 1000)),
        decision: payoutId ? (stateOf.get(payoutId) ?? null) : null,
      };
    }),
    recent: recent.map((p) => ({
      id: p.id,
      vendorId: p.vendorId,
      shard: p.shard,
      amountCents: p.amountCents,
      currency: p.currency,
      state: p.state,
      completed: p.completedAt !== null,
      createdAt: p.createdAt,
      failure: p.failure,
    })),
  };
}
