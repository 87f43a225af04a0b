/**
 * Region failover (docs/adr/0010, docs/runbooks/region-failover.md): against a test topology with
 * two regions — eu's HA core, the us standby cluster of core, eu's and us's storefronts behind the
 * global edge, eu's order workers (relay, sagas, payments) and the payment provider — a shopper of
 * eu keeps ordering through the global edge while the region failover drill loses eu (its whole
 * core cluster killed, its storefront and order workers stopped), promotes the us copy and starts
 * us's own relay, sagas, payments, inventory, notifications, projections, analytics and maintenance
 * processes. Checks: the edge moves eu's shopper to us, orders are taken again in us, no order
 * acknowledged after the promotion is lost, every one of them reaches READY_FOR_FULFILMENT within
 * 60 s of its placement and its shopper gets a notice of it (us's notifications pool), us's
 * replication heartbeat beats on the promoted copy and us's catalog says how old it is (us's
 * maintenance pool), none is captured twice, no oversell; prints RTO, RPO (writes and orders), the
 * placement → ready times in us and the synchronous alternative's cost. Then fails back (eu
 * primary again, us rebuilt as its standby, us's workers stopped, eu's restarted).
 *
 *   AGORA_REGIONS=2 AGORA_BASE_PORT=… AGORA_STATE_DIR=… npx vitest run --project chaos tests/chaos/region-failover.chaos.test.ts
 *
 * Needs the storefront built (`npx turbo run build --filter=@agora/storefront`); without two
 * regions it is skipped, saying why.
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAll, createVendor, withRetry, withTenant } from "@agora/db";
import { startCheckout } from "@agora/orders";
import { appInstances, services, startServices } from "@agora/infra-local/apps";
import { runRegionFailoverDrill, type RegionFailoverReport } from "@agora/infra-local/drills";
import { readRegistry, stopRecord } from "@agora/infra-local/processes";
import { CLIENT_REGION_HEADER, readFailoverState, runRegionFailback, setRegionLink } from "@agora/infra-local/regions";
import { databaseUrl, memberUrl, REPO_ROOT, SHARD_NAMES, topology } from "@agora/infra-local/topology";
import { startReplicationHeartbeat, type ReplicationHeartbeat } from "../../apps/workers/src/regions/replication-heartbeat.ts";
import { StorefrontClient } from "./support/storefront-client.ts";

const t = topology();
const us = t.remoteRegions[0];
const built = existsSync(join(REPO_ROOT, "apps/storefront/.next/BUILD_ID"));
const run = randomUUID().slice(0, 8);
const PASSWORD = "region-failover-passphrase";
const ADDRESS = { name: "Ada Shopper", line1: "1 Test Street", city: "Berlin", postalCode: "10115", country: "DE" };
const STOCK = 100;
/** An order placed in us after the promotion is processed end to end within this (us's own workers). */
const READY_WITHIN_MS = 60_000;
/** Orders placed in us once the drill is over, each timed from its placement to READY_FOR_FULFILMENT. */
const AFTER_ORDERS = 3;
/** eu's processes an order needs besides the storefront (the drill stops the last three with eu). */
const EU_WORKERS = ["payment-sim", "workers-sagas", "workers-payments", "outbox-relay"];
const summary: Record<string, unknown> = {};

interface OrderProgress {
  id: string;
  status: string;
  readyAt: Date | null;
}

/** The rows of one statement on the database at `url`, over a connection of its own. */
async function rowsOn<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[]): Promise<T[]> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

/** Each order's status and when it became READY_FOR_FULFILMENT (its event's commit time), on core's copy at `url`. */
async function progressOn(url: string, ids: string[]): Promise<Map<string, OrderProgress>> {
  const rows = await rowsOn<OrderProgress>(
    url,
    `SELECT o.id::text AS id, o.status,
            (SELECT e.created_at FROM order_events e WHERE e.order_id = o.id AND e.type = 'OrderReadyForFulfilment') AS "readyAt"
       FROM orders o WHERE o.id = ANY($1::uuid[])`,
    [ids],
  );
  return new Map(rows.map((x) => [x.id, x]));
}

/** Orders with more than one captured payment (a double capture), on core's copy at `url`. */
async function capturedTwice(url: string, ids: string[]): Promise<string[]> {
  const rows = await rowsOn<{ id: string }>(
    url,
    "SELECT order_id::text AS id FROM payments WHERE order_id = ANY($1::uuid[]) AND status = 'captured' GROUP BY order_id HAVING count(*) > 1",
    [ids],
  );
  return rows.map((x) => x.id);
}

/** Orders the shopper has been told about (a notice of theirs names the order), on core's copy at `url`. */
async function notifiedOn(url: string, ids: string[]): Promise<Set<string>> {
  const rows = await rowsOn<{ id: string }>(
    url,
    "SELECT DISTINCT order_id::text AS id FROM notifications WHERE order_id = ANY($1::uuid[])",
    [ids],
  );
  return new Set(rows.map((x) => x.id));
}

/**
 * The product's stock, read on the shards themselves: the vendor directory that `withTenant` asks
 * first lives in core, whose primary at eu's address is gone after the drill.
 */
async function stockOf(productId: string): Promise<{ onHand: number; reserved: number }> {
  for (const shard of SHARD_NAMES) {
    const [row] = await rowsOn<{ onHand: number; reserved: number }>(
      databaseUrl(t, shard, "rw", { as: "superuser", database: t.postgres.database }),
      `SELECT on_hand AS "onHand", reserved FROM stock_levels WHERE product_id = $1`,
      [productId],
    );
    if (row) return row;
  }
  throw new Error(`no stock row for product ${productId} on any shard`);
}

/** When `region`'s replication heartbeat last beat, as core's copy at `url` has it (ms since the epoch), if ever. */
async function heartbeatOn(url: string, region: string): Promise<number | null> {
  const [row] = await rowsOn<{ beatAt: Date }>(url, `SELECT beat_at AS "beatAt" FROM replication_heartbeats WHERE region = $1`, [region]);
  return row ? row.beatAt.getTime() : null;
}

interface CatalogFreshness {
  coreRegion: string;
  copyAgeMs: number | null;
}

async function ordersOn(url: string, ids: string[]): Promise<Set<string>> {
  const rows = await rowsOn<{ id: string }>(url, "SELECT id::text AS id FROM orders WHERE id = ANY($1::uuid[])", [ids]);
  return new Set(rows.map((x) => x.id));
}

describe.skipIf(!us || !built)(
  `regions: eu lost, us promoted${!us ? " (skipped: the topology runs one region; AGORA_REGIONS=2)" : !built ? " (skipped: build the storefront first)" : ""}`,
  () => {
    let heartbeat: ReplicationHeartbeat;
    let shopper: StorefrontClient;
    let vendorId = "";
    let productId = "";
    let shopperId = "";
    /** A card tokenized at the simulator's card step (an unknown `pm_…` is declined with a 404). */
    let paymentMethodId = "";

    beforeAll(async () => {
      await setRegionLink(t, { mode: "healthy", rttMs: 80 });
      heartbeat = startReplicationHeartbeat({ region: "eu", everyMs: 1_000 });
      const patient = { attempts: 5, baseDelayMs: 500, maxDelayMs: 3_000, retryIf: () => true };
      const vendor = await withRetry(() => createVendor({ slug: `failover-${run}`, name: `Failover Vendor ${run}` }), patient);
      vendorId = vendor.id;
      productId = await withTenant(
        vendorId,
        async (db) => {
          const wh = await db.warehouse.create({ data: { vendorId, code: "MAIN", name: "Main" } });
          const p = await db.product.create({
            data: { vendorId, categoryId: randomUUID(), categorySlug: `failover-${run}`, title: `Failover product ${run}`, description: "region failover test", priceCents: 990 },
          });
          await db.stockLevel.create({ data: { vendorId, warehouseId: wh.id, productId: p.id, onHand: STOCK } });
          return p.id;
        },
        { maxWait: 20_000 },
      );
      // eu's order processing as npm start runs it (the payment provider, the relay, the sagas and
      // payments pools; inventory runs already), and eu's and us's storefronts behind the global edge.
      await startServices(t, services(t).filter((s) => EU_WORKERS.includes(s.name)));
      const card = await fetch(`http://${t.host}:${t.apps.paymentSim}/v1/payment-methods`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ card: { number: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" } }),
        signal: AbortSignal.timeout(10_000),
      });
      expect(card.status).toBe(201);
      paymentMethodId = ((await card.json()) as { id: string }).id;
      await startServices(t, appInstances(t, ["storefront"]).filter((s) => s.name === "storefront-1" || s.name === `storefront-${us!.name}-1`));
      shopper = new StorefrontClient(`http://${t.host}:${us!.globalEdge.port}`, { headers: { [CLIENT_REGION_HEADER]: "eu" }, timeoutMs: 20_000 });
      const email = `failover-${run}@test.agora.local`;
      // The edge takes a region in after 10 good checks: wait until eu answers its own shopper.
      for (let i = 0; i < 60; i++) {
        const r = await shopper.send("GET", "/healthz");
        if (r.status === 200 && r.region === "eu") break;
        await sleep(1_000);
      }
      const signUp = await shopper.mutation<{ userId?: string }>("auth.signUp", { email, name: "Failover Shopper", password: PASSWORD });
      expect(signUp.status, signUp.error?.message).toBe(200);
      expect(signUp.region).toBe("eu");
      await shopper.signIn(email, PASSWORD);
      expect(shopper.hasCookie("session-token")).toBe(true);
      const me = await shopper.send("GET", "/api/trpc/auth.me");
      shopperId = (JSON.parse(me.text) as { result?: { data?: { json?: { userId?: string } } } }).result?.data?.json?.userId ?? "";
      expect(shopperId).not.toBe("");
    }, 300_000);

    afterAll(async () => {
      heartbeat?.close();
      // Leave eu as the core region for whoever uses this topology next.
      if (us && readFailoverState(us)) {
        const fb = await runRegionFailback(t, (l) => process.stdout.write(`[failback] ${l}\n`)).catch((err: Error) => ({ error: err.message }));
        summary.failback = fb;
      }
      for (const name of ["storefront-1", `storefront-${us?.name}-1`, ...EU_WORKERS]) {
        const rec = readRegistry(t.pidFile).find((r) => r.name === name);
        if (rec) await stopRecord(rec);
      }
      await closeAll();
      process.stdout.write(`\n[region-failover] ${JSON.stringify(summary, null, 2)}\n`);
    }, 420_000);

    it(
      "moves eu's shoppers to us, takes orders there again after the promotion, loses none of those and oversells nothing",
      async () => {
        // A few orders in eu before anything happens (the saga's stock reservation path, as eu's storefront places them).
        const before: string[] = [];
        for (let i = 0; i < 3; i++) {
          const o = await startCheckout(
            { idempotencyKey: `failover-${run}-pre-${i}`, userId: shopperId, items: [{ vendorId, productId, quantity: 1 }], paymentMethodId, address: ADDRESS, shipping: {} },
            async () => {},
          );
          before.push(o.orderId);
        }

        // The shopper keeps ordering through the edge while the drill runs (bounded: 400 attempts, and by the drill).
        const acked: { orderId: string; region: string | null; at: number }[] = [];
        const refused: Record<string, number> = {};
        let stop = false;
        const shopping = (async () => {
          for (let i = 0; i < 400 && !stop; i++) {
            const add = await shopper.mutation("cart.add", { vendorId, productId, quantity: 1 }).catch(() => undefined);
            const placed = add?.status === 200
              ? await shopper.mutation<{ orderId: string }>("checkout.place", { idempotencyKey: `failover-${run}-${i}`, address: ADDRESS, paymentMethodId }).catch(() => undefined)
              : undefined;
            if (placed?.status === 200 && placed.data?.orderId) acked.push({ orderId: placed.data.orderId, region: placed.region, at: Date.now() });
            else {
              const key = `${placed?.status ?? add?.status ?? "no answer"} via ${placed?.region ?? add?.region ?? "?"}`;
              refused[key] = (refused[key] ?? 0) + 1;
            }
            await sleep(500);
          }
        })();

        let report: RegionFailoverReport | undefined;
        try {
          report = await runRegionFailoverDrill({
            topology: t,
            confirm: () => Promise.resolve(true),
            warmupMs: 5_000,
            afterRecoveryMs: 10_000,
            onEvent: (e) => {
              if (e.type !== "progress" && e.type !== "done") process.stdout.write(`[drill] ${JSON.stringify(e)}\n`);
            },
          });
        } finally {
          stop = true;
          await shopping;
        }
        const promotedAt = Date.parse(readFailoverState(us!)!.promotedAt);
        const usUrl = memberUrl(t, us!.coreStandby.nodes[0]!, t.postgres.database);

        // More orders in us now that the drill is over, each timed from its placement (bounded attempts).
        const afterOrderIds: string[] = [];
        for (let i = 0; i < 15 && afterOrderIds.length < AFTER_ORDERS; i++) {
          const add = await shopper.mutation("cart.add", { vendorId, productId, quantity: 1 }).catch(() => undefined);
          const placed = add?.status === 200
            ? await shopper
                .mutation<{ orderId: string }>("checkout.place", { idempotencyKey: `failover-${run}-after-${afterOrderIds.length}`, address: ADDRESS, paymentMethodId })
                .catch(() => undefined)
            : undefined;
          if (placed?.status === 200 && placed.data?.orderId) {
            afterOrderIds.push(placed.data.orderId);
            acked.push({ orderId: placed.data.orderId, region: placed.region, at: Date.now() });
          } else await sleep(1_000);
        }

        const present = await ordersOn(usUrl, [...before, ...acked.map((a) => a.orderId)]);
        const ackedInUs = acked.filter((a) => a.region === us!.name && a.at > promotedAt);
        const lostOrders = [...before, ...acked.map((a) => a.orderId)].filter((id) => !present.has(id));

        // Orders taken in us after the promotion are processed in us: READY_FOR_FULFILMENT within the bound.
        const usIds = ackedInUs.map((a) => a.orderId);
        const deadline = Math.max(0, ...ackedInUs.map((a) => a.at)) + READY_WITHIN_MS;
        let progress = await progressOn(usUrl, usIds);
        while (usIds.some((id) => progress.get(id)?.status !== "READY_FOR_FULFILMENT") && Date.now() < deadline) {
          await sleep(500);
          progress = await progressOn(usUrl, usIds);
        }
        const readyMs = ackedInUs.map((a) => {
          const at = progress.get(a.orderId)?.readyAt;
          return at ? new Date(at).getTime() - a.at : null;
        });
        const notReady = ackedInUs
          .filter((a, i) => progress.get(a.orderId)?.status !== "READY_FOR_FULFILMENT" || (readyMs[i] ?? Infinity) > READY_WITHIN_MS)
          .map((a) => `${a.orderId}: ${progress.get(a.orderId)?.status ?? "missing"}`);
        // And the shopper is told about them: us's notifications pool consumes what us's relay publishes.
        let notified = await notifiedOn(usUrl, usIds);
        while (usIds.some((id) => !notified.has(id)) && Date.now() < deadline) {
          await sleep(500);
          notified = await notifiedOn(usUrl, usIds);
        }
        const notNotified = usIds.filter((id) => !notified.has(id));
        const doubleCaptured = await capturedTwice(usUrl, [...before, ...acked.map((a) => a.orderId)]);
        const sortedReady = readyMs.filter((x): x is number => x !== null).sort((a, b) => a - b);

        // us's maintenance pool beats the core region's replication heartbeat on the promoted copy,
        // so us's catalog can tell its shoppers how old it is (no `us` row: "age unknown").
        const beats: number[] = [];
        const beatDeadline = Date.now() + 30_000;
        while (beats.length < 2 && Date.now() < beatDeadline) {
          const at = await heartbeatOn(usUrl, us!.name);
          if (at !== null && at > promotedAt && at !== beats.at(-1)) beats.push(at);
          if (beats.length < 2) await sleep(1_000);
        }
        let freshness: CatalogFreshness | null = null;
        for (let i = 0; i < 10 && !(freshness?.copyAgeMs != null && freshness.copyAgeMs < 5_000); i++) {
          if (i > 0) await sleep(1_000);
          freshness = (await shopper.query<{ freshness: CatalogFreshness | null }>("catalog.home").catch(() => undefined))?.data?.freshness ?? null;
        }

        // Stock on the vendor's shard (eu's, still up): reserved and sold never beyond on hand.
        const stock = await stockOf(productId);
        summary.drill = report;
        summary.orders = {
          ackedBeforeLoss: before.length + acked.filter((a) => a.region === "eu").length,
          ackedInUsAfterPromotion: ackedInUs.length,
          usPlacedToReadyMs: {
            p50: sortedReady[Math.floor((sortedReady.length - 1) / 2)] ?? null,
            max: sortedReady.at(-1) ?? null,
            notReady,
            notNotified,
          },
          doubleCaptured,
          lostOrders: lostOrders.length,
          usHeartbeat: { beatsSeen: beats.length, lastBeatAfterPromotionMs: beats.length ? beats.at(-1)! - promotedAt : null, catalogFreshness: freshness },
          refused,
          stock: { onHand: stock.onHand, reserved: stock.reserved },
        };

        expect(report.region.promoted).toBe(us!.name);
        expect(report.rto_ms).not.toBeNull();
        expect(report.split_brain).toBe(false);
        // Asynchronous replication: eu's last writes may be lost (the RPO, reported), never us's.
        expect(report.replicas_converged).toBe(true);
        expect(report.region.edge.eu_clients_moved_ms).not.toBeNull();
        expect(ackedInUs.length).toBeGreaterThan(0);
        expect(ackedInUs.filter((a) => !present.has(a.orderId))).toEqual([]);
        // us runs its own relay, sagas, payments and inventory once promoted: its orders complete.
        expect(report.region.workers_started_ms).not.toBeNull();
        expect(afterOrderIds).toHaveLength(AFTER_ORDERS);
        for (const id of afterOrderIds) expect(ackedInUs.map((a) => a.orderId)).toContain(id);
        expect(notReady).toEqual([]);
        expect(notNotified).toEqual([]);
        expect(doubleCaptured).toEqual([]);
        expect(beats, "us's replication heartbeat on the promoted copy, after the promotion").toHaveLength(2);
        expect(freshness?.coreRegion).toBe(us!.name);
        expect(freshness?.copyAgeMs ?? Infinity).toBeLessThan(5_000);
        expect(stock.reserved).toBeLessThanOrEqual(stock.onHand);
        expect(stock.onHand).toBeGreaterThanOrEqual(0);
        // Waiting for the us copy would cost each commit at least the link's round trip.
        expect(report.region.sync_cost.sync_commit_ms.p50!).toBeGreaterThan(report.region.sync_cost.async_commit_ms.p50!);
      },
      600_000,
    );
  },
);
