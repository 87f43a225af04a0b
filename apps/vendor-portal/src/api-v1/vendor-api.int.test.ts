/**
 * The vendor REST API (/api/v1) over HTTP, its route modules behind a loopback server, against the
 * real topology: a key's whole life (created in the portal, used, revoked → 401), scopes (403),
 * tenant isolation (another shop's SKU and warehouse are 404), the per-key rate limit (429 with
 * Retry-After), the idempotent stock PUT, typed 422s for bad input, and the audit trail.
 */
import { randomUUID } from "node:crypto";
import { closeApiRedis } from "@agora/api/cache";
import { listAuditLog } from "../../../../packages/api/src/vendor/audit-log.ts";
import { vendorRouter } from "../../../../packages/api/src/router/vendor.ts";
import { createCallerFactory, createTRPCRouter } from "../../../../packages/api/src/trpc.ts";
import type { AgoraSession } from "@agora/auth";
import { closeAll, core, createVendor, hashPassword, withTenant } from "@agora/db";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type ServedApp, serveApp } from "../../../../tests/security/fuzz/app-server.ts";

vi.mock("server-only", () => ({}));

const createCaller = createCallerFactory(createTRPCRouter({ vendor: vendorRouter }));
const run = randomUUID().slice(0, 8);
const category = `vendor-api-${run}`;
let app: ServedApp;

interface Shop {
  vendorId: string;
  owner: ReturnType<typeof createCaller>;
  warehouseId: string;
  productSku: string;
  variantSku: string;
}

async function shop(name: string, shard: "shard-1" | "shard-2"): Promise<Shop> {
  const vendorId = (await createVendor({ slug: `${name}-${run}`, name, shard })).id;
  const email = `owner-${name}-${run}@vendor-api.test`;
  const { id: userId } = await core().primary.user.create({
    data: { email, name: "Owner", passwordHash: await hashPassword("vendor api test") },
  });
  const session: AgoraSession = { userId, email, name: "Owner", roles: ["vendor_owner"], vendorId };
  const owner = createCaller({ headers: new Headers(), session });
  const warehouseId = (await owner.vendor.warehouses.create({ code: "MAIN", name: "Main" })).id;
  const productSku = `API-${name}-${run}`.toUpperCase();
  const variantSku = `${productSku}-M`;
  await owner.vendor.products.create({
    sku: productSku,
    title: `${name} tee`,
    description: "",
    categorySlug: category,
    priceCents: 2000,
    currency: "EUR",
    status: "active",
    variants: [{ sku: variantSku, title: "M", size: "M", colour: null, priceCents: null }],
  });
  return { vendorId, owner, warehouseId, productSku, variantSku };
}

let a: Shop;
let b: Shop;

beforeAll(async () => {
  await core().primary.category.upsert({
    where: { slug: category },
    create: { slug: category, name: `Vendor API ${run}` },
    update: {},
  });
  [a, b] = await Promise.all([shop("alpha", "shard-1"), shop("beta", "shard-2")]);
  const p = "../../app/api/v1";
  const stock = await import(`${p}/stock/route.ts`);
  const stockSku = await import(`${p}/stock/[sku]/route.ts`);
  const orders = await import(`${p}/orders/route.ts`);
  const warehouses = await import(`${p}/warehouses/route.ts`);
  const openapi = await import(`${p}/openapi.json/route.ts`);
  app = await serveApp([
    { path: /^\/api\/v1\/stock$/, methods: { GET: stock.GET } },
    { path: /^\/api\/v1\/stock\/(?<sku>[^/]*)$/, methods: { PUT: stockSku.PUT } },
    { path: /^\/api\/v1\/orders$/, methods: { GET: orders.GET } },
    { path: /^\/api\/v1\/warehouses$/, methods: { GET: warehouses.GET } },
    { path: /^\/api\/v1\/openapi\.json$/, methods: { GET: openapi.GET } },
  ]);
});

afterAll(async () => {
  await app?.close();
  await closeApiRedis();
  await closeAll();
});

function call(
  key: string | null,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...init.headers };
  if (key) headers.authorization = `Bearer ${key}`;
  if (init.body !== undefined) headers["content-type"] ??= "application/json";
  return fetch(`${app.url}${path}`, {
    method: init.method ?? "GET",
    headers,
    body:
      init.body === undefined
        ? undefined
        : typeof init.body === "string"
          ? init.body
          : JSON.stringify(init.body),
  });
}

async function errorCode(res: Response): Promise<string> {
  const body = (await res.json()) as { error: { code: string } };
  return body.error.code;
}

const ALL = ["stock:read", "stock:write", "orders:read"] as const;

describe("vendor API keys", () => {
  it("shows a key once, works until revoked, then answers 401; both changes are audited", async () => {
    const { key, apiKey } = await a.owner.vendor.apiKeys.create({
      name: "ERP sync",
      scopes: [...ALL],
    });
    expect(key).toMatch(/^agk_[0-9a-f]{12}_/);
    const listed = await a.owner.vendor.apiKeys.list();
    const row = listed.find((k) => k.id === apiKey.id)!;
    expect(row.prefix).toBe(`agk_${key.slice(4, 16)}_…`);
    expect(JSON.stringify(listed)).not.toContain(key.slice(17));

    const ok = await call(key, "/api/v1/warehouses");
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { items: { id: string }[] }).items.map((w) => w.id)).toEqual([
      a.warehouseId,
    ]);
    expect(ok.headers.get("ratelimit-limit")).toBe("120");
    const used = await core().primary.vendorApiKey.findUnique({ where: { id: apiKey.id } });
    expect(used?.lastUsedAt).toBeInstanceOf(Date);

    await a.owner.vendor.apiKeys.revoke({ keyId: apiKey.id });
    const after = await call(key, "/api/v1/warehouses");
    expect(after.status).toBe(401);
    expect(after.headers.get("www-authenticate")).toContain("Bearer");
    expect(await errorCode(after)).toBe("UNAUTHENTICATED");

    const audit = await listAuditLog(a.vendorId, { limit: 50 });
    const actions = audit.items.filter((e) => e.targetId === apiKey.id).map((e) => e.action);
    expect(actions).toEqual(["api_key.revoke", "api_key.create"]);
  });

  it("refuses a missing, malformed or forged key with 401", async () => {
    const { key } = await a.owner.vendor.apiKeys.create({ name: "forge", scopes: ["stock:read"] });
    expect((await call(null, "/api/v1/warehouses")).status).toBe(401);
    expect((await call("agk_nonsense", "/api/v1/warehouses")).status).toBe(401);
    const forged = `${key.slice(0, 17)}${"A".repeat(43)}`;
    expect((await call(forged, "/api/v1/warehouses")).status).toBe(401);
    expect((await call("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "/api/v1/warehouses")).status).toBe(
      401,
    );
  });

  it("refuses an endpoint outside the key's scopes with 403", async () => {
    const { key } = await a.owner.vendor.apiKeys.create({
      name: "read only",
      scopes: ["stock:read"],
    });
    const put = await call(key, `/api/v1/stock/${a.productSku}`, {
      method: "PUT",
      body: { warehouseId: a.warehouseId, onHand: 5 },
      headers: { "idempotency-key": `scope-${run}` },
    });
    expect(put.status).toBe(403);
    expect(await errorCode(put)).toBe("FORBIDDEN");
    expect((await call(key, "/api/v1/orders")).status).toBe(403);
  });

  it("never reaches another shop's stock: its SKU and warehouse are 404", async () => {
    const { key } = await b.owner.vendor.apiKeys.create({ name: "beta", scopes: [...ALL] });
    const put = await call(key, `/api/v1/stock/${a.productSku}`, {
      method: "PUT",
      body: { warehouseId: b.warehouseId, onHand: 99 },
      headers: { "idempotency-key": `cross-${run}` },
    });
    expect(put.status).toBe(404);
    const putWarehouse = await call(key, `/api/v1/stock/${b.productSku}`, {
      method: "PUT",
      body: { warehouseId: a.warehouseId, onHand: 99 },
      headers: { "idempotency-key": `cross-w-${run}` },
    });
    expect(putWarehouse.status).toBe(404);
    expect((await call(key, `/api/v1/stock?warehouseId=${a.warehouseId}`)).status).toBe(404);
    const aStock = await withTenant(a.vendorId, (tx) =>
      tx.stockLevel.findMany({ where: { vendorId: a.vendorId } }),
    );
    expect(aStock.every((s) => s.onHand !== 99)).toBe(true);
  });

  it("answers 429 with Retry-After once a key is over its own limit, other keys unaffected", async () => {
    const { key } = await a.owner.vendor.apiKeys.create({
      name: "tight",
      scopes: ["stock:read"],
      rateLimitPerMinute: 3,
    });
    const { key: other } = await a.owner.vendor.apiKeys.create({
      name: "other",
      scopes: ["stock:read"],
    });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(key, "/api/v1/warehouses")).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await call(key, "/api/v1/warehouses");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await errorCode(limited)).toBe("RATE_LIMITED");
    expect((await call(other, "/api/v1/warehouses")).status).toBe(200);
  });

  it("applies a stock PUT once per Idempotency-Key and replays its answer", async () => {
    const { key } = await a.owner.vendor.apiKeys.create({ name: "writer", scopes: [...ALL] });
    const idem = `set-${run}`;
    const put = (onHand: number, k = idem) =>
      call(key, `/api/v1/stock/${a.variantSku}`, {
        method: "PUT",
        body: { warehouseId: a.warehouseId, onHand, note: "count" },
        headers: { "idempotency-key": k },
      });
    const first = await put(12);
    expect(first.status).toBe(200);
    const firstBody = (await first.json()) as {
      onHand: number;
      changed: boolean;
      variantId: string;
    };
    expect(firstBody).toMatchObject({ onHand: 12, changed: true, sku: a.variantSku });
    expect(first.headers.get("idempotent-replayed")).toBe("false");

    // A stock change in between: the retry must not set 12 again over it.
    const variant = await withTenant(a.vendorId, (tx) =>
      tx.productVariant.findFirstOrThrow({ where: { vendorId: a.vendorId, sku: a.variantSku } }),
    );
    await a.owner.vendor.stock.adjust({
      warehouseId: a.warehouseId,
      productId: variant.productId,
      variantId: variant.id,
      delta: -2,
      reason: "adjust",
    });
    const retry = await put(12);
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await retry.json()).toEqual(firstBody);
    const movements = await withTenant(a.vendorId, (tx) =>
      tx.stockMovement.findMany({ where: { vendorId: a.vendorId, reference: "api: count" } }),
    );
    expect(movements).toHaveLength(1);

    const reused = await put(13);
    expect(reused.status).toBe(422);
    expect(await errorCode(reused)).toBe("IDEMPOTENCY_KEY_REUSED");

    const listed = await call(key, `/api/v1/stock?warehouseId=${a.warehouseId}`);
    const lines = ((await listed.json()) as { items: { sku: string; onHand: number }[] }).items;
    expect(lines.find((l) => l.sku === a.variantSku)?.onHand).toBe(10);

    const audit = await listAuditLog(a.vendorId, { limit: 50 });
    const set = audit.items.find((e) => e.action === "stock.set");
    expect(set?.details).toMatchObject({ sku: a.variantSku, via: "api-key", idempotencyKey: idem });
  });

  it("answers bad input with a typed 422, never a 5xx", async () => {
    const { key } = await a.owner.vendor.apiKeys.create({ name: "fuzzy", scopes: [...ALL] });
    const cases: [string, Parameters<typeof call>[2]][] = [
      ["/api/v1/stock?warehouseId=nope", {}],
      ["/api/v1/stock?warehouseId=" + a.warehouseId + "&limit=9999", {}],
      ["/api/v1/orders?status=teleported", {}],
      [
        `/api/v1/stock/${a.productSku}`,
        { method: "PUT", body: "{not json", headers: { "idempotency-key": `bad-${run}` } },
      ],
      [
        `/api/v1/stock/${a.productSku}`,
        {
          method: "PUT",
          body: { warehouseId: a.warehouseId, onHand: -1 },
          headers: { "idempotency-key": `bad2-${run}` },
        },
      ],
      [
        `/api/v1/stock/${a.productSku}`,
        { method: "PUT", body: { warehouseId: a.warehouseId, onHand: 1 } },
      ],
      [
        `/api/v1/stock/${encodeURIComponent("../../etc")}`,
        {
          method: "PUT",
          body: { warehouseId: a.warehouseId, onHand: 1 },
          headers: { "idempotency-key": `bad3-${run}` },
        },
      ],
    ];
    for (const [path, init] of cases) {
      const res = await call(key, path, init);
      expect(res.status, path).toBe(422);
      expect(await errorCode(res)).toBe("INVALID_REQUEST");
    }
  });

  it("lists the shop's orders and publishes an OpenAPI document of the API", async () => {
    const { key } = await a.owner.vendor.apiKeys.create({
      name: "orders",
      scopes: ["orders:read"],
    });
    const orders = await call(key, "/api/v1/orders?limit=5");
    expect(orders.status).toBe(200);
    expect(await orders.json()).toEqual({ items: [], nextCursor: null });
    const doc = (await (await call(null, "/api/v1/openapi.json")).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/api/v1/orders",
      "/api/v1/stock",
      "/api/v1/stock/{sku}",
      "/api/v1/warehouses",
    ]);
  });
});
