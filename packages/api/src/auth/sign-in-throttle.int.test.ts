/**
 * Sign-in throttling against the real Redis (through Sentinel) and next-auth's Credentials
 * `authorize` with the apps' options: wrong passwords are counted per account and per address,
 * and the attempt over the limit is refused with the wait, before any password is checked.
 */
import { randomUUID } from "node:crypto";
import { authOptions, SignInThrottledError } from "@agora/auth";
import { closeAll } from "@agora/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiRedisReady, closeApiRedis } from "../cache/index.ts";
import { SIGN_IN_LIMITS } from "../rate-limit/limits.ts";
import { signInThrottle } from "./sign-in-throttle.ts";

const throttle = signInThrottle();
const headersFrom = (address: string) => new Headers({ "x-forwarded-for": address });

beforeAll(async () => {
  expect(await apiRedisReady(30_000)).toBe(true);
});

afterAll(async () => {
  await closeApiRedis();
  await closeAll();
});

async function outcome(p: Promise<unknown>): Promise<"ok" | number> {
  try {
    await p;
    return "ok";
  } catch (err) {
    if (err instanceof SignInThrottledError) return err.retryAfterSeconds;
    throw err;
  }
}

describe("sign-in throttle", () => {
  it("refuses the attempt after the account's limit with the seconds to wait, from any address", async () => {
    const email = `guess-${randomUUID()}@throttle.test`;
    const options = authOptions(
      {
        app: "storefront",
        secret: "s".repeat(43),
        url: "http://127.0.0.1:1",
        revocation: {
          epochs: { current: async () => 0, revoke: async () => {} },
          whenUnavailable: "refuse",
        },
        signInThrottle: throttle,
      },
      async () => null,
    );
    const provider = options.providers[0] as unknown as {
      options: {
        authorize: (
          c: Record<string, string>,
          req: { headers: Record<string, string> },
        ) => Promise<unknown>;
      };
    };
    const results: unknown[] = [];
    for (let i = 0; i < SIGN_IN_LIMITS.account.limit; i++) {
      // Each guess from another address: only the account's count can stop them.
      results.push(
        await provider.options.authorize(
          { email, password: `wrong-${i}` },
          { headers: { "x-forwarded-for": `198.51.100.${i + 1}` } },
        ),
      );
    }
    expect(results.every((r) => r === null)).toBe(true);
    const refused = provider.options.authorize(
      { email, password: "one more" },
      { headers: { "x-forwarded-for": "198.51.100.200" } },
    );
    await expect(refused).rejects.toBeInstanceOf(SignInThrottledError);
    const wait = await outcome(refused);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(SIGN_IN_LIMITS.account.windowMs / 1000);
  });

  it("refuses an address that tries many accounts, and counts another address apart", async () => {
    const address = `203.0.113.${Math.floor(Math.random() * 200) + 1}-${randomUUID()}`;
    for (let i = 0; i < SIGN_IN_LIMITS.address.limit; i++)
      expect(
        await outcome(
          throttle.admit({ email: `a${i}-${randomUUID()}@t.test`, headers: headersFrom(address) }),
        ),
      ).toBe("ok");
    expect(
      await outcome(
        throttle.admit({ email: `b-${randomUUID()}@t.test`, headers: headersFrom(address) }),
      ),
    ).toBeGreaterThan(0);
    expect(
      await outcome(
        throttle.admit({
          email: `c-${randomUUID()}@t.test`,
          headers: headersFrom(`${address}-other`),
        }),
      ),
    ).toBe("ok");
  });
});
