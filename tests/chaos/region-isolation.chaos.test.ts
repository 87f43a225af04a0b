/**
 * The witness at work (docs/adr/0010 "The witness and automatic promotion"): against a test
 * topology started with AGORA_REGIONS=2 — etcd's members in eu, us and the witness — eu is cut off
 * from both us and the witness while writers write on each side. Nobody is killed and no operator
 * acts: eu's etcd member is a minority, eu's core primary cannot renew its leader lock and stops
 * taking writes; us + witness are a quorum, us's arbiter sees the lock gone for 2 × ttl, fences it
 * and promotes us's copy. The invariant checked from the writes themselves: no write is
 * acknowledged by eu after us acknowledged its first one (never two primaries taking writes).
 * After healing, eu's members stay replicas behind the fence; failback puts eu back. Prints the
 * timeline (eu's last ack, the fence, us's first ack) and the acknowledged writes lost.
 *
 *   AGORA_REGIONS=2 AGORA_BASE_PORT=… AGORA_STATE_DIR=… npx vitest run --project chaos tests/chaos/region-isolation.chaos.test.ts
 *
 * Without two regions it is skipped, saying why.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readArbiterState, readFailoverState, regionHealth, runRegionFailback, setRegionLink } from "@agora/infra-local/regions";
import { cluster, databaseUrl, memberUrl, topology } from "@agora/infra-local/topology";

const t = topology();
const us = t.remoteRegions[0];
const run = randomUUID().slice(0, 8);
const TABLE = "agora_isolation_writes";
const report: Record<string, unknown> = {};

interface Ack {
  seq: number;
  at: number;
  side: "eu" | "us";
}

/** One statement on one member (Patroni's view of the roles is not what clients get: ask Postgres). */
async function inRecovery(url: string): Promise<boolean | null> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000, query_timeout: 1_000 });
  c.on("error", () => {
    // reported as null below
  });
  try {
    await c.connect();
    return (await c.query<{ r: boolean }>("select pg_is_in_recovery() as r")).rows[0]?.r ?? null;
  } catch {
    return null;
  } finally {
    await c.end().catch(() => undefined);
  }
}

describe.skipIf(!us)(`regions: eu cut off from us and the witness${!us ? " (skipped: the topology runs one region; AGORA_REGIONS=2)" : ""}`, () => {
  const euUrl = () => databaseUrl(t, "core", "rw", { as: "superuser", database: "postgres" });
  const usUrl = () => memberUrl(t, us!.coreStandby.nodes[0]!);
  let pools: Record<"eu" | "us", pg.Pool>;

  beforeAll(async () => {
    await setRegionLink(t, { mode: "healthy", rttMs: 80, witness: { eu: "healthy", us: "healthy" } });
    expect(readFailoverState(us!)).toBeUndefined();
    pools = {
      eu: new pg.Pool({ connectionString: euUrl(), max: 2, connectionTimeoutMillis: 1_000, query_timeout: 2_000 }),
      us: new pg.Pool({ connectionString: usUrl(), max: 2, connectionTimeoutMillis: 1_000, query_timeout: 2_000 }),
    };
    for (const p of Object.values(pools))
      p.on("error", () => {
        // a server going away; the next write opens a fresh connection
      });
    await pools.eu.query(`create table if not exists ${TABLE} (run text not null, seq bigint not null, side text not null, primary key (run, seq))`);
    // The arbiter sees eu holding core before anything happens.
    for (let i = 0; i < 30 && readArbiterState(us!)?.decision.kind !== "wait"; i++) await sleep(1_000);
    expect(readArbiterState(us!)?.decision.kind).toBe("wait");
  }, 120_000);

  afterAll(async () => {
    await setRegionLink(t, { mode: "healthy", witness: { eu: "healthy", us: "healthy" } }).catch(() => undefined);
    await Promise.all(Object.values(pools ?? {}).map((p) => p.end().catch(() => undefined)));
    if (us && readFailoverState(us)) await runRegionFailback(t, (line) => process.stdout.write(`[failback] ${line}\n`));
    process.stdout.write(`\n[region-isolation] ${JSON.stringify(report, null, 2)}\n`);
  }, 600_000);

  it("promotes us on its own, with never two primaries taking writes, and keeps eu fenced after healing", async () => {
    const acks: Ack[] = [];
    let seq = 0;
    let stop = false;
    const writer = async (side: "eu" | "us") => {
      while (!stop) {
        const my = ++seq;
        try {
          await pools[side].query(`insert into ${TABLE} (run, seq, side) values ($1, $2, $3)`, [run, my, side]);
          acks.push({ seq: my, at: Date.now(), side });
        } catch {
          await sleep(100);
        }
      }
    };
    const writers = [writer("eu"), writer("eu"), writer("us")];
    try {
      await sleep(2_000);
      expect(acks.some((a) => a.side === "eu")).toBe(true);
      expect(acks.some((a) => a.side === "us")).toBe(false); // the copy is read-only

      const isolatedAt = Date.now();
      await setRegionLink(t, { mode: "cut", witness: { eu: "cut" } });
      const deadline = isolatedAt + 90_000;
      while (!acks.some((a) => a.side === "us") && Date.now() < deadline) await sleep(100);
      const firstUs = acks.find((a) => a.side === "us");
      expect(firstUs, "us never took a write after eu was isolated").toBeDefined();
      await sleep(3_000); // both sides keep trying: eu must stay read-only
      const euAcks = acks.filter((a) => a.side === "eu");
      const lastEu = euAcks[euAcks.length - 1]!;
      // The invariant: eu stopped acknowledging writes before us acknowledged its first one.
      expect(lastEu.at).toBeLessThan(firstUs!.at);
      // The arbiter records its promotion once the copy takes writes (its storefront and workers follow).
      for (let i = 0; i < 60 && !readArbiterState(us!)?.promotion; i++) await sleep(500);
      const arbiter = readArbiterState(us!);
      expect(arbiter?.promotion).toBeDefined();
      expect(readFailoverState(us!)?.coreRegion).toBe("us");

      // Healing: eu's members find core's lock held by us's fence and stay replicas.
      await setRegionLink(t, { mode: "healthy", witness: { eu: "healthy" } });
      const healedAt = Date.now();
      await sleep(10_000);
      const euRoles = await Promise.all(cluster(t, "core").nodes.map((m) => inRecovery(memberUrl(t, m))));
      expect(euRoles.every((r) => r === true), `eu core members in recovery: ${JSON.stringify(euRoles)}`).toBe(true);
      const euAfterHeal = acks.filter((a) => a.side === "eu" && a.at > healedAt).length;
      expect(euAfterHeal).toBe(0);
      // The global edge no longer counts eu's fenced members as a copy of core.
      let health = await regionHealth(t);
      for (let i = 0; i < 20 && health.regions.find((x) => x.region === "eu")?.databaseUp !== false; i++) {
        await sleep(1_000);
        health = await regionHealth(t);
      }
      const euRow = health.regions.find((x) => x.region === "eu");
      expect(euRow?.database).toBe("read-only"); // running, as replicas of nothing
      expect(euRow?.databaseUp).toBe(false);

      // RPO: eu's acknowledged writes the promoted copy does not have.
      const present = new Set((await pools.us.query<{ seq: string }>(`select seq from ${TABLE} where run = $1 and side = 'eu'`, [run])).rows.map((r) => Number(r.seq)));
      const lost = euAcks.filter((a) => !present.has(a.seq));
      report.isolation = {
        euLastAckMs: lastEu.at - isolatedAt,
        fencedMs: arbiter!.promotion!.fencedAt - isolatedAt,
        usPromotedMs: arbiter!.promotion!.promotedAt - isolatedAt,
        usFirstAckMs: firstUs!.at - isolatedAt,
        gapBetweenPrimariesMs: firstUs!.at - lastEu.at,
        euAcked: euAcks.length,
        euAckedLost: lost.length,
        lostSpanMs: lost.length ? lost[lost.length - 1]!.at - lost[0]!.at : 0,
        usAcked: acks.filter((a) => a.side === "us").length,
        euAckedAfterHeal: euAfterHeal,
        euCoreInRecoveryAfterHeal: euRoles,
        edgeEuDatabaseUpAfterHeal: euRow?.databaseUp,
        arbiterDecision: arbiter?.decision.kind,
      };
      // us's storefront and failover workers, started by the arbiter after the promotion.
      for (let i = 0; i < 240 && readArbiterState(us!)?.promotion?.workersAt == null; i++) await sleep(500);
      const done = readArbiterState(us!)?.promotion;
      (report.isolation as Record<string, unknown>).usStorefrontMs = done?.storefrontsAt ? done.storefrontsAt - isolatedAt : null;
      (report.isolation as Record<string, unknown>).usWorkersMs = done?.workersAt ? done.workersAt - isolatedAt : null;
      expect(done?.workersAt, "us's failover workers did not start after the automatic promotion").toBeTruthy();
      // eu's clients go to us once us's storefront (restarted on the promoted copy) passes the edge's checks.
      let routes = (await regionHealth(t)).routes;
      for (let i = 0; i < 60 && routes.eu !== "us"; i++) {
        await sleep(1_000);
        routes = (await regionHealth(t)).routes;
      }
      (report.isolation as Record<string, unknown>).edgeRoutes = routes;
      expect(routes.eu).toBe("us");
      expect(routes.us).toBe("us");
    } finally {
      stop = true;
      await Promise.all(writers);
    }
  }, 300_000);
});
