/**
 * Read consistency against real streaming replicas: replay is paused on every replica of one
 * shard (pg_wal_replay_pause) so the replicas are provably behind, then resumed in `finally`.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { patroniRest } from "@agora/infra-local/probes";
import { memberUrl, topology } from "@agora/infra-local/topology";
import {
  closeAll,
  setPlatformScope,
  shard,
  shardNames,
  withPlatformScope,
  type ReadResult,
  type ShardTx,
} from "../index.ts";

const t = topology();
const clusterName = shardNames()[0]!;
const db = shard(clusterName);

afterAll(async () => {
  await closeAll();
});

/** Superuser connections straight to each replica member of the cluster (tests only). */
async function replicaMembers(): Promise<pg.Client[]> {
  const c = t.clusters.find((x) => x.name === clusterName)!;
  const replicas: pg.Client[] = [];
  for (const m of c.nodes) {
    const client = new pg.Client({
      connectionString: memberUrl(t, m, t.postgres.database),
      connectionTimeoutMillis: 3000,
    });
    await client.connect();
    const r = await client.query<{ r: boolean }>("SELECT pg_is_in_recovery() AS r");
    if (r.rows[0]?.r) replicas.push(client);
    else await client.end();
  }
  if (replicas.length === 0) throw new Error(`cluster ${clusterName} has no replica to test with`);
  return replicas;
}

/**
 * Patroni resumes a paused WAL replay on its next HA loop (~loop_wait), so the cluster goes into
 * Patroni maintenance mode first (PATCH /config {"pause": true}) and waits until every member
 * reports it; both are undone in `finally`.
 */
async function setPatroniPause(pause: boolean): Promise<void> {
  const c = t.clusters.find((x) => x.name === clusterName)!;
  const res = await patroniRest(c.nodes[0]!, "/config", { patch: { pause } });
  if (res.status !== 200) throw new Error(`Patroni PATCH /config pause=${pause}: HTTP ${res.status}`);
  const deadline = Date.now() + 10_000;
  for (const m of c.nodes) {
    for (;;) {
      const s = JSON.parse((await patroniRest(m, "/patroni")).body) as { pause?: boolean };
      if (Boolean(s.pause) === pause) break;
      if (Date.now() > deadline)
        throw new Error(`${m.name} did not report pause=${pause} within 10 s`);
      await sleep(200);
    }
  }
}

async function withReplayPaused<T>(fn: () => Promise<T>): Promise<T> {
  await setPatroniPause(true);
  const replicas = await replicaMembers();
  try {
    for (const r of replicas) await r.query("SELECT pg_wal_replay_pause()");
    return await fn();
  } finally {
    for (const r of replicas) {
      await r.query("SELECT pg_wal_replay_resume()");
      await r.end();
    }
    await setPatroniPause(false);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The markers belong to no tenant: written and counted in the platform scope (row-level security).
async function writeMarker(consumer: string): Promise<void> {
  await withPlatformScope(clusterName, (tx) =>
    tx.processedMessage.create({ data: { consumer, messageId: randomUUID(), vendorId: randomUUID() } }),
  );
}
const countMarkers = (consumer: string) => async (tx: ShardTx) => {
  await setPlatformScope(tx);
  return tx.processedMessage.count({ where: { consumer } });
};

/** Polls until a read is served by a replica (replay caught up) or the deadline passes. */
async function untilReplica<T>(
  read: () => Promise<ReadResult<T>>,
  ms = 10_000,
): Promise<ReadResult<T>> {
  const deadline = Date.now() + ms;
  let last = await read();
  while (last.servedBy !== "replica" && Date.now() < deadline) {
    await sleep(100);
    last = await read();
  }
  return last;
}

describe(`read consistency on ${clusterName}`, () => {
  it("bounded read falls back to the primary while the replicas' replay is paused behind a write", async () => {
    const consumer = `bounded-${randomUUID()}`;
    await withReplayPaused(async () => {
      await writeMarker(consumer);
      await sleep(700); // the replicas' last replayed commit is now older than the bound
      const stale = await db.read({ level: "eventual" }, countMarkers(consumer));
      expect(stale.value).toBe(0); // the replica really is behind
      const r = await db.read({ level: "bounded", maxLagMs: 300 }, countMarkers(consumer));
      expect(r).toMatchObject({ servedBy: "primary", reason: "lag-exceeded", value: 1 });
    });
  });

  it("bounded read uses the replica when its lag is under the bound", async () => {
    const consumer = `bounded-ok-${randomUUID()}`;
    await writeMarker(consumer);
    const r = await untilReplica(() =>
      db.read({ level: "bounded", maxLagMs: 5000 }, countMarkers(consumer)),
    );
    expect(r).toMatchObject({ servedBy: "replica", reason: "within-bound" });
    expect(r.lagMs).toBeLessThanOrEqual(5000);
  });

  it("read-your-writes sees its own write from the primary while replay is paused, then from a replica once caught up", async () => {
    const consumer = `ryw-${randomUUID()}`;
    let token = "";
    await withReplayPaused(async () => {
      await writeMarker(consumer);
      token = await db.commitToken();
      const r = await db.read({ level: "read-your-writes", token }, countMarkers(consumer));
      expect(r).toMatchObject({ servedBy: "primary", reason: "not-caught-up", value: 1 });
    });
    const after = await untilReplica(() =>
      db.read({ level: "read-your-writes", token }, countMarkers(consumer)),
    );
    expect(after).toMatchObject({ servedBy: "replica", reason: "caught-up", value: 1 });
  });

  it("strong reads always go to the primary", async () => {
    const r = await db.read({ level: "strong" }, (tx) =>
      tx.$queryRawUnsafe<{ r: boolean }[]>("SELECT pg_is_in_recovery() AS r"),
    );
    expect(r.servedBy).toBe("primary");
    expect(r.value[0]?.r).toBe(false);
  });
});
