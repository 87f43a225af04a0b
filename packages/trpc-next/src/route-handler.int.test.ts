/**
 * Rate limiting through the real tRPC route handler and Redis: the call over the limit answers
 * HTTP 429 with a Retry-After header and `retryAfterSeconds` in the error data.
 */
import { randomUUID } from "node:crypto";
import { storefrontRouter } from "@agora/api";
import { RATE_LIMITS } from "@agora/api/rate-limits";
import { apiRedisReady, closeApiRedis } from "@agora/api/cache";
import { closeAll } from "@agora/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTrpcRouteHandler } from "./route-handler.ts";

beforeAll(async () => {
  // Before the first connection is up the limiter admits unchecked (fail open), by design.
  expect(await apiRedisReady(30_000)).toBe(true);
});

afterAll(async () => {
  await closeApiRedis();
  await closeAll();
});

function reviewRequest(): Request {
  return new Request("http://127.0.0.1/api/trpc/reviews.create", {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": "198.51.100.7" },
    // Invalid on purpose (rating 9): the limit counts attempts, before input is parsed.
    body: JSON.stringify({ json: { productId: randomUUID(), rating: 9, title: "t", body: "b" } }),
  });
}

describe("API rate limits through the route handler", () => {
  it("answers 429 with Retry-After once a shopper exceeds the review limit", async () => {
    const userId = randomUUID();
    const handler = createTrpcRouteHandler(storefrontRouter, async () => ({
      userId,
      email: "limit@test",
      name: "Limit Test",
      roles: ["shopper"],
    }));
    const limit = RATE_LIMITS.review.user.limit;
    const statuses: number[] = [];
    for (let i = 0; i < limit; i++) statuses.push((await handler(reviewRequest())).status);
    expect(statuses.every((s) => s === 400)).toBe(true);

    const refused = await handler(reviewRequest());
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(RATE_LIMITS.review.user.windowMs / 1000);
    const body = (await refused.json()) as { error: { json: { data: Record<string, unknown> } } };
    expect(body.error.json.data).toMatchObject({
      code: "TOO_MANY_REQUESTS",
      retryAfterSeconds: retryAfter,
      domainCode: "RATE_LIMITED",
    });
  });

  it("counts another user separately", async () => {
    const handler = createTrpcRouteHandler(storefrontRouter, async () => ({
      userId: randomUUID(),
      email: "other@test",
      name: "Other",
      roles: ["shopper"],
    }));
    expect((await handler(reviewRequest())).status).toBe(400);
  });
});
