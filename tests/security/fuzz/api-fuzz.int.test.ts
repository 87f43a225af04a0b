/**
 * Fuzz suite, tRPC: every procedure of each app's router, over HTTP as the tRPC client sends it
 * (queries as GET `?input=`, mutations as POST JSON, superjson envelopes), through the route
 * module Next mounts, against the real test topology; anonymous and signed in with the app's
 * most privileged role. Inputs are generated (bad-input.ts), seeded and bounded: AGORA_FUZZ_SEED
 * and AGORA_FUZZ_RUNS (per procedure and caller) change them. Then malformed requests per app
 * (envelopes, content types, methods, batches, huge bodies). The assertion for every answer: no
 * 5xx and no internal detail (internals.ts).
 */
import { randomUUID } from "node:crypto";
import { APP_ROUTERS } from "@agora/api";
import { apiRedisReady, closeApiRedis } from "@agora/api/cache";
import type { AuthApp, Role } from "@agora/auth";
import { loadConfig, telemetryCollectorSchema } from "@agora/config";
import { closeAll, createVendor } from "@agora/db";
import { topology } from "@agora/infra-local/topology";
import { createRedis } from "@agora/redis";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceIdentityFiles } from "@agora/infra-local/security";
import {
  createCollectorQueryServer,
  createCollectorServer,
} from "../../../apps/workers/src/telemetry-collector/server.ts";
import {
  createTelemetryStore,
  DEFAULT_RETENTION,
} from "../../../apps/workers/src/telemetry-collector/store.ts";
import { type AppRoute, type ServedApp, serveApp } from "./app-server.ts";
import { badInput, edgeValues, keyPaths, withValueAt } from "./bad-input.ts";
import { proceduresOf } from "./procedures.ts";
import { signedInCookie } from "./sessions.ts";
import { type FuzzRequest, inPool, send, Tally } from "./tally.ts";

const SEED = Number(process.env.AGORA_FUZZ_SEED ?? 20261205);
const RUNS = Number(process.env.AGORA_FUZZ_RUNS ?? 3);
const CONCURRENCY = 4;
/** Longest generated string in a query's URL (servers cap the request line), and in a body. */
const MAX_QUERY_STRING = 1_500;
const MAX_BODY_STRING = 100_000;

const trpcRoutes = {
  storefront: () => import("../../../apps/storefront/app/api/trpc/[trpc]/route.ts"),
  "vendor-portal": () => import("../../../apps/vendor-portal/app/api/trpc/[trpc]/route.ts"),
  "ops-console": () => import("../../../apps/ops-console/app/api/trpc/[trpc]/route.ts"),
} satisfies Record<AuthApp, unknown>;

const run = randomUUID().slice(0, 8);
// The console's telemetry pages read the collector; the test topology runs servers only, so the
// suite runs the real collector itself on the topology's port (as checkout-trace.int.test does).
const collectorRedis = createRedis({ connectionName: `fuzz-collector-${run}` });
// The topology's tokens: the console's reader sends the read one.
const collectorTokens = loadConfig(telemetryCollectorSchema);
const collectorStore = createTelemetryStore(collectorRedis, DEFAULT_RETENTION, { prefix: `fuzz-telemetry-${run}` });
const collectorTokenPair = {
  ingest: collectorTokens.AGORA_TELEMETRY_INGEST_TOKEN,
  read: collectorTokens.AGORA_TELEMETRY_READ_TOKEN,
};
const collector = createCollectorServer(collectorStore, {}, collectorTokenPair);
// The console reads on the query port, over mutual TLS with the collector's service identity.
const collectorQuery = createCollectorQueryServer(
  collectorStore,
  {},
  collectorTokenPair,
  serviceIdentityFiles(topology(), "telemetry-collector"),
);
const apps = new Map<AuthApp, { served: ServedApp; cookie: string; nextCookie: () => string }>();
const tally = new Tally();
const started = Date.now();
let clientNo = 0;

/** A distinct client address per anonymous call, as the edge writes it: per-IP limits stay out of the way. */
const clientAddress = () => {
  const n = ++clientNo;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
};

beforeAll(async () => {
  expect(await apiRedisReady(30_000)).toBe(true);
  const t = topology();
  await new Promise<void>((resolve, reject) => {
    collector.once("error", reject);
    collector.listen(t.apps.telemetryCollector, t.host, () => resolve());
  });
  await new Promise<void>((resolve, reject) => {
    collectorQuery.once("error", reject);
    collectorQuery.listen(t.apps.telemetryQuery, t.host, () => resolve());
  });
  const shop = await createVendor({ slug: `fuzz-${run}`, name: "Fuzz shop", shard: "shard-1" });
  // Three accounts per app, taken in turn, so per-user write limits refuse fewer of the calls.
  const accounts = (app: AuthApp, role: Role, vendorId: string | null) =>
    Promise.all(
      [1, 2, 3].map((n) =>
        signedInCookie(app, `fuzz-${role}-${n}-${run}@fuzz.test`, role, vendorId),
      ),
    );
  const cookies: Record<AuthApp, string[]> = {
    storefront: await accounts("storefront", "shopper", null),
    "vendor-portal": await accounts("vendor-portal", "vendor_owner", shop.id),
    "ops-console": await accounts("ops-console", "admin", null),
  };
  for (const app of Object.keys(trpcRoutes) as AuthApp[]) {
    const { GET, POST } = await trpcRoutes[app]();
    const routes: AppRoute[] = [{ path: /^\/api\/trpc\/[^/]*$/, methods: { GET, POST } }];
    let turn = 0;
    apps.set(app, {
      served: await serveApp(routes),
      cookie: cookies[app][0]!,
      nextCookie: () => cookies[app][turn++ % cookies[app].length]!,
    });
  }
});

afterAll(async () => {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`[fuzz] tRPC: ${tally.summary()} in ${seconds} s (seed ${SEED})\n`);
  for (const a of apps.values()) await a.served.close();
  await new Promise<void>((resolve) => collector.close(() => resolve()));
  const queryClosed = new Promise<void>((resolve) => collectorQuery.close(() => resolve()));
  collectorQuery.closeAllConnections();
  await queryClosed;
  collectorRedis.disconnect();
  await closeApiRedis();
  await closeAll();
});

const trpcCall = (
  path: string,
  type: "query" | "mutation",
  input: unknown,
  headers: Record<string, string>,
  label: string,
): FuzzRequest =>
  type === "query"
    ? {
        label,
        method: "GET",
        path: `/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }) ?? "")}`,
        headers,
      }
    : {
        label,
        method: "POST",
        path: `/api/trpc/${path}`,
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ json: input }) ?? "",
      };

describe.each(Object.keys(trpcRoutes) as AuthApp[])("fuzz: the %s tRPC endpoint", (app) => {
  const procedures = proceduresOf(APP_ROUTERS[app]);

  it("answers generated bad input to every procedure, anonymous and signed in, without a 5xx or internal detail", async () => {
    const failuresBefore = tally.failures.length;
    const { served, nextCookie } = apps.get(app)!;
    const requests: FuzzRequest[] = [];
    procedures.forEach((p, i) => {
      const maxString = p.type === "query" ? MAX_QUERY_STRING : MAX_BODY_STRING;
      const inputs = fc.sample(badInput(p.shape, maxString), { seed: SEED + i, numRuns: 2 * RUNS });
      inputs.forEach((input, n) => {
        const signedIn = n % 2 === 1;
        const headers: Record<string, string> = signedIn
          ? { cookie: nextCookie() }
          : { "x-forwarded-for": clientAddress() };
        requests.push(
          trpcCall(p.path, p.type, input, headers, signedIn ? "signed in" : "anonymous"),
        );
      });
    });
    await inPool(requests, CONCURRENCY, (r) => send(tally, served.url, r));
    expect(tally.failures.slice(failuresBefore)).toEqual([]);
  });

  it("answers the edge values at every key of every procedure, signed in, without a 5xx or internal detail", async () => {
    const failuresBefore = tally.failures.length;
    const { served, nextCookie } = apps.get(app)!;
    const requests: FuzzRequest[] = [];
    let turn = 0;
    for (const p of procedures) {
      const edges = edgeValues(p.type === "query" ? MAX_QUERY_STRING : MAX_BODY_STRING);
      // The first four edge values at every key of a query (reads are limited loosely); two per
      // key of a mutation, rotating through the list so each key meets different ones.
      for (const path of keyPaths(p.shape)) {
        const values =
          p.type === "query" ? edges.slice(0, 4) : [0, 1].map(() => edges[turn++ % edges.length]);
        for (const value of values) {
          const input = withValueAt(path, value);
          const headers = { cookie: nextCookie() };
          requests.push(trpcCall(p.path, p.type, input, headers, `edge ${path.join(".")}`));
        }
      }
    }
    await inPool(requests, CONCURRENCY, (r) => send(tally, served.url, r));
    expect(tally.failures.slice(failuresBefore)).toEqual([]);
  });

  it("answers malformed requests (envelopes, content types, methods, batches, huge bodies) without a 5xx or internal detail", async () => {
    const failuresBefore = tally.failures.length;
    const { served, cookie } = apps.get(app)!;
    const mutation = procedures.find((p) => p.type === "mutation")?.path ?? "health.ping";
    const query = procedures.find((p) => p.type === "query")!.path;
    const post = (
      label: string,
      body: string | Uint8Array<ArrayBuffer> | FormData,
      type?: string,
    ) => ({
      label,
      method: "POST",
      path: `/api/trpc/${mutation}`,
      headers: { ...(type ? { "content-type": type } : {}), cookie },
      body,
    });
    const get = (label: string, search: string, path = query) => ({
      label,
      method: "GET",
      path: `/api/trpc/${path}${search}`,
      headers: { cookie },
    });
    const form = new FormData();
    form.set("json", "{}");
    const requests: FuzzRequest[] = [
      post("text/plain body", '{"json":{}}', "text/plain"),
      post("multipart body", form),
      post("octet-stream body", new Uint8Array(64), "application/octet-stream"),
      post("no content type", '{"json":{}}'),
      post("truncated JSON", '{"json":', "application/json"),
      post("JSON null", "null", "application/json"),
      post("JSON array", "[1,2]", "application/json"),
      post("JSON string", '"x"', "application/json"),
      post("empty body", "", "application/json"),
      post("bare input without envelope", '{"productId":1}', "application/json"),
      post(
        "superjson meta on __proto__",
        '{"json":{"a":1},"meta":{"values":{"__proto__.polluted":["undefined"]}}}',
        "application/json",
      ),
      post(
        "superjson meta for a missing path",
        '{"json":{},"meta":{"values":{"a.b.c":["bigint"]}}}',
        "application/json",
      ),
      post(
        "superjson meta of an unknown type",
        '{"json":{"a":"x"},"meta":{"values":{"a":[["custom","nope"]]}}}',
        "application/json",
      ),
      post(
        "superjson bigint that is not a number",
        '{"json":{"a":"not a number"},"meta":{"values":{"a":["bigint"]}}}',
        "application/json",
      ),
      get("input is not JSON", "?input=notjson"),
      get("input is truncated JSON", `?input=${encodeURIComponent('{"json":')}`),
      get("broken percent-encoding", "?input=%E0%A4%A"),
      get("input repeated", `?input=1&input=2`),
      get("a mutation over GET", `?input=${encodeURIComponent('{"json":{}}')}`, mutation),
      get(
        "a batch over the limit",
        `?batch=1&input=${encodeURIComponent("{}")}`,
        Array(21).fill(query).join(","),
      ),
      get(
        "a batch of 500",
        `?batch=1&input=${encodeURIComponent("{}")}`,
        Array(500).fill(query).join(","),
      ),
      get(
        "batch inputs that are not an object",
        `?batch=1&input=${encodeURIComponent("[1]")}`,
        `${query},${query}`,
      ),
      get("an unknown procedure", "", "nope.nothing"),
      get("a procedure name with NUL and a lone surrogate", "", "x%00%ED%A0%80"),
      {
        label: "a query over POST",
        method: "POST",
        path: `/api/trpc/${query}`,
        headers: { "content-type": "application/json" },
        body: '{"json":{}}',
      },
      {
        label: "cross-site mutation",
        method: "POST",
        path: `/api/trpc/${mutation}`,
        headers: { "content-type": "application/json", origin: "http://evil.example", cookie },
        body: '{"json":{}}',
      },
    ];
    await inPool(requests, CONCURRENCY, (r) => send(tally, served.url, r));
    // Answers after which a server may close the connection (413 unread, 431, 405): one at a time.
    const closing: FuzzRequest[] = [
      post(
        "2 MB body",
        JSON.stringify({ json: { x: "y".repeat(2 * 1024 * 1024) } }),
        "application/json",
      ),
      get("a 5,000-character procedure name", "", "a".repeat(5_000)),
      { label: "PUT", method: "PUT", path: `/api/trpc/${mutation}`, body: "{}" },
      { label: "DELETE", method: "DELETE", path: `/api/trpc/${mutation}` },
    ];
    for (const r of closing) await send(tally, served.url, r);
    expect(tally.failures.slice(failuresBefore)).toEqual([]);
  });
});
