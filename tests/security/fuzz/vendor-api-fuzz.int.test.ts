/**
 * Fuzz suite, vendor REST API (/api/v1 of the vendor portal) over HTTP: generated bearer values
 * (garbage, forged keys, JWT-shaped strings), SKU path segments, query strings, JSON and non-JSON
 * bodies, Idempotency-Key headers, with no credential and with a real key of every scope. Seeded
 * and bounded (AGORA_FUZZ_SEED, AGORA_FUZZ_RUNS). Every answer: no 5xx, no internal detail.
 */
import { randomUUID } from "node:crypto";
import { apiRedisReady, closeApiRedis } from "@agora/api/cache";
import { generateKey } from "@agora/api/vendor-api";
import { closeAll, core, createVendor, withTenant } from "@agora/db";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AppRoute, type ServedApp, serveApp } from "./app-server.ts";
import { type FuzzRequest, inPool, send, Tally } from "./tally.ts";

vi.mock("server-only", () => ({}));

const SEED = Number(process.env.AGORA_FUZZ_SEED ?? 20261205);
const RUNS = Number(process.env.AGORA_FUZZ_RUNS ?? 4);
const run = randomUUID().slice(0, 8);
const tally = new Tally();
let portal: ServedApp;
let key: string;
let warehouseId: string;

beforeAll(async () => {
  expect(await apiRedisReady(30_000)).toBe(true);
  const shop = await createVendor({ slug: `fuzz-api-${run}`, name: "Fuzz API", shard: "shard-1" });
  warehouseId = randomUUID();
  await withTenant(shop.id, (tx) =>
    tx.warehouse.create({
      data: { id: warehouseId, vendorId: shop.id, code: "MAIN", name: "Main" },
    }),
  );
  const k = generateKey();
  key = k.key;
  await core().primary.vendorApiKey.create({
    data: {
      id: randomUUID(),
      vendorId: shop.id,
      name: "fuzz",
      prefix: k.prefix,
      secretHash: k.secretHash,
      scopes: ["stock:read", "stock:write", "orders:read"],
      rateLimitPerMinute: 6_000,
    },
  });
  const p = "../../../apps/vendor-portal/app/api/v1";
  portal = await serveApp([
    { path: /^\/api\/v1\/stock$/, methods: { GET: (await import(`${p}/stock/route.ts`)).GET } },
    {
      path: /^\/api\/v1\/stock\/(?<sku>[^/]*)$/,
      methods: { PUT: (await import(`${p}/stock/[sku]/route.ts`)).PUT },
    },
    { path: /^\/api\/v1\/orders$/, methods: { GET: (await import(`${p}/orders/route.ts`)).GET } },
    {
      path: /^\/api\/v1\/warehouses$/,
      methods: { GET: (await import(`${p}/warehouses/route.ts`)).GET },
    },
  ] as AppRoute[]);
});

afterAll(async () => {
  process.stdout.write(`[fuzz] vendor API: ${tally.summary()} (seed ${SEED})\n`);
  await portal?.close();
  await closeApiRedis();
  await closeAll();
});

const text = fc.oneof(
  fc.constantFrom("", "%00", "%ED%A0%80", "..%2f..%2fetc", "%", "1e400", "null", "-1"),
  fc
    .string({ unit: "binary", maxLength: 60 })
    .map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, ""))),
  fc.integer({ min: 300, max: 3_000 }).map((n) => "a".repeat(n)),
  fc.uuid(),
);
const bearer = fc.oneof(
  fc.constantFrom("", "agk_", "agk_000000000000_x", "eyJhbGciOiJub25lIn0.e30.", "a.b.c", "Basic x"),
  fc.string({ maxLength: 200 }).map((s) => s.replace(/[^\x21-\x7e]/g, "")),
  fc.uuid().map((u) => `agk_${u.replace(/-/g, "").slice(0, 12)}_${"A".repeat(43)}`),
);
const jsonValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({
    warehouseId: fc.oneof(fc.uuid(), fc.constant("x")),
    onHand: fc.oneof(fc.integer(), fc.double(), fc.constant("5"), fc.constant(null)),
    note: fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), fc.constant("\u0000")),
  }),
);
const body = fc.oneof(
  jsonValue.map((v) => ({ body: JSON.stringify(v), type: "application/json" })),
  fc.string({ unit: "binary", maxLength: 300 }).map((s) => ({ body: s, type: "application/json" })),
  fc.constantFrom(
    { body: "onHand=1", type: "application/x-www-form-urlencoded" },
    { body: "{}", type: "text/plain" },
    { body: "x".repeat(40_000), type: "application/json" },
  ),
);
const idempotencyKey = fc.oneof(
  fc.constant(null),
  fc.uuid(),
  fc.string({ maxLength: 200 }).map((s) => s.replace(/[^\x20-\x7e]/g, "")),
);

describe("fuzz: vendor REST API", () => {
  it("answers generated credentials, paths, queries and bodies without a 5xx or internal detail", async () => {
    const requests: FuzzRequest[] = [];
    for (const b of fc.sample(bearer, { seed: SEED, numRuns: 4 * RUNS }))
      requests.push({
        label: "bearer",
        method: "GET",
        path: "/api/v1/warehouses",
        headers: { authorization: `Bearer ${b}` },
      });
    const auth = { authorization: `Bearer ${key}` };
    const queries = fc.sample(fc.tuple(text, text, text, text), {
      seed: SEED + 1,
      numRuns: 4 * RUNS,
    });
    for (const [w, c, l, s] of queries) {
      requests.push({
        label: "stock list",
        method: "GET",
        path: `/api/v1/stock?warehouseId=${w}&cursor=${c}&limit=${l}&lowOnly=${s}`,
        headers: auth,
      });
      requests.push({
        label: "stock list own",
        method: "GET",
        path: `/api/v1/stock?warehouseId=${warehouseId}&cursor=${c}&limit=${l}`,
        headers: auth,
      });
      requests.push({
        label: "orders",
        method: "GET",
        path: `/api/v1/orders?status=${s}&cursor=${c}&limit=${l}`,
        headers: auth,
      });
    }
    const puts = fc.sample(fc.tuple(text, body, idempotencyKey), {
      seed: SEED + 2,
      numRuns: 6 * RUNS,
    });
    for (const [sku, b, idem] of puts)
      for (const who of [auth, {}])
        requests.push({
          label: "stock put",
          method: "PUT",
          path: `/api/v1/stock/${sku.replace(/\//g, "%2F")}`,
          headers: {
            ...who,
            "content-type": b.type,
            ...(idem === null ? {} : { "idempotency-key": idem }),
          },
          body: b.body,
        });
    await inPool(requests, 3, (r) => send(tally, portal.url, r));
    expect(tally.failures).toEqual([]);
  });
});
