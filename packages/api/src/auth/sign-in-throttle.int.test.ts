/**
 * Sign-in throttling against the real Redis (through Sentinel) and next-auth's Credentials
 * `authorize` with the apps' options: wrong passwords are counted per account and per address,
 * and the attempt over the limit is refused with the wait, before any password is checked.
 */
import { randomUUID } from "node:crypto";
import { authOptions, type FindUserByEmail, SignInThrottledError } from "@agora/auth";
import { hashPassword } from "@agora/db";
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

type Authorize = (
  c: Record<string, string>,
  req: { headers: Record<string, string> },
) => Promise<unknown>;

/** next-auth's Credentials provider with the apps' options, over the given user lookup. */
function credentialsProvider(findUser: FindUserByEmail): { options: { authorize: Authorize } } {
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
      directPasswordSignIn: true,
    },
    findUser,
  );
  return options.providers[0] as unknown as { options: { authorize: Authorize } };
}

describe("sign-in throttle", () => {
  it("refuses the attempt after the account's limit with the seconds to wait, from any address", async () => {
    const email = `guess-${randomUUID()}@throttle.test`;
    const provider = credentialsProvider(async () => null);
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

  it("starts an account's count afresh when a sign-in proves its password, and counts guesses after it again", async () => {
    const email = `regular-${randomUUID()}@throttle.test`;
    const user = {
      id: randomUUID(),
      email,
      name: "Regular",
      passwordHash: await hashPassword("right-password"),
      grants: [{ roleName: "shopper", vendorId: null }],
    };
    const provider = credentialsProvider(async (e) => (e === email ? user : null));
    const from = (i: number) => ({ headers: { "x-forwarded-for": `192.0.2.${(i % 200) + 1}` } });
    // Twice the account's limit of good sign-ins, each after a typo: never refused.
    for (let i = 0; i < SIGN_IN_LIMITS.account.limit * 2; i++) {
      expect(await provider.options.authorize({ email, password: "typo" }, from(i))).toBeNull();
      expect(
        await provider.options.authorize({ email, password: "right-password" }, from(i)),
      ).toMatchObject({ id: user.id });
    }
    // Guessing after that is counted from zero and stopped at the limit.
    for (let i = 0; i < SIGN_IN_LIMITS.account.limit; i++)
      expect(
        await provider.options.authorize({ email, password: `guess-${i}` }, from(i)),
      ).toBeNull();
    await expect(
      provider.options.authorize({ email, password: "right-password" }, from(0)),
    ).rejects.toBeInstanceOf(SignInThrottledError);
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
