/**
 * Two regions, one link (docs/adr/0010): against a test topology started with AGORA_REGIONS=2 —
 * eu's HA core, a `us` Patroni standby cluster of core streaming through the region link, us's own
 * Redis and a real `us` storefront instance (the built Next.js app) — this measures cross-region
 * lag under a small write load, cuts the link, and checks what each kind of data does: the catalog
 * is served in us with its staleness shown (AP), carts keep working (AP), new orders are refused in
 * us with REGION_PARTITIONED at once (CP) while eu keeps taking them, and after healing the
 * standby converges. Prints the numbers.
 *
 *   AGORA_REGIONS=2 AGORA_BASE_PORT=… AGORA_STATE_DIR=… npx vitest run --project chaos tests/chaos/regions-partition.chaos.test.ts
 *
 * Needs the storefront built (`npx turbo run build --filter=storefront`); without two regions it
 * is skipped, saying why.
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAll, core, createVendor, withRetry, withTenant } from "@agora/db";
import { startCheckout } from "@agora/orders";
import { appInstances, startServices } from "@agora/infra-local/apps";
import { readRegistry, stopRecord } from "@agora/infra-local/processes";
import { readArbiterState, readFailoverState, regionLink, setRegionLink, standbyStatus } from "@agora/infra-local/regions";
import { memberUrl, REPO_ROOT, topology } from "@agora/infra-local/topology";
import { startReplicationHeartbeat, type ReplicationHeartbeat } from "../../apps/workers/src/regions/replication-heartbeat.ts";
import { type Answer, StorefrontClient } from "./support/storefront-client.ts";

const t = topology();
const us = t.remoteRegions[0];
const built = existsSync(join(REPO_ROOT, "apps/storefront/.next/BUILD_ID"));
const run = randomUUID().slice(0, 8);
const US_STOREFRONT = "storefront-us-1";
const PASSWORD = "regions-test-passphrase";
const ADDRESS = { name: "Ada Shopper", line1: "1 Test Street", city: "Boston", postalCode: "02110", country: "US" };
const report: Record<string, unknown> = {};

interface Freshness {
  region: string;
  copyAgeMs: number | null;
}

/** Superuser connection to the standby member itself (measurements only). */
async function onStandby<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: memberUrl(t, us!.coreStandby.nodes[0]!, t.postgres.database), connectionTimeoutMillis: 3_000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

describe.skipIf(!us || !built)(
  `regions: eu ⇄ us partition${!us ? " (skipped: the topology runs one region; AGORA_REGIONS=2)" : !built ? " (skipped: build the storefront first)" : ""}`,
  () => {
    let heartbeat: ReplicationHeartbeat;
    let usShop: StorefrontClient;
    let vendorId = "";
    let productId = "";
    let shopperId = "";
    const category = `regions-${run}`;

    beforeAll(async () => {
      await setRegionLink(t, { mode: "healthy", rttMs: 80 });
      heartbeat = startReplicationHeartbeat({ region: "eu", everyMs: 1_000 });
      const patient = { attempts: 5, baseDelayMs: 500, maxDelayMs: 3_000, retryIf: () => true };
      const vendor = await withRetry(() => createVendor({ slug: `regions-${run}`, name: `Regions Vendor ${run}` }), patient);
      vendorId = vendor.id;
      productId = await withTenant(
        vendorId,
        async (db) => {
          const wh = await db.warehouse.create({ data: { vendorId, code: "MAIN", name: "Main" } });
          const p = await db.product.create({
            data: { vendorId, categoryId: randomUUID(), categorySlug: category, title: `Regions product ${run}`, description: "regions test", priceCents: 1_250 },
          });
          await db.stockLevel.create({ data: { vendorId, warehouseId: wh.id, productId: p.id, onHand: 50 } });
          return p.id;
        },
        { maxWait: 20_000 },
      );
      // What the search projection would write: the catalog read model in core.
      await core().primary.$executeRaw`INSERT INTO categories (slug, name) VALUES (${category}, ${`Regions ${run}`})`;
      await core().primary.$executeRaw`
        INSERT INTO catalog_search (product_id, vendor_id, vendor_name, shard, category_slug, title, description, price_cents, source_version, available)
        VALUES (${productId}::uuid, ${vendorId}::uuid, ${`Regions Vendor ${run}`}, ${vendor.shard}, ${category}, ${`Regions product ${run}`}, 'regions test', 1250, 1, 50)`;
      await startServices(t, appInstances(t, ["storefront"]).filter((s) => s.name === US_STOREFRONT));
      usShop = new StorefrontClient(`http://${t.host}:${us!.storefront[0]}`);
      const email = `regions-${run}@test.agora.local`;
      const signUp = await usShop.mutation<{ userId?: string }>("auth.signUp", { email, name: "Regions Shopper", password: PASSWORD });
      expect(signUp.status, JSON.stringify(signUp.error)).toBe(200);
      // Sign-in may read the user from the us standby: signIn retries until it has replicated.
      await usShop.signIn(email, PASSWORD);
      expect(usShop.hasCookie("session-token")).toBe(true);
      const me = await usShop.query<{ userId: string }>("auth.me");
      shopperId = me.data?.userId ?? "";
      expect(shopperId).not.toBe("");
    }, 300_000);

    afterAll(async () => {
      await setRegionLink(t, { mode: "healthy" }).catch(() => undefined);
      heartbeat?.close();
      const rec = readRegistry(t.pidFile).find((r) => r.name === US_STOREFRONT);
      if (rec) await stopRecord(rec);
      await closeAll();
      process.stdout.write(`\n[regions] ${JSON.stringify(report, null, 2)}\n`);
    });

    it("replicates eu's core to the us standby within a second at p95 under a small write load", async () => {
      const lags: number[] = [];
      const writes = 60;
      // One connection to the standby for the whole run: a new TLS connection per poll would be timed too.
      await onStandby(async (c) => {
        for (let i = 0; i < writes; i++) {
          const marker = `lag-${run}-${i}`;
          await core().primary.$executeRaw`INSERT INTO replication_heartbeats (region, beat_at) VALUES (${marker}, clock_timestamp())`;
          const acked = Date.now();
          for (;;) {
            const r = await c.query("SELECT 1 FROM replication_heartbeats WHERE region = $1", [marker]);
            if (r.rowCount) break;
            if (Date.now() - acked > 15_000) throw new Error(`${marker} not on the standby after 15 s`);
            await sleep(5);
          }
          lags.push(Date.now() - acked);
          await sleep(50);
        }
      });
      await core().primary.$executeRaw`DELETE FROM replication_heartbeats WHERE region LIKE ${`lag-${run}-%`}`;
      const [status] = await standbyStatus(t, us!);
      report.crossRegionLagMs = { writes, linkRttMs: 80, p50: percentile(lags, 50), p95: percentile(lags, 95), max: Math.max(...lags) };
      report.standbyBeforeCut = status;
      expect(status?.role).toBe("standby_leader");
      expect(percentile(lags, 95)).toBeLessThan(1_000);
    });

    it("while the link is cut: us serves the catalog (staleness shown) and carts, refuses orders; eu takes them; after healing us converges", async () => {
      // Before the cut: fresh catalog and a working checkout path in us.
      const before = await usShop.query<{ items: { productId: string }[]; freshness: Freshness | null }>("catalog.category", { slug: category });
      expect(before.status, JSON.stringify(before.error)).toBe(200);
      expect(before.data?.items.map((p) => p.productId)).toContain(productId);
      expect(before.data?.freshness?.region).toBe("us");
      expect(before.data?.freshness?.copyAgeMs ?? Infinity).toBeLessThan(5_000);
      const add = await usShop.mutation("cart.add", { vendorId, productId, quantity: 1 });
      expect(add.status, JSON.stringify(add.error)).toBe(200);

      const cutAt = Date.now();
      await setRegionLink(t, { mode: "cut" });
      expect((await regionLink(t)).state.mode).toBe("cut");
      // us's arbiter, all through the cut: eu still holds core's lock (eu + the witness are a
      // quorum), so it must never promote — a promotion here would make two primaries.
      const decisions = new Set<string>();
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const d = readArbiterState(us!)?.decision.kind;
          if (d) decisions.add(d);
          await sleep(250);
        }
      })();
      await sleep(6_000); // past AGORA_PARTITION_AFTER_MS (5 s): the copy is now known to be stale

      const home = await usShop.query<{ freshness: Freshness | null }>("catalog.home");
      const cat = await usShop.query<{ items: { productId: string }[]; freshness: Freshness | null }>("catalog.category", { slug: category });
      expect(home.status).toBe(200);
      expect(cat.status).toBe(200);
      expect(cat.data?.items.map((p) => p.productId)).toContain(productId);
      expect(cat.data?.freshness?.copyAgeMs ?? 0).toBeGreaterThan(5_000);

      // The page a shopper in us sees: the category, with a note saying how old it is.
      const html = await usShop.send("GET", `/c/${category}`);
      expect(html.status).toBe(200);
      expect(html.text).toContain(`Regions product ${run}`);
      expect(html.text).toMatch(/Catalogue as of \d+ s ago: region us cannot reach eu/);

      const cart = await usShop.mutation<{ groups?: unknown[] }>("cart.add", { vendorId, productId, quantity: 1 });
      expect(cart.status, JSON.stringify(cart.error)).toBe(200);

      const refused = await usShop.mutation("checkout.place", {
        idempotencyKey: `regions-${run}-cut`,
        address: ADDRESS,
        paymentMethodId: "pm_regionstest0001",
      });
      expect(refused.status).toBe(503);
      expect(refused.error?.domainCode).toBe("REGION_PARTITIONED");
      expect(refused.error?.message).toMatch(/checkout paused while the regions are cut off/);
      expect(refused.ms).toBeLessThan(5_000);

      // eu keeps taking orders (its primary is local): CP data is available on the primary's side.
      const euOrder = await startCheckout(
        {
          idempotencyKey: `regions-${run}-eu`,
          userId: shopperId,
          items: [{ vendorId, productId, quantity: 1 }],
          paymentMethodId: "pm_regionstest0002",
          address: ADDRESS,
          shipping: {},
        },
        async () => {},
      );
      expect(euOrder.orderId).toBeTruthy();
      const [during] = await standbyStatus(t, us!);
      report.partition = {
        cutForMs: Date.now() - cutAt,
        usCatalog: { status: cat.status, ms: cat.ms, copyAgeMs: cat.data?.freshness?.copyAgeMs },
        usHome: { status: home.status, ms: home.ms },
        usCategoryPage: { status: html.status, ms: html.ms },
        usCartAdd: { status: cart.status, ms: cart.ms },
        usCheckout: { status: refused.status, ms: refused.ms, domainCode: refused.error?.domainCode },
        euCheckout: { accepted: true, orderId: euOrder.orderId },
        standby: during,
      };

      // The arbiter's window is 2 × ttl (6 s): the cut has lasted longer than that by now.
      while (Date.now() - cutAt < 10_000) await sleep(250);
      sampling = false;
      await sampler;
      expect([...decisions]).toEqual(["wait"]);
      expect(readFailoverState(us!)).toBeUndefined();
      (report.partition as Record<string, unknown>).arbiterDecisions = [...decisions];

      const healedAt = Date.now();
      await setRegionLink(t, { mode: "healthy" });
      // Convergence: the order eu took during the cut is on the us standby, and the copy is fresh again.
      const convergedMs = await (async () => {
        for (;;) {
          const seen = await onStandby(async (c) => (await c.query("SELECT 1 FROM orders WHERE id = $1", [euOrder.orderId])).rowCount);
          const [s] = await standbyStatus(t, us!);
          if (seen && s?.heartbeatAgeMs !== null && (s?.heartbeatAgeMs ?? Infinity) < 2_000) return Date.now() - healedAt;
          if (Date.now() - healedAt > 120_000) throw new Error(`standby did not converge within 120 s: ${JSON.stringify(s)}`);
          await sleep(200);
        }
      })();
      const after = await usShop.query<{ freshness: Freshness | null }>("catalog.category", { slug: category });
      expect(after.data?.freshness?.copyAgeMs ?? Infinity).toBeLessThan(5_000);
      // And us takes orders again, through the link, written in eu.
      let placed: Answer<{ orderId: string }> | undefined;
      for (let i = 0; i < 10; i++) {
        placed = await usShop.mutation<{ orderId: string }>("checkout.place", {
          idempotencyKey: `regions-${run}-after`,
          address: ADDRESS,
          paymentMethodId: "pm_regionstest0003",
        });
        if (placed.status === 200) break;
        await sleep(1_000);
      }
      expect(placed?.status, JSON.stringify(placed?.error)).toBe(200);
      const inEu = await core().primary.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM orders WHERE id = ${placed!.data!.orderId}::uuid`;
      expect(inEu[0]?.n).toBe(1);
      const [healed] = await standbyStatus(t, us!);
      report.heal = { convergedMs, usCheckoutAfterHeal: { status: placed?.status, ms: placed?.ms }, standby: healed };
    });
  },
);
