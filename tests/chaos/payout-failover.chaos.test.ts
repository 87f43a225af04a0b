/**
 * Prepared transactions survive a Postgres failover: a payout left in doubt (decided, both
 * participants prepared) is still listed in pg_prepared_xacts by the NEW primaries of core and of
 * the vendor's shard after both old primaries are SIGKILLed, and recovery then commits it there.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import {
  closeAll,
  core,
  createVendor,
  DatabaseUnavailableError,
  listPreparedTransactions,
  withTenant,
  type CoreTx,
} from "@agora/db";
import { DAY_MS } from "@agora/api/payouts";
import { killPgMember, startPgMember, waitClusterReady } from "@agora/infra-local/processes";
import { memberIsPrimary, patroniCluster } from "@agora/infra-local/probes";
import { cluster, memberUrl, topology, type PgMember } from "@agora/infra-local/topology";
import {
  captureLegs,
  postLedgerTransaction,
} from "../../apps/workers/src/sagas/checkout/ledger.ts";
import { recoverPayouts } from "../../apps/workers/src/payouts/recover-payouts.ts";
import { settleVendor } from "../../apps/workers/src/payouts/settle-payout.ts";

const t = topology("test");

async function query<R extends pg.QueryResultRow>(m: PgMember, sql: string): Promise<R[]> {
  const c = new pg.Client({
    connectionString: memberUrl(t, m, t.postgres.database),
    connectionTimeoutMillis: 3000,
  });
  await c.connect();
  try {
    return (await c.query<R>(sql)).rows;
  } finally {
    await c.end();
  }
}

/** Waits until every streaming replica of the cluster replayed the primary's current WAL. */
async function replicasCaughtUp(clusterName: string, primary: PgMember): Promise<void> {
  const [{ lsn } = { lsn: "" }] = await query<{ lsn: string }>(
    primary,
    "SELECT pg_current_wal_lsn()::text AS lsn",
  );
  const replicas = cluster(t, clusterName).nodes.filter((n) => n.name !== primary.name);
  for (const r of replicas) {
    for (let i = 0; ; i++) {
      const [row] = await query<{ ok: boolean }>(
        r,
        `SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn AS ok`,
      );
      if (row?.ok) break;
      if (i > 100) throw new Error(`${r.name} did not replay ${lsn}`);
      await sleep(100);
    }
  }
}

async function leaderOf(clusterName: string): Promise<PgMember> {
  const c = cluster(t, clusterName);
  await waitClusterReady(t, c, 90_000);
  const name = (await patroniCluster(c))?.leader;
  const m = c.nodes.find((n) => n.name === name);
  if (!m) throw new Error(`${clusterName} has no leader`);
  return m;
}

/** The member another than `old` that Patroni promoted (a 2-member shard has no replica left). */
async function promotedAfter(clusterName: string, old: PgMember): Promise<PgMember> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    for (const n of cluster(t, clusterName).nodes)
      if (n.name !== old.name && (await memberIsPrimary(n))) return n;
    await sleep(500);
  }
  throw new Error(`${clusterName}: no member promoted within 90 s after ${old.name} was killed`);
}

/** Runs `check` again while a cluster is unavailable (routing settling after a failover), ≤ 30 s. */
async function whileSettling(check: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (!(err instanceof DatabaseUnavailableError) || Date.now() > deadline) throw err;
      console.log(`[payout-failover] routing still settling (${err.message}); checking again`);
      await sleep(1000);
    }
  }
}

afterAll(async () => {
  await closeAll();
});

describe("payout two-phase commit across a failover of both participants", () => {
  it("keeps the in-doubt prepared transactions on the new primaries and recovery commits them there", async () => {
    const run = randomUUID().slice(0, 8);
    const vendor = await createVendor({
      slug: `payout-failover-${run}`,
      name: `Payout failover ${run}`,
    });
    const legs = captureLegs([
      { vendorId: vendor.id, productId: randomUUID(), quantity: 1, unitPriceCents: 8_000 },
    ]);
    await core().primary.$transaction((tx) =>
      postLedgerTransaction(tx as CoreTx, randomUUID(), "EUR", legs, "failover test"),
    );
    const owed = legs.find((l) => l.vendorId === vendor.id)?.amountCents ?? 0;

    let payoutId = "";
    await expect(
      settleVendor(vendor.id, {
        periodMs: DAY_MS,
        fault: (point, id) => {
          payoutId = id;
          if (point === "after-decision") throw new Error("coordinator lost after the decision");
        },
      }),
    ).rejects.toThrow("coordinator lost");
    const gids = [`payout:${payoutId}:core`, `payout:${payoutId}:shard`];

    const oldCore = await leaderOf("core");
    const oldShard = await leaderOf(vendor.shard);
    await replicasCaughtUp("core", oldCore);
    await replicasCaughtUp(vendor.shard, oldShard);
    killPgMember(t, oldCore);
    killPgMember(t, oldShard);
    try {
      const newCore = await promotedAfter("core", oldCore);
      const newShard = await promotedAfter(vendor.shard, oldShard);
      // Read on the new primaries themselves, not through HAProxy.
      const onNewCore = await query<{ gid: string }>(newCore, "SELECT gid FROM pg_prepared_xacts");
      const onNewShard = await query<{ gid: string }>(
        newShard,
        "SELECT gid FROM pg_prepared_xacts",
      );
      expect(onNewCore.map((r) => r.gid)).toContain(gids[0]);
      expect(onNewShard.map((r) => r.gid)).toContain(gids[1]);

      // Recovery reaches the new primaries through HAProxy; while routing settles a cluster may be
      // unreachable (recovery skips it and says so), so run it until both sides were resolved.
      let resolved = 0;
      for (let i = 0; resolved < 2; i++) {
        if (i >= 60)
          throw new Error(`recovery resolved ${resolved}/2 in-doubt transactions in 60 runs`);
        try {
          resolved += (await recoverPayouts({ graceMs: 0 })).committed;
        } catch (err) {
          if (!(err instanceof DatabaseUnavailableError)) throw err;
        }
        if (resolved < 2) await sleep(1000);
      }
      // The checks go through HAProxy as well: routing can still flap for a moment after the
      // promotions (a fresh session is then cut with "Connection terminated"), so they are retried
      // while a cluster is unavailable, for at most 30 s; any other failure counts at once.
      await whileSettling(async () => {
        const leftover = [
          ...(await listPreparedTransactions("core", `payout:${payoutId}`)),
          ...(await listPreparedTransactions(vendor.shard, `payout:${payoutId}`)),
        ];
        expect(leftover).toEqual([]);
        const entries = await core().primary.ledgerEntry.findMany({
          where: { memo: `payout ${payoutId}` },
        });
        expect(entries.map((e) => e.amountCents)).toEqual([owed, owed]);
        const shardRows = await withTenant(vendor.id, (tx) =>
          tx.vendorPayout.findMany({ where: { id: payoutId } }),
        );
        expect(shardRows.map((r) => r.amountCents)).toEqual([owed]);
      });
    } finally {
      startPgMember(t, oldCore);
      startPgMember(t, oldShard);
      await waitClusterReady(t, cluster(t, "core"), 90_000);
      await waitClusterReady(t, cluster(t, vendor.shard), 90_000);
    }
  });
});
