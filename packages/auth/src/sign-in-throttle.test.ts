import { describe, expect, it, vi } from "vitest";
import { authOptions } from "./options.ts";
import { signInErrorMessage } from "./react/sign-in-errors.ts";
import { SignInThrottledError, withThrottleStatus } from "./sign-in-throttle.ts";

const revocation = {
  epochs: { current: async () => 0, revoke: async () => {} },
  whenUnavailable: "refuse" as const,
};

/** The Credentials provider's `authorize` as next-auth calls it (user options win). */
function authorizeOf(options: ReturnType<typeof authOptions>) {
  const provider = options.providers[0] as unknown as {
    options: {
      authorize: (
        c: Record<string, string>,
        req: { headers: Record<string, string> },
      ) => Promise<unknown>;
    };
  };
  return provider.options.authorize;
}

describe("sign-in throttling", () => {
  it("refuses a throttled attempt before any account is looked up, with the wait in the error", async () => {
    const findUser = vi.fn(async () => null);
    const admit = vi.fn(async () => {
      throw new SignInThrottledError(42);
    });
    const options = authOptions(
      {
        app: "storefront",
        secret: "s".repeat(43),
        url: "http://127.0.0.1:1",
        revocation,
        signInThrottle: { admit },
        directPasswordSignIn: true,
      },
      findUser,
    );
    await expect(
      authorizeOf(options)(
        { email: " Someone@Agora.local", password: "guess" },
        { headers: { "x-forwarded-for": "203.0.113.9" } },
      ),
    ).rejects.toThrow("TooManyRequests:42");
    expect(findUser).not.toHaveBeenCalled();
    const attempt = (admit.mock.calls[0] as unknown as [{ email: string; headers: Headers }])[0];
    expect(attempt.email).toBe("someone@agora.local");
    expect(attempt.headers.get("x-forwarded-for")).toBe("203.0.113.9");
  });

  it("tells the person how long to wait", () => {
    expect(signInErrorMessage("TooManyRequests:42")).toBe(
      "Too many sign-in attempts. Try again in 42 s.",
    );
  });

  it("answers a throttled sign-in with 429 and Retry-After, a wrong password still with 401", async () => {
    const refused = (error: string) =>
      Response.json({ url: `http://127.0.0.1:1/api/auth/error?error=${error}` }, { status: 401 });
    const throttled = await withThrottleStatus(refused("TooManyRequests%3A42"));
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("42");
    expect((await withThrottleStatus(refused("CredentialsSignin"))).status).toBe(401);
    const redirect = new Response(null, {
      status: 401,
      headers: { location: "http://127.0.0.1:1/api/auth/error?error=TooManyRequests%3A7" },
    });
    expect((await withThrottleStatus(redirect)).headers.get("retry-after")).toBe("7");
  });
});
