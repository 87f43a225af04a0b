/**
 * The HTTP edge as configured, run by the real HAProxy and nginx binaries in front of a stand-in
 * storefront that counts what reaches it: the edge cache keeps only what the origin marks public,
 * coalesces a crowd of misses into one origin request and stands in with the last good answer
 * while the origin fails; the flood guard answers 429 itself; the client address is the edge's to
 * state; no instance is handed more requests at once than its `maxconn`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type Server,
} from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../processes/free-port.ts";
import { type PrivateHaproxy, startPrivateHaproxy } from "../testing/private-haproxy.ts";
import { EDGE_BODY_LIMIT_BYTES } from "./haproxy.ts";
import { cdnConfig, cdnPaths } from "./nginx.ts";

const NGINX = "/usr/sbin/nginx";
const FLOOD_LIMIT_HERE = 300;

let origin: Server;
let haproxy: PrivateHaproxy;
let nginx: ChildProcess;
/** What the stand-in answers to /api/trpc/catalog.* while set: an origin in trouble. */
let failWith: number | undefined;
let gateway: string;
const hits = new Map<string, number>();
let inFlight = 0;
let maxInFlight = 0;
/** X-Forwarded-For per path (a background refresh of another entry may arrive at any time). */
const forwardedForOf = new Map<string, string[]>();
/** The X-Request-Id the origin last saw per path. */
const requestIdOf = new Map<string, string>();

beforeAll(async () => {
  origin = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0] ?? "";
    hits.set(path, (hits.get(path) ?? 0) + 1);
    requestIdOf.set(path, String(req.headers["x-request-id"]));
    forwardedForOf.set(path, [
      ...(forwardedForOf.get(path) ?? []),
      String(req.headers["x-forwarded-for"]),
    ]);
    if (path === "/healthz") return res.end("ok");
    if (path === "/slow") {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        res.end("slow");
      }, 150);
      return;
    }
    if (failWith && path.startsWith("/api/trpc/catalog.")) {
      res.statusCode = failWith;
      return res.end("origin failing");
    }
    if (path === "/api/trpc/catalog.slow") {
      // A slow public read: a crowd arrives while the one origin request is in flight.
      setTimeout(() => {
        res.setHeader("cache-control", "public, s-maxage=1");
        res.end(JSON.stringify({ path, n: hits.get(path) }));
      }, 300);
      return;
    }
    if (path === "/" || path.startsWith("/c/") || path.startsWith("/p/") || path === "/cart") {
      // What a storefront page answers (Next): private, its own Vary, and the guest cart cookie
      // to a visitor without one (the storefront's proxy).
      res.setHeader("cache-control", "private, no-cache, no-store, max-age=0, must-revalidate");
      res.setHeader("vary", "rsc, next-router-state-tree, Accept-Encoding");
      if (!String(req.headers.cookie ?? "").includes("agora_cart="))
        res.setHeader("set-cookie", "agora_cart=from-a-storefront; Path=/; HttpOnly");
      res.setHeader("content-type", "text/html");
      return res.end(
        `<p>${path} render ${hits.get(path)} for "${req.headers["accept-encoding"] ?? ""}"</p>`,
      );
    }
    const body = JSON.stringify({ path, n: hits.get(path) });
    // What the API does (packages/api/src/cache/edge-cache.ts): public reads say s-maxage, the
    // rest nothing; Next adds a Vary naming its own request headers to every answer.
    if (path === "/api/trpc/catalog.home") res.setHeader("cache-control", "public, s-maxage=30");
    res.setHeader("vary", "rsc, next-router-state-tree, trpc-accept, accept, Accept-Encoding");
    res.setHeader("content-type", "application/json");
    res.end(body);
  });
  await new Promise<void>((r) => origin.listen(0, "127.0.0.1", r));
  const originPort = (origin.address() as AddressInfo).port;
  haproxy = await startPrivateHaproxy({
    tmpPrefix: "agora-edge-",
    storefront: [originPort],
    // One edge of its own, with a status port of its own.
    topology: async () => ({ cdnInstances: [{ name: "cdn-1", statusPort: await freePort() }] }),
    // The flood limit scaled down so the test reaches it in a second; the rule is the same. The
    // stand-in's public procedures play the API's EDGE_CACHE_SECONDS.
    config: {
      floodLimit: FLOOD_LIMIT_HERE,
      edgeProcedures: [
        "catalog.home",
        "catalog.slow",
        "catalog.other",
        "catalog.unmarked",
        "catalog.probe",
      ],
    },
  });
  const t = haproxy.topology;
  const cdn = cdnPaths(t);
  mkdirSync(cdn.tempDir, { recursive: true });
  writeFileSync(cdn.configFile, cdnConfig(t));
  nginx = spawn(NGINX, ["-p", cdn.dir, "-e", cdn.errorLog, "-c", cdn.configFile], {
    stdio: "ignore",
  });
  gateway = haproxy.gateway;
  // Up when a public read comes back through the edge cache (HAProxy has seen nginx healthy).
  for (let i = 0; i < 100; i++) {
    const r = await fetch(`${gateway}/api/trpc/catalog.probe`).catch(() => undefined);
    await r?.text();
    if (r?.headers.get("x-cache")) {
      hits.clear();
      return;
    }
    await sleep(100);
  }
  throw new Error(
    `the edge did not come up (nginx: ${readFileSync(cdn.errorLog, "utf8").slice(-500)})`,
  );
}, 30_000);

/** A GET with exactly these headers (fetch would add an Accept-Encoding of its own). */
function rawGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      let body = "";
      res.setEncoding("latin1");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

afterAll(async () => {
  nginx?.kill("SIGTERM");
  await sleep(200);
  // Also removes the folder nginx kept its cache and logs in, so only once nginx has stopped.
  await haproxy?.stop();
  await new Promise((r) => origin?.close(r));
});

describe("the HTTP edge (HAProxy gateway + nginx edge cache)", () => {
  it("answers a public catalog read from its cache: the origin sees it once", async () => {
    const url = `${gateway}/api/trpc/catalog.home?input=%7B%7D`;
    const first = await fetch(url);
    const firstBody = await first.text();
    expect(first.headers.get("x-cache")).toBe("MISS");
    for (let i = 0; i < 5; i++) {
      const again = await fetch(url);
      expect(again.headers.get("x-cache")).toBe("HIT");
      expect(await again.text()).toBe(firstBody);
    }
    expect(hits.get("/api/trpc/catalog.home")).toBe(1);
    // A client asking for a fresh answer gets one from the origin.
    const fresh = await fetch(url, { headers: { "cache-control": "no-cache" } });
    expect(fresh.headers.get("x-cache")).toBe("BYPASS");
    expect(hits.get("/api/trpc/catalog.home")).toBe(2);
  });

  it("never keeps an answer the origin did not mark public, nor a streamed batch", async () => {
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${gateway}/api/trpc/catalog.unmarked`);
      expect(r.headers.get("x-cache")).toBe("MISS");
      await r.text();
    }
    expect(hits.get("/api/trpc/catalog.unmarked")).toBe(3);
    const before = hits.get("/api/trpc/catalog.home") ?? 0;
    const streamed = await fetch(`${gateway}/api/trpc/catalog.home?input=%7B%7D`, {
      headers: { "trpc-accept": "application/jsonl" },
    });
    await streamed.text();
    expect(streamed.headers.get("x-cache")).toBeNull();
    expect(hits.get("/api/trpc/catalog.home")).toBe(before + 1);
  });

  it("keeps a listed page for visitors without a session, and gives a first-time visitor the guest cart cookie itself", async () => {
    const url = `${gateway}/c/tools?sort=price`;
    const first = await rawGet(url);
    expect(first.status).toBe(200);
    expect(first.headers["x-cache"]).toBe("MISS");
    // One cookie, the gateway's (a random UUID), never the one the storefront rendered with.
    const cookies = first.headers["set-cookie"] ?? [];
    expect(cookies).toHaveLength(1);
    const cartId = /^agora_cart=([0-9a-f-]{36}); Path=\/; Max-Age=604800; HttpOnly; SameSite=Lax$/.exec(
      cookies[0] ?? "",
    )?.[1];
    expect(cartId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // The browser still keeps nothing: the page's own Cache-Control passes through.
    expect(first.headers["cache-control"]).toMatch(/no-store/);
    for (let i = 0; i < 3; i++) {
      const again = await rawGet(url, { cookie: `agora_cart=${cartId}` });
      expect(again.headers["x-cache"]).toBe("HIT");
      expect(again.body).toBe(first.body);
      // A visitor who has a cart cookie is given none.
      expect(again.headers["set-cookie"]).toBeUndefined();
    }
    // Another first-time visitor: the same page, a cart of their own.
    const other = await rawGet(url);
    expect(other.headers["x-cache"]).toBe("HIT");
    expect(other.headers["set-cookie"]?.[0]).not.toContain(cartId);
    expect(hits.get("/c/tools")).toBe(1);
  });

  it("keeps one copy of a page per encoding, compressed once by the storefront", async () => {
    const url = `${gateway}/p/42`;
    const gzip = await rawGet(url, { "accept-encoding": "gzip, deflate, br" });
    const plain = await rawGet(url);
    expect(gzip.body).toContain('for "gzip"');
    expect(plain.body).toContain('for ""');
    expect((await rawGet(url, { "accept-encoding": "gzip" })).body).toBe(gzip.body);
    expect((await rawGet(url)).body).toBe(plain.body);
    expect(hits.get("/p/42")).toBe(2);
  });

  it("sends a signed-in visitor, a client navigation and an unlisted page to a storefront, and never stores what a session saw", async () => {
    await rawGet(`${gateway}/`);
    const cases: [string, Record<string, string>][] = [
      ["/", { cookie: "agora_cart=x; __Secure-agora-storefront.session-token=signed-in" }],
      ["/", { cookie: "agora-storefront.session-token.0=chunked" }],
      ["/", { rsc: "1" }],
      ["/cart", {}],
      ["/c/tools/more", {}],
    ];
    for (const [path, headers] of cases) {
      const before = hits.get(path) ?? 0;
      const r = await rawGet(`${gateway}${path}`, headers);
      expect(r.headers["x-cache"], `${path} ${JSON.stringify(headers)}`).toBeUndefined();
      expect(hits.get(path), path).toBe(before + 1);
    }
    // The cache's own guard, for a request that reaches it directly with a session: not served
    // from the cache, and what it got is not stored for the next visitor.
    const cdn = `http://127.0.0.1:${haproxy.topology.apps.cdn}`;
    const direct = await rawGet(`${cdn}/c/direct`, { cookie: "agora-storefront.session-token=s" });
    expect(direct.headers["x-cache"]).toBe("BYPASS");
    expect((await rawGet(`${cdn}/c/direct`)).headers["x-cache"]).toBe("MISS");
  });

  it("sends other procedures (carts, orders) straight to a storefront, not through the cache", async () => {
    for (const path of ["/api/trpc/cart.get", "/api/trpc/catalog.home,cart.get"]) {
      const before = hits.get(path) ?? 0;
      const r = await fetch(`${gateway}${path}`);
      await r.text();
      expect(r.status).toBe(200);
      expect(r.headers.get("x-cache"), path).toBeNull();
      expect(hits.get(path)).toBe(before + 1);
    }
  });

  it("sends one request to the origin for a crowd of misses, and none for a crowd at expiry", async () => {
    const url = `${gateway}/api/trpc/catalog.slow`;
    const crowd = async () =>
      Promise.all(
        Array.from({ length: 40 }, () =>
          fetch(url).then(async (r) => ({
            status: r.status,
            cache: r.headers.get("x-cache"),
            body: await r.text(),
          })),
        ),
      );
    const first = await crowd();
    expect(first.every((r) => r.status === 200)).toBe(true);
    expect(hits.get("/api/trpc/catalog.slow")).toBe(1);
    // The entry (s-maxage=1) has expired: nginx counts lifetimes in whole seconds, so up to 2 s.
    await sleep(2_500);
    const atExpiry = await crowd();
    expect(
      atExpiry.map((r) => r.status).filter((s) => s !== 200),
      "non-200 at expiry",
    ).toEqual([]);
    // Served the expired copy at once while one background request refreshed it.
    const served = atExpiry.map((r) => r.cache);
    expect(
      served.filter((c) => c === "STALE" || c === "UPDATING").length,
      served.join(),
    ).toBeGreaterThan(0);
    await sleep(500);
    expect(hits.get("/api/trpc/catalog.slow")).toBe(2);
  });

  it("stands in with the last good answer while the origin fails", async () => {
    const url = `${gateway}/api/trpc/catalog.slow`;
    await fetch(url).then((r) => r.text());
    await sleep(2_500); // expired (whole seconds, see above)
    failWith = 503;
    try {
      const r = await fetch(url);
      expect(r.status).toBe(200);
      // A good answer the origin gave earlier, not the origin's failure.
      expect(JSON.parse(await r.text())).toMatchObject({ path: "/api/trpc/catalog.slow" });
    } finally {
      failWith = undefined;
    }
  });

  it("passes the client's own address to the origin on a miss through the cache, not the cache's", async () => {
    // From another loopback address than nginx's, so the two cannot be confused.
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${gateway}/api/trpc/catalog.other?input=%7B%7D`,
        { localAddress: "127.0.0.2", headers: { "x-forwarded-for": "203.0.113.9" } },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(200);
    expect(forwardedForOf.get("/api/trpc/catalog.other")).toEqual(["127.0.0.2"]);
  });

  it("states the client address itself, whatever X-Forwarded-For the client sent", async () => {
    forwardedForOf.delete("/api/trpc/cart.get");
    await fetch(`${gateway}/api/trpc/cart.get`, {
      headers: { "x-forwarded-for": "203.0.113.9" },
    }).then((r) => r.text());
    expect(forwardedForOf.get("/api/trpc/cart.get")).toEqual(["127.0.0.1"]);
  });

  it("hands an instance at most its maxconn requests at once and queues the rest", async () => {
    maxInFlight = 0;
    const statuses = await Promise.all(
      Array.from({ length: 48 }, () =>
        fetch(`${gateway}/slow`).then(async (r) => (await r.text(), r.status)),
      ),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(maxInFlight).toBe(16);
  });

  it("gives every request an id, passes it to the instance and returns it; keeps a well-formed one the client sent", async () => {
    const fresh = await fetch(`${gateway}/api/trpc/cart.get`);
    await fresh.text();
    const id = fresh.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdOf.get("/api/trpc/cart.get")).toBe(id);
    const kept = await fetch(`${gateway}/api/trpc/cart.get`, {
      headers: { "x-request-id": "client-req-12345678" },
    });
    await kept.text();
    expect(kept.headers.get("x-request-id")).toBe("client-req-12345678");
    const replaced = await fetch(`${gateway}/api/trpc/cart.get`, {
      headers: { "x-request-id": "bad id<script>" },
    });
    await replaced.text();
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses a body above the edge bound with 413 before any instance sees it", async () => {
    const path = "/api/trpc/cart.add";
    // The edge answers on the announced length, before the body: the client sends its headers and
    // waits (a client still pushing 2 MiB when the edge closes may see a reset instead of the 413).
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${gateway}${path}`, {
        method: "POST",
        headers: {
          "content-length": String(EDGE_BODY_LIMIT_BYTES + 1),
          "content-type": "application/json",
        },
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on("error", reject);
      req.flushHeaders();
    });
    expect(status).toBe(413);
    expect(hits.get(path)).toBeUndefined();
    const ok = await fetch(`${gateway}${path}`, { method: "POST", body: "x".repeat(1024) });
    expect(ok.status).toBe(200);
    await ok.text();
  });

  it("refuses an address that floods it with 429 and Retry-After, without reaching the origin", async () => {
    const before = hits.get("/healthz") ?? 0;
    let refused: { status: number; retryAfter: string | null; body: string } | undefined;
    let sent = 0;
    while (!refused && sent < 2 * FLOOD_LIMIT_HERE) {
      const batch = await Promise.all(
        Array.from({ length: 50 }, () => fetch(`${gateway}/healthz`)),
      );
      sent += batch.length;
      for (const r of batch) {
        const body = await r.text();
        if (r.status === 429)
          refused ??= { status: r.status, retryAfter: r.headers.get("retry-after"), body };
      }
    }
    expect(refused?.status).toBe(429);
    expect(refused?.retryAfter).toBe("10");
    expect(refused?.body).toMatch(/too many requests/i);
    // Everything past the limit stopped at the edge.
    expect((hits.get("/healthz") ?? 0) - before).toBeLessThanOrEqual(FLOOD_LIMIT_HERE + 1);
  });
});
