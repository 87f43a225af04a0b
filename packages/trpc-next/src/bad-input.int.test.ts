/**
 * Bad input through the storefront's real tRPC route handler (Redis, Postgres): every request
 * below once reached a query and came back 500 with Prisma/SQLSTATE text. Each must be a 4xx
 * whose body carries no database internals.
 */
import { randomUUID } from "node:crypto";
import { storefrontRouter } from "@agora/api";
import { apiRedisReady, closeApiRedis } from "@agora/api/cache";
import { closeAll } from "@agora/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTrpcRouteHandler } from "./route-handler.ts";

const shopper = {
  userId: randomUUID(),
  email: "bad-input@test",
  name: "Bad Input",
  roles: ["shopper" as const],
};
const anonymous = createTrpcRouteHandler(storefrontRouter, async () => null);
const signedIn = createTrpcRouteHandler(storefrontRouter, async () => shopper);

beforeAll(async () => {
  expect(await apiRedisReady(30_000)).toBe(true);
});

afterAll(async () => {
  await closeApiRedis();
  await closeAll();
});

const forgedCursor = (s: string, v: unknown) =>
  Buffer.from(JSON.stringify({ s, d: "after", v, id: randomUUID() })).toString("base64url");

async function call(
  handler: (req: Request) => Promise<Response>,
  path: string,
  input: unknown,
  type: "query" | "mutation",
): Promise<{ status: number; body: string }> {
  const json = encodeURIComponent(JSON.stringify({ json: input }));
  const url = `http://127.0.0.1/api/trpc/${path}`;
  const res = await handler(
    type === "query"
      ? new Request(`${url}?input=${json}`)
      : new Request(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ json: input }),
        }),
  );
  return { status: res.status, body: await res.text() };
}

const INTERNALS = /prisma|sqlstate|22021|22003|22P02|invalid input syntax|out of range|postgres/i;

describe("bad input at the API boundary", () => {
  const cases: [
    string,
    (req: Request) => Promise<Response>,
    string,
    unknown,
    "query" | "mutation",
  ][] = [
    ["a NUL byte in a search", anonymous, "search.query", { q: "cot\u0000ton" }, "query"],
    [
      "a NUL byte in a sign-up name",
      anonymous,
      "auth.signUp",
      {
        email: `nul-${randomUUID()}@test.agora.local`,
        name: "Ma\u0000ry",
        password: "long enough password",
      },
      "mutation",
    ],
    [
      "a NUL byte in a review title",
      signedIn,
      "reviews.create",
      { productId: randomUUID(), rating: 4, title: "Gre\u0000at", body: "ok" },
      "mutation",
    ],
    ["priceMin: 1e12", anonymous, "search.query", { priceMin: 1e12 }, "query"],
    [
      "a search cursor whose price key is a word",
      anonymous,
      "search.query",
      { sort: "price_asc", cursor: forgedCursor("price_asc", "abc") },
      "query",
    ],
    [
      "a search cursor whose relevance key is text",
      anonymous,
      "search.query",
      { q: "cotton", sort: "relevance", cursor: forgedCursor("relevance", "x") },
      "query",
    ],
    [
      "a category cursor whose price key overflows an int",
      anonymous,
      "catalog.category",
      { slug: "kitchen", sort: "price_desc", cursor: forgedCursor("price_desc", 1e15) },
      "query",
    ],
    [
      "a category cursor whose name key holds a NUL",
      anonymous,
      "catalog.category",
      { slug: "kitchen", sort: "name", cursor: forgedCursor("name", "a\u0000") },
      "query",
    ],
  ];

  it.each(cases)(
    "answers %s with 400 and no database internals",
    async (_, handler, path, input, type) => {
      const { status, body } = await call(handler, path, input, type);
      expect(status).toBe(400);
      expect(body).not.toMatch(INTERNALS);
    },
  );
});
