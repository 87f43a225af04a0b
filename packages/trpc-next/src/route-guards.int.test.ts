/**
 * The storefront's real tRPC route handler (Redis, Postgres) against the requests the security
 * review found accepted: a cross-site mutation, an unbounded batch, a multipart or oversized
 * body, and a bug whose answer carried its Prisma text. Each is refused or answered without
 * internals, while the app's own pages and server-side callers keep working.
 */
import { randomUUID } from "node:crypto";
import { storefrontRouter } from "@agora/api";
import { apiRedisReady, closeApiRedis } from "@agora/api/cache";
import { closeAll } from "@agora/db";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTRPCRouter, publicProcedure } from "../../api/src/trpc.ts";
import { MAX_BATCH_SIZE, MAX_TRPC_BODY_BYTES } from "./limits.ts";
import { createTrpcRouteHandler } from "./route-handler.ts";

const ORIGIN = "http://127.0.0.1:3000";
const storefront = createTrpcRouteHandler(storefrontRouter, async () => null);

beforeAll(async () => {
  expect(await apiRedisReady(30_000)).toBe(true);
});

afterAll(async () => {
  await closeApiRedis();
  await closeAll();
});

/** `cart.add` of an unknown product: a 4xx from the procedure itself when the request gets through. */
const addToCart = (headers: Record<string, string>) =>
  storefront(
    new Request(`${ORIGIN}/api/trpc/cart.add`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({
        json: { productId: randomUUID(), vendorId: randomUUID(), quantity: 1 },
      }),
    }),
  );

describe("cross-site mutations", () => {
  it("refuses a mutation whose Origin or Fetch Metadata names another site, with 403", async () => {
    for (const headers of <Record<string, string>[]>[
      { origin: "http://evil.example" },
      { origin: "null" },
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site", origin: "http://127.0.0.1:3001" },
    ]) {
      const res = await addToCart(headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(((await res.json()) as { error: string }).error).toMatch(/another site/);
    }
  });

  it("serves the app's own pages and callers without a browser Origin (bench, scripts)", async () => {
    for (const headers of <Record<string, string>[]>[
      { origin: ORIGIN, "sec-fetch-site": "same-origin" },
      { origin: ORIGIN },
      {},
    ]) {
      const res = await addToCart(headers);
      expect(res.status, JSON.stringify(headers)).not.toBe(403);
      expect(res.status).toBeLessThan(500);
    }
  });

  it("still answers cross-site reads (queries change nothing)", async () => {
    const res = await storefront(
      new Request(`${ORIGIN}/api/trpc/health.ping`, {
        headers: { origin: "http://evil.example", "sec-fetch-site": "cross-site" },
      }),
    );
    expect(res.status).toBe(200);
  });
});

describe("request bounds", () => {
  const batch = (n: number) =>
    storefront(
      new Request(
        `${ORIGIN}/api/trpc/${Array(n).fill("health.ping").join(",")}?batch=1&input=${encodeURIComponent("{}")}`,
      ),
    );

  it(`answers a batch of more than ${MAX_BATCH_SIZE} calls with 400, and serves one of ${MAX_BATCH_SIZE}`, async () => {
    expect((await batch(MAX_BATCH_SIZE)).status).toBe(200);
    expect((await batch(MAX_BATCH_SIZE + 1)).status).toBe(400);
    expect((await batch(5_000)).status).toBe(400);
  });

  it("answers a multipart or octet-stream mutation with 415 (a cross-site form could send those)", async () => {
    const form = new FormData();
    form.set("productId", randomUUID());
    const multipart = await storefront(
      new Request(`${ORIGIN}/api/trpc/cart.add`, { method: "POST", body: form }),
    );
    expect(multipart.status).toBe(415);
    const octets = await storefront(
      new Request(`${ORIGIN}/api/trpc/cart.add`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: new Uint8Array(10),
      }),
    );
    expect(octets.status).toBe(415);
  });

  it("answers a mutation body over the limit with 413", async () => {
    const res = await storefront(
      new Request(`${ORIGIN}/api/trpc/auth.signUp`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ json: { name: "x".repeat(MAX_TRPC_BODY_BYTES) } }),
      }),
    );
    expect(res.status).toBe(413);
  });
});

describe("errors nobody meant to answer", () => {
  const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  const leaky = createTrpcRouteHandler(
    createTRPCRouter({
      boom: publicProcedure.query(() => {
        throw Object.assign(
          new Error(
            "Invalid `prisma.user.create()` invocation in /srv/agora/packages/api/src/x.ts:12:3\nUnique constraint failed (SQLSTATE 23505)",
          ),
          { code: "P2002" },
        );
      }),
    }),
    async () => null,
  );

  it("answers a stable message and the request's trace id, and logs the cause under that id", async () => {
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    let res: Response;
    try {
      res = await leaky(
        new Request(`${ORIGIN}/api/trpc/boom`, {
          headers: { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` },
        }),
      );
    } finally {
      write.mockRestore();
    }
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toMatch(/prisma|sqlstate|23505|P2002|\.ts:\d|\n\s+at /i);
    const body = JSON.parse(text) as {
      error: { json: { message: string; data: Record<string, unknown> } };
    };
    expect(body.error.json.message).toMatch(/Something went wrong on our side/);
    expect(body.error.json.message).toContain(TRACE_ID);
    expect(body.error.json.data).toMatchObject({ traceId: TRACE_ID, domainCode: null });
    expect(body.error.json.data).not.toHaveProperty("stack");

    const logged = lines.find((l) => l.includes("tRPC procedure failed"));
    expect(logged).toContain(`"trace_id":"${TRACE_ID}"`);
    expect(logged).toContain("Unique constraint failed");
  });

  it("keeps the typed message of an intended 4xx", async () => {
    const res = await storefront(
      new Request(`${ORIGIN}/api/trpc/orders.list`, { headers: { origin: ORIGIN } }),
    );
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { json: { message: string } } };
    expect(body.error.json.message).not.toMatch(/Something went wrong/);
  });
});
