/**
 * Fuzz suite, route handlers: every handler under the apps' app/api (CSV import and its error
 * report, product export, image upload, metrics; next-auth's routes for the cross-site guard in
 * front of them), over HTTP through the modules Next mounts, anonymous and signed in as the
 * vendor's owner. Generated path segments (NUL, lone surrogates, 5,000 characters, traversal),
 * content types, file names and bodies (garbage, NUL, formulas, polyglots, over the size limit),
 * seeded and bounded (AGORA_FUZZ_SEED, AGORA_FUZZ_RUNS). Every answer: no 5xx, no internal detail.
 */
import { randomUUID } from "node:crypto";
import { apiRedisReady, closeApiRedis } from "@agora/api/cache";
import { MAX_IMPORT_BYTES } from "@agora/api/vendor-imports";
import { closeAll, createVendor } from "@agora/db";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AppRoute, type ServedApp, serveApp } from "./app-server.ts";
import { signedInCookie } from "./sessions.ts";
import { type FuzzRequest, inPool, send, Tally } from "./tally.ts";

// The portal's route handlers import server-only modules; outside Next's react-server build that
// guard throws on import.
vi.mock("server-only", () => ({}));

const SEED = Number(process.env.AGORA_FUZZ_SEED ?? 20261205);
const RUNS = Number(process.env.AGORA_FUZZ_RUNS ?? 4);
const CONCURRENCY = 3;
const run = randomUUID().slice(0, 8);
const tally = new Tally();
const started = Date.now();
let portal: ServedApp;
let storefront: ServedApp;
let consoleApp: ServedApp;
let owner: string;

beforeAll(async () => {
  expect(await apiRedisReady(30_000)).toBe(true);
  const shop = await createVendor({
    slug: `fuzz-routes-${run}`,
    name: "Fuzz routes",
    shard: "shard-2",
  });
  owner = await signedInCookie(
    "vendor-portal",
    `fuzz-routes-${run}@fuzz.test`,
    "vendor_owner",
    shop.id,
  );
  const p = "../../../apps/vendor-portal/app/api";
  const imports = await import(`${p}/imports/route.ts`);
  const importErrors = await import(`${p}/imports/[id]/errors/route.ts`);
  const exportCsv = await import(`${p}/products/export/route.ts`);
  const media = await import(`${p}/products/[id]/media/route.ts`);
  const portalMetrics = await import(`${p}/metrics/route.ts`);
  const portalAuth = await import(`${p}/auth/[...nextauth]/route.ts`);
  portal = await serveApp([
    { path: /^\/api\/imports$/, methods: { POST: imports.POST } },
    { path: /^\/api\/imports\/(?<id>[^/]*)\/errors$/, methods: { GET: importErrors.GET } },
    { path: /^\/api\/products\/export$/, methods: { GET: exportCsv.GET } },
    { path: /^\/api\/products\/(?<id>[^/]*)\/media$/, methods: { POST: media.POST } },
    { path: /^\/api\/metrics$/, methods: { GET: portalMetrics.GET } },
    { path: /^\/api\/auth\//, methods: { POST: portalAuth.POST } },
  ] as AppRoute[]);
  const s = "../../../apps/storefront/app/api";
  storefront = await serveApp([
    { path: /^\/api\/metrics$/, methods: { GET: (await import(`${s}/metrics/route.ts`)).GET } },
    {
      path: /^\/api\/auth\//,
      methods: { POST: (await import(`${s}/auth/[...nextauth]/route.ts`)).POST },
    },
  ] as AppRoute[]);
  const o = "../../../apps/ops-console/app/api";
  consoleApp = await serveApp([
    { path: /^\/api\/metrics$/, methods: { GET: (await import(`${o}/metrics/route.ts`)).GET } },
    {
      path: /^\/api\/auth\//,
      methods: { POST: (await import(`${o}/auth/[...nextauth]/route.ts`)).POST },
    },
  ] as AppRoute[]);
});

afterAll(async () => {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `[fuzz] route handlers: ${tally.summary()} in ${seconds} s (seed ${SEED})\n`,
  );
  await Promise.all([portal, storefront, consoleApp].map((a) => a?.close()));
  await closeApiRedis();
  await closeAll();
});

/** Path segments a client may put where an id belongs (percent-encoded as a client would). */
const badSegment = fc
  .oneof(
    fc.uuid(),
    fc.constantFrom("", ".", "..", "..%2f..%2fetc%2fpasswd", "%00", "%ED%A0%80", "%E0%A4%A", "%"),
    fc
      .string({ unit: "binary", maxLength: 40 })
      .map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, ""))),
    fc.integer({ min: 300, max: 5_000 }).map((n) => "a".repeat(n)),
  )
  .map((s) => s.replace(/\//g, "%2F"));

const CSV_HEAD = "sku,name,price_cents,category,warehouse,quantity\n";
const fileContent = fc.oneof(
  fc.constant(""),
  fc.uint8Array({ maxLength: 2_000 }).map((b) => Buffer.from(b).toString("latin1")),
  fc.constantFrom(
    `${CSV_HEAD}A-1,=HYPERLINK("http://x"),100,kitchen,MAIN,1\n`,
    `${CSV_HEAD}A\u0000,Na\u0000me,1e400,\ud800,MAIN,-1\n`,
    `${CSV_HEAD}${"x,".repeat(5_000)}\n`,
    `"unterminated,${CSV_HEAD}`,
    "GIF89a/*<script>alert(1)</script>*/",
    "\u0089PNG\r\n\u001a\n garbage after the signature",
    '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
  ),
  fc.string({ unit: "binary", maxLength: 500 }).map((s) => `${CSV_HEAD}${s}`),
);
const fileName = fc.oneof(
  fc.constantFrom("products.csv", "", "../../etc/passwd", "a\u0000b.csv", "\ud800.csv", "x.png"),
  fc.integer({ min: 300, max: 5_000 }).map((n) => `${"n".repeat(n)}.csv`),
);
const contentType = fc.constantFrom(
  "multipart",
  "application/json",
  "text/plain",
  "text/csv",
  "application/x-www-form-urlencoded",
  "application/octet-stream",
  "multipart/form-data",
  "multipart/form-data; boundary=nothing-like-the-body",
  "none",
);

/** A POST body of one generated kind: a real multipart form, or raw bytes under some content type. */
function uploadBody(
  kind: string,
  field: string,
  name: string,
  content: string,
): Pick<FuzzRequest, "body" | "headers"> {
  if (kind === "multipart") {
    const form = new FormData();
    form.set(field, new File([content], name));
    return { body: form };
  }
  return {
    body: content,
    headers: kind === "none" ? {} : { "content-type": kind },
  };
}

const upload = fc.record({
  kind: contentType,
  field: fc.constantFrom("file", "other", ""),
  name: fileName,
  content: fileContent,
});

describe("fuzz: route handlers", () => {
  it("answers generated uploads, downloads and path segments, anonymous and signed in, without a 5xx or internal detail", async () => {
    const failuresBefore = tally.failures.length;
    const requests: FuzzRequest[] = [];
    const callers: [string, Record<string, string>][] = [
      ["anonymous", {}],
      ["owner", { cookie: owner }],
    ];
    for (const [who, auth] of callers) {
      const uploads = fc.sample(upload, { seed: SEED, numRuns: 3 * RUNS });
      const segments = fc.sample(badSegment, { seed: SEED + 1, numRuns: 3 * RUNS });
      uploads.forEach((u, i) => {
        const body = uploadBody(u.kind, u.field, u.name, u.content);
        const headers = { ...auth, ...body.headers };
        requests.push({
          label: `${who} import ${u.kind}`,
          method: "POST",
          path: "/api/imports",
          headers,
          body: body.body,
        });
        requests.push({
          label: `${who} image ${u.kind}`,
          method: "POST",
          path: `/api/products/${segments[i] ?? randomUUID()}/media`,
          headers,
          body: body.body,
        });
      });
      for (const segment of segments)
        requests.push({
          label: `${who} import errors`,
          method: "GET",
          path: `/api/imports/${segment}/errors`,
          headers: auth,
        });
      requests.push({
        label: `${who} export`,
        method: "GET",
        path: "/api/products/export",
        headers: auth,
      });
      requests.push({
        label: `${who} metrics`,
        method: "GET",
        path: "/api/metrics",
        headers: auth,
      });
      // Over the limits: a declared Content-Length, and the same size without one (chunked).
      const big = new Uint8Array(new ArrayBuffer(MAX_IMPORT_BYTES + 256 * 1024));
      requests.push({
        label: `${who} import over the limit`,
        method: "POST",
        path: "/api/imports",
        headers: { ...auth, "content-type": "multipart/form-data; boundary=x" },
        body: big,
      });
    }
    await inPool(requests, CONCURRENCY, (r) => send(tally, portal.url, r));
    for (const app of [storefront, consoleApp])
      await send(tally, app.url, { label: "metrics", method: "GET", path: "/api/metrics" });
    expect(tally.failures.slice(failuresBefore)).toEqual([]);
  });

  it("refuses cross-site POSTs to every app's state-changing routes with 403", async () => {
    const failuresBefore = tally.failures.length;
    const crossSite = {
      origin: "http://evil.example",
      "content-type": "application/x-www-form-urlencoded",
    };
    const targets: [ServedApp, string][] = [
      [portal, "/api/imports"],
      [portal, `/api/products/${randomUUID()}/media`],
      [portal, "/api/auth/callback/credentials"],
      [portal, "/api/auth/signout"],
      [storefront, "/api/auth/callback/credentials"],
      [consoleApp, "/api/auth/callback/credentials"],
    ];
    for (const [app, path] of targets) {
      const status = await send(tally, app.url, {
        label: "cross-site",
        method: "POST",
        path,
        headers: { ...crossSite, cookie: owner },
        body: "email=a%40b.c&password=x&csrfToken=x",
      });
      expect(status, path).toBe(403);
    }
    expect(tally.failures.slice(failuresBefore)).toEqual([]);
  });
});
