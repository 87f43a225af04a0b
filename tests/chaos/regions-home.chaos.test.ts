/**
 * Data locality and workers for us (docs/adr/0010), against a test topology started with
 * AGORA_REGIONS=2 and a real `us` storefront (the built Next.js app) plus eu's payment simulator,
 * saga and payments pools and outbox relay:
 *   - a shopper who signs up in us has home region us; a vendor's home region is its shard's;
 *   - an order placed in us reaches READY_FOR_FULFILMENT a few seconds after it was placed — its
 *     saga started by eu's sagas pool from the OrderPlaced outbox event — while an order committed
 *     the way us did before (no hand-off) waits for eu's recovery sweep (both measured);
 *   - the console's Regions API (the local ops backend, in-process) shows both regions, every
 *     vendor in its home region, and cuts and heals the link, the copy's age charted meanwhile.
 * Prints the numbers.
 *
 *   AGORA_REGIONS=2 AGORA_BASE_PORT=… AGORA_STATE_DIR=… npx vitest run --project chaos tests/chaos/regions-home.chaos.test.ts
 *
 * Needs the storefront built (`npx turbo run build --filter=@agora/storefront`); without two
 * regions it is skipped, saying why.
 */
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAll, core, createVendor, withRetry, withTenant } from "@agora/db";
import { startCheckout } from "@agora/orders";
import { installOpsBackend } from "@agora/api/ops-backend";
import { appInstances, services, startServices } from "@agora/infra-local/apps";
import { readRegistry, stopRecord } from "@agora/infra-local/processes";
import { setRegionLink as setLinkDirectly } from "@agora/infra-local/regions";
import { REPO_ROOT, SHARD_REGIONS, topology } from "@agora/infra-local/topology";
import { regionsOverview, setRegionLink } from "../../packages/api/src/ops/regions/regions-overview.ts";
import { localOpsBackend } from "../../apps/ops-console/src/ops-backend/local.ts";
import { startReplicationHeartbeat, type ReplicationHeartbeat } from "../../apps/workers/src/regions/replication-heartbeat.ts";
import { StorefrontClient } from "./support/storefront-client.ts";

const t = topology();
const us = t.remoteRegions[0];
const built = existsSync(join(REPO_ROOT, "apps/storefront/.next/BUILD_ID"));
const run = randomUUID().slice(0, 8);
const US_STOREFRONT = "storefront-us-1";
// eu's side of the order path: the provider, the saga and payments pools, the relay.
const EU_WORKERS = ["payment-sim", "workers-sagas", "workers-payments", "outbox-relay"];
const PASSWORD = "regions-home-passphrase";
const ADDRESS = { name: "Ada Shopper", line1: "1 Test Street", city: "Boston", postalCode: "02110", country: "US" };
const READY = ["READY_FOR_FULFILMENT", "FULFILLING", "SHIPPED", "DELIVERED"];
const report: Record<string, unknown> = {};

/** ms from `placedAt` until the order is READY (or a terminal failure, which fails the test). */
async function untilReady(orderId: string, placedAt: number, limitMs: number): Promise<number> {
  for (;;) {
    const row = await core().primary.order.findUnique({ where: { id: orderId }, select: { status: true } });
    if (row && READY.includes(row.status)) return Date.now() - placedAt;
    if (row && ["FAILED", "CANCELLED"].includes(row.status)) throw new Error(`order ${orderId} ended ${row.status}`);
    if (Date.now() - placedAt > limitMs) throw new Error(`order ${orderId} not ready after ${limitMs} ms (status ${row?.status})`);
    await sleep(200);
  }
}

/** Resident memory of a running process of the topology, in MB (from /proc). */
function rssMb(name: string): number | null {
  const rec = readRegistry(t.pidFile).find((r) => r.name === name);
  if (!rec) return null;
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${rec.pid}/status`, "utf8"));
  return m ? Math.round(Number(m[1]) / 1024) : null;
}

describe.skipIf(!us || !built)(
  `regions: home regions, us orders started from eu, the Regions API${!us ? " (skipped: the topology runs one region; AGORA_REGIONS=2)" : !built ? " (skipped: build the storefront first)" : ""}`,
  () => {
    let heartbeat: ReplicationHeartbeat;
    let usShop: StorefrontClient;
    let vendorId = "";
    let vendorShard = "";
    let productId = "";
    let shopperId = "";
    const category = `regions-home-${run}`;

    beforeAll(async () => {
      await setLinkDirectly(t, { mode: "healthy", rttMs: 80 });
      // eu's maintenance pool writes it in production; the us checkout gate refuses without it.
      heartbeat = startReplicationHeartbeat({ region: "eu", everyMs: 1_000 });
      installOpsBackend(localOpsBackend(t));
      const patient = { attempts: 5, baseDelayMs: 500, maxDelayMs: 3_000, retryIf: () => true };
      const vendor = await withRetry(() => createVendor({ slug: `regions-home-${run}`, name: `Regions Home ${run}` }), patient);
      vendorId = vendor.id;
      vendorShard = vendor.shard;
      productId = await withTenant(
        vendorId,
        async (db) => {
          const wh = await db.warehouse.create({ data: { vendorId, code: "MAIN", name: "Main" } });
          const p = await db.product.create({
            data: { vendorId, categoryId: randomUUID(), categorySlug: category, title: `Regions home ${run}`, description: "regions test", priceCents: 990 },
          });
          await db.stockLevel.create({ data: { vendorId, warehouseId: wh.id, productId: p.id, onHand: 50 } });
          return p.id;
        },
        { maxWait: 20_000 },
      );
      await startServices(t, [
        ...services(t).filter((s) => EU_WORKERS.includes(s.name)),
        ...appInstances(t, ["storefront"]).filter((s) => s.name === US_STOREFRONT),
      ]);
      usShop = new StorefrontClient(`http://${t.host}:${us!.storefront[0]}`);
      const email = `regions-home-${run}@test.agora.local`;
      const signUp = await usShop.mutation("auth.signUp", { email, name: "Regions Home Shopper", password: PASSWORD });
      expect(signUp.status, JSON.stringify(signUp.error)).toBe(200);
      expect(await usShop.signIn(email, PASSWORD)).toBe(true);
      shopperId = (await usShop.query<{ userId: string }>("auth.me")).data?.userId ?? "";
      expect(shopperId).not.toBe("");
    }, 300_000);

    afterAll(async () => {
      await setLinkDirectly(t, { mode: "healthy" }).catch(() => undefined);
      heartbeat?.close();
      for (const name of [US_STOREFRONT, ...EU_WORKERS]) {
        const rec = readRegistry(t.pidFile).find((r) => r.name === name);
        if (rec) await stopRecord(rec);
      }
      installOpsBackend(undefined);
      await closeAll();
      process.stdout.write(`\n[regions-home] ${JSON.stringify(report, null, 2)}\n`);
    });

    it("records home regions: us for a shopper who signed up in us, the shard's region for a vendor", async () => {
      const user = await core().primary.user.findUnique({ where: { id: shopperId }, select: { homeRegion: true } });
      expect(user?.homeRegion).toBe("us");
      const vendor = await core().primary.vendor.findUnique({ where: { id: vendorId }, select: { homeRegion: true } });
      expect(vendor?.homeRegion).toBe(SHARD_REGIONS[vendorShard]);
    });

    it("starts the saga of an order placed in us a relay poll after it commits, not at eu's recovery sweep", async () => {
      // Before: committed in core without a hand-off, as us placed orders until now.
      const beforeAt = Date.now();
      const before = await startCheckout(
        {
          idempotencyKey: `regions-home-${run}-before`,
          userId: shopperId,
          items: [{ vendorId, productId, quantity: 1 }],
          paymentMethodId: "pm_regionshome0001",
          address: ADDRESS,
          shipping: {},
          placedIn: "us",
        },
        async () => {},
      );
      // After: through the us storefront.
      const added = await usShop.mutation("cart.add", { vendorId, productId, quantity: 1 });
      expect(added.status, JSON.stringify(added.error)).toBe(200);
      const afterAt = Date.now();
      const placed = await usShop.mutation<{ orderId: string }>("checkout.place", {
        idempotencyKey: `regions-home-${run}-after`,
        address: ADDRESS,
        paymentMethodId: "pm_regionshome0002",
      });
      expect(placed.status, JSON.stringify(placed.error)).toBe(200);
      const orderId = placed.data!.orderId;
      const [afterMs, beforeMs] = await Promise.all([untilReady(orderId, afterAt, 60_000), untilReady(before.orderId, beforeAt, 120_000)]);
      const events = await core().primary.orderEvent.findFirst({ where: { orderId, type: "OrderPlaced" }, select: { payload: true } });
      expect(events?.payload).toMatchObject({ placedIn: "us", sagaStart: "outbox" });
      report.placedInUsToReadyMs = { withHandOff: afterMs, checkoutCallMs: placed.ms, withoutHandOffRecoverySweep: beforeMs };
      report.idleCostOfHandOff = { processesAdded: 0, sagasPoolRssMb: rssMb("workers-sagas"), redisConnectionsAdded: "1 per sagas process" };
      // The sweep cannot start a saga before SAGA_STALLED_AFTER_MS (30 s): the hand-off must beat it clearly.
      expect(afterMs).toBeLessThan(15_000);
      expect(beforeMs).toBeGreaterThan(afterMs);
    }, 180_000);

    it("the Regions API shows both regions and every vendor in its home region, and cuts and heals the link", async () => {
      const view = await regionsOverview(15);
      if (!view.available) throw new Error("the ops backend describes no regions");
      expect(view.regions.map((r) => r.name)).toEqual(["eu", "us"]);
      expect(view.regions[1]).toMatchObject({ copies: ["core-us"], workers: [] });
      expect(view.links[0]?.state).toEqual({ mode: "healthy", rttMs: 80 });
      expect(view.tenants?.find((v) => v.id === vendorId)).toMatchObject({ homeRegion: "eu", shard: vendorShard, local: true });
      expect(view.tenants?.every((v) => v.local)).toBe(true);
      expect(view.shoppersByRegion?.us ?? 0).toBeGreaterThanOrEqual(1);

      const cutAt = Date.now();
      const cut = await setRegionLink(shopperId, { mode: "cut" });
      expect(cut.state.mode).toBe("cut");
      await sleep(7_000);
      const during = await regionsOverview(15);
      if (!during.available) throw new Error("unavailable");
      const age = during.links[0]?.standby[0]?.copyAgeMs ?? 0;
      expect(during.links[0]?.state.mode).toBe("cut");
      expect(age).toBeGreaterThan(5_000);
      expect(during.lag.some((p) => p.mode.us === "cut")).toBe(true);
      const audit = await core().primary.auditLog.findFirst({ where: { action: "region.link", actorUserId: shopperId }, orderBy: { createdAt: "desc" } });
      expect(audit?.details).toEqual({ mode: "cut" });

      await setRegionLink(shopperId, { mode: "healthy" });
      let healedAge = Infinity;
      const healedAt = Date.now();
      while (Date.now() - healedAt < 60_000) {
        const v = await regionsOverview(15);
        healedAge = v.available ? (v.links[0]?.standby[0]?.copyAgeMs ?? Infinity) : Infinity;
        if (healedAge < 2_000) break;
        await sleep(500);
      }
      expect(healedAge).toBeLessThan(2_000);
      report.regionsApi = { cutForMs: healedAt - cutAt, copyAgeDuringCutMs: age, convergedAfterHealMs: Date.now() - healedAt, lagPoints: during.lag.length };
    }, 120_000);
  },
);
